"""The operator's capacity screen: every service's places per school year and track, what
its acceptances fill and who changed it last. The operator corrects a figure here; the
change goes through matching.capacity.capacity_set (marked as the operator's), so the
service sees who corrected it."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

from core.columns import EMPTY, absolute
from matching import capacity
from matching.errors import DomainError
from matching.models import Capacity


class CapacityForm(WagtailAdminModelForm):
    class Meta:
        model = Capacity
        fields = ["service", "school_year", "track", "places", "period_start", "period_end"]


class CapacityCorrectionForm(WagtailAdminModelForm):
    class Meta:
        model = Capacity
        fields = ["places", "period_start", "period_end"]


class FilledColumn(Column):
    """'3 van 10 plaatsen ingevuld' from the `filled` annotation (capacity.with_filled)."""

    def get_value(self, instance):
        return capacity.places_text(capacity=instance.places, filled=instance.filled)


class OverColumn(Column):
    def get_value(self, instance):
        return max(instance.filled - instance.places, 0) or "—"


class ChangedColumn(Column):
    """Who changed the figure last and when, and whether it was the operator."""

    def get_value(self, instance):
        values = {
            "who": instance.updated_by or EMPTY,
            "when": absolute(instance.updated_at),
        }
        if instance.updated_by_operator:
            return _("%(who)s, %(when)s (beheerder)") % values
        return _("%(who)s, %(when)s") % values


class CapacityIndexView(IndexView):
    def get_base_queryset(self):
        return capacity.with_filled(
            super().get_base_queryset().select_related("service", "school_year", "updated_by")
        )


class _SaveThroughService:
    """Both forms save through capacity_set, as the operator's correction."""

    def save_instance(self):
        data = self.form.cleaned_data
        target = self.form.instance
        try:
            instance = capacity.capacity_set(
                service=data.get("service") or target.service,
                school_year=data.get("school_year") or target.school_year,
                track=data.get("track") or target.track,
                places=data["places"],
                period_start=data.get("period_start"),
                period_end=data.get("period_end"),
                user=self.request.user,
                by_operator=True,
            )
        except DomainError as error:
            # The form's own checks run the same rules first; this is the last word.
            raise ValueError(str(error.message)) from error
        log(
            instance=instance,
            action="wagtail.edit" if target.pk else "wagtail.create",
            user=self.request.user,
            content_changed=True,
        )
        return instance


class CapacityCreateView(_SaveThroughService, CreateView):
    pass


class CapacityEditView(_SaveThroughService, EditView):
    pass


class CapacityViewSet(ModelViewSet):
    model = Capacity
    icon = "grid"
    menu_label = gettext_lazy("Capaciteit")
    menu_order = 135
    name = "capacities"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = CapacityIndexView
    add_view_class = CapacityCreateView
    edit_view_class = CapacityEditView
    list_display = [
        "service",
        "school_year",
        Column("track", label=gettext_lazy("type leerling"), accessor="get_track_display"),
        FilledColumn("filled", label=gettext_lazy("ingevuld")),
        OverColumn("over", label=gettext_lazy("boven capaciteit")),
        ChangedColumn("updated_at", label=gettext_lazy("laatst gewijzigd")),
    ]
    list_filter = ["school_year", "track", "service__province", "updated_by_operator"]
    search_fields = ["service__name", "service__code"]
    inspect_view_fields = [
        "service",
        "school_year",
        "track",
        "places",
        "period_start",
        "period_end",
        "updated_by",
        "updated_at",
        "updated_by_operator",
    ]

    def get_form_class(self, for_update=False):
        return CapacityCorrectionForm if for_update else CapacityForm
