"""The outbox screen's bulk action for operators: put the selected mails (or, with
"select all", every failed one) back in the queue with a fresh retry sequence."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.views.bulk_action import BulkAction

from core.roles import is_operator

from .models import Outbox
from .services import outbox_retry_many

RETRYABLE = (Outbox.Status.QUEUED, Outbox.Status.FAILED)


class OutboxRetryBulkAction(BulkAction):
    display_name = _("Opnieuw proberen")
    action_type = "retry"
    aria_label = _("Geselecteerde e-mails opnieuw proberen")
    template_name = "notifications/confirm_bulk_retry.html"
    action_priority = 10
    models = [Outbox]

    def dispatch(self, request, *args, **kwargs):
        if not is_operator(request.user):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        # "Select all" (and the screen's "Alle mislukte opnieuw proberen"): every failed mail.
        return Outbox.objects.filter(status=Outbox.Status.FAILED).values_list("pk", flat=True)

    @classmethod
    def get_queryset(cls, model, object_ids):
        return list(Outbox.objects.filter(pk__in=list(object_ids)).order_by("-created_at", "-pk"))

    def check_perm(self, obj):
        # Sent and cancelled mails stay as they are: listed apart, not retried.
        return obj.status in RETRYABLE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["header_icon"] = "mail"
        return context

    @classmethod
    def execute_action(cls, objects, **kwargs):
        return outbox_retry_many(ids=[obj.pk for obj in objects]), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d e-mail staat opnieuw in de wachtrij.",
            "%(count)d e-mails staan opnieuw in de wachtrij.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
