"""Admin screens of the mail: texts for editors, the outbox and the schedules for operators."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_celery_beat.models import PeriodicTask
from wagtail import hooks
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.columns import AbsoluteDateColumn, YesNoColumn
from core.permissions import ReadOnlyPermissionPolicy, RoleModelPermissionPolicy
from core.roles import is_operator
from core.viewsets import ReadOnlyViewSetMixin

from .bulk_actions import OutboxRetryBulkAction
from .models import MailTemplate, Outbox
from .services import outbox_retry

# Mail texts: editors and operators; the outbox: operators. Model permissions alone never do.
# Nobody adds a mail text: the code sends the keys it knows (notifications.defaults), and the
# form has no key, so an added text would never be sent (and Wagtail's chooser, which has
# no creation form for it, answered a POST with a 500).
MAIL_TEXT_ACTIONS = frozenset({"view", "change", "delete"})
register_permission_policy(
    MailTemplate,
    RoleModelPermissionPolicy(MailTemplate, editors=True, actions=MAIL_TEXT_ACTIONS),
)
register_permission_policy(Outbox, ReadOnlyPermissionPolicy(Outbox))


class MailTemplateViewSet(SnippetViewSet):
    model = MailTemplate
    icon = "mail"
    menu_label = _("E-mailteksten")
    menu_name = "mail_templates"
    add_to_admin_menu = True
    menu_order = 400
    list_display = ["name", "key", "subject", Column("updated_at", label=_("gewijzigd op"))]
    search_fields = ["name", "subject", "body"]
    form_fields = ["name", "subject", "body"]
    copy_view_enabled = False


register_snippet(MailTemplateViewSet)


class OutboxIndexView(IndexView):
    """The outbox list; operators select mails for a bulk "Opnieuw proberen", or take every
    failed one with the header button (bulk_actions.OutboxRetryBulkAction)."""

    template_name = "notifications/outbox_index.html"

    @cached_property
    def columns(self):
        columns = super().columns
        if not is_operator(self.request.user):
            return columns
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="outbox"), *columns]

    def _get_title_column(self, *args, **kwargs):
        return super()._get_title_column(
            *args, **kwargs, get_title_id=lambda instance: f"outbox_{quote(instance.pk)}_title"
        )

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if is_operator(self.request.user):
            url = reverse("wagtail_bulk_action", args=["notifications", "outbox", "retry"])
            next_url = reverse("outbox:index")
            buttons.append(
                HeaderButton(
                    _("Alle mislukte opnieuw proberen"),
                    url=f"{url}?{urlencode({'id': 'all', 'next': next_url})}",
                    icon_name="rotate",
                )
            )
        return buttons

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        retryable = instance.status in (Outbox.Status.QUEUED, Outbox.Status.FAILED)
        if retryable and is_operator(self.request.user):
            buttons.append(
                ListingButton(
                    _("Opnieuw proberen"),
                    url=reverse("outbox_retry", args=[instance.pk]),
                    attrs={"data-controller": "w-action", "data-action": "w-action#post"},
                )
            )
        return buttons


class OutboxViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = Outbox
    icon = "mail"
    menu_label = _("Verzonden e-mails")
    name = "outbox"
    index_view_class = OutboxIndexView
    list_display = [
        "to",
        "subject",
        Column("status", label=_("status"), accessor="get_status_display"),
        "attempts",
        Column("created_at", label=_("aangemaakt op")),
        Column("sent_at", label=_("verzonden op")),
    ]
    list_filter = ["status", "template_key"]
    search_fields = ["to", "subject"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "to",
        "subject",
        "body",
        "template_key",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    # The export shows what the inspect view shows: a sign-in link is never in it, because
    # it is never stored (notifications/links.py).
    list_export = ["to", "subject", "body", "template_key", "status", "created_at", "sent_at"]


class OperatorOnlyPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return is_operator(user)

    def user_has_any_permission(self, user, actions):
        return is_operator(user)


register_permission_policy(PeriodicTask, OperatorOnlyPolicy(PeriodicTask))


def crontab_label(task) -> str:
    """A daily time as "elke dag om 09:00"; other crontabs as django-celery-beat says them."""
    crontab = task.crontab
    if crontab is None:
        return "—"
    daily = (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("*",) * 3
    if daily and crontab.hour.isdigit() and crontab.minute.isdigit():
        return _("elke dag om %(time)s") % {
            "time": f"{int(crontab.hour):02d}:{int(crontab.minute):02d}"
        }
    return str(crontab)


class ScheduleViewSet(ModelViewSet):
    """The beat schedules (django-celery-beat rows): the operator can change the interval
    or time, or switch a job off; beat picks up the change by itself."""

    model = PeriodicTask
    icon = "time"
    menu_label = _("Planning van taken")
    name = "schedules"
    list_display = [
        "name",
        Column("interval", label=_("elke")),
        Column("crontab", label=_("tijdstip"), accessor=crontab_label),
        YesNoColumn("enabled", label=_("actief")),
        AbsoluteDateColumn("last_run_at", label=_("laatst uitgevoerd")),
    ]
    form_fields = ["name", "enabled", "interval", "crontab", "description"]
    copy_view_enabled = False


class MailViewSetGroup(ViewSetGroup):
    menu_label = _("E-mail en planning")
    menu_icon = "mail"
    menu_name = "mail"
    menu_order = 410
    items = (OutboxViewSet, ScheduleViewSet)


hooks.register("register_bulk_action", OutboxRetryBulkAction)


@hooks.register("register_admin_viewset")
def register_mail_viewsets():
    return MailViewSetGroup()


@require_POST
def retry_view(request, pk):
    if not is_operator(request.user):
        raise PermissionDenied
    outbox_retry(outbox=get_object_or_404(Outbox, pk=pk))
    messages.success(request, _("De e-mail staat opnieuw in de wachtrij."))
    return redirect("outbox:index")


@hooks.register("register_admin_urls")
def register_mail_urls():
    return [path("outbox/<int:pk>/retry/", retry_view, name="outbox_retry")]
