"""Wagtail screens for the operator: school years and their timetable, services, schools
and (read-only) students. Access follows model permissions, which only the operators'
group holds (accounts.roles); the views call services and show their Dutch errors."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton

from core.columns import AbsoluteDateColumn, YesNoColumn
from core.permissions import OperatorPermissionPolicy
from core.viewsets import ReadOnlyViewSetMixin, related_index_view
from matching.errors import DomainError
from matching.models import (
    Decision,
    Milestone,
    PersonalDataAccess,
    Round,
    School,
    SchoolYear,
    Service,
    StatusChange,
    Student,
)
from matching.operator.capacity import CapacityViewSet
from matching.operator.labels import TracksColumn, TracksField
from matching.timetable import school_year_close, school_year_create_from_default

# School years --------------------------------------------------------------------------


class SchoolYearIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(
                    _("Schooljaar met standaardplanning"),
                    url=reverse("operator_school_year_default"),
                    icon_name="date",
                )
            )
        return buttons

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        can_change = self.permission_policy.user_has_permission(self.request.user, "change")
        if instance.closed_at is None and can_change:
            buttons.append(
                ListingButton(
                    _("Afsluiten"), url=reverse("operator_school_year_close", args=[instance.pk])
                )
            )
        return buttons


class SchoolYearViewSet(ModelViewSet):
    model = SchoolYear
    icon = "date"
    menu_label = _("Schooljaren")
    menu_order = 100
    name = "school_years"
    index_view_class = SchoolYearIndexView
    list_display = [
        "name",
        AbsoluteDateColumn("starts_on", label=_("begindatum")),
        AbsoluteDateColumn("ends_on", label=_("einddatum")),
        AbsoluteDateColumn("closed_at", label=_("afgesloten op")),
    ]
    form_fields = [
        "name",
        "starts_on",
        "ends_on",
        "entry_blackout_starts_at",
        "entry_blackout_ends_at",
        "blackout_release_at",
    ]
    search_fields = ["name"]
    copy_view_enabled = False
    inspect_view_enabled = True


class DefaultYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Beginjaar"),
        min_value=2020,
        max_value=2100,
        help_text=_("Bv. 2026 voor schooljaar 2026-2027. Alle data staan op 12 uur."),
    )


class OperatorFormView(WagtailAdminTemplateMixin, FormView):
    template_name = "wagtailadmin/generic/form.html"
    header_icon = "date"
    submit_button_label = _("Opslaan")

    def dispatch(self, request, *args, **kwargs):
        policy = OperatorPermissionPolicy(SchoolYear)
        if not policy.user_has_permission(request.user, self.required_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.path
        context["submit_button_label"] = self.submit_button_label
        return context


class SchoolYearDefaultView(OperatorFormView):
    page_title = _("Schooljaar met standaardplanning")
    required_action = "add"
    form_class = DefaultYearForm
    submit_button_label = _("Schooljaar aanmaken")

    def form_valid(self, form):
        try:
            year = school_year_create_from_default(year=form.cleaned_data["year"])
        except DomainError as exc:
            form.add_error("year", exc.message)
            return self.form_invalid(form)
        except ValidationError as exc:  # the model's own checks (Round/SchoolYear.clean)
            form.add_error("year", exc.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Schooljaar %(name)s werd aangemaakt met de standaardplanning.") % {"name": year},
        )
        return redirect(reverse("rounds:index") + f"?school_year={year.pk}")


class CloseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ik bevestig dat dit schooljaar afgesloten wordt."),
        help_text=_(
            "Na het afsluiten zien diensten geen leerlingen van dit schooljaar meer en worden "
            "er geen rondemails meer verstuurd."
        ),
    )


class SchoolYearCloseView(OperatorFormView):
    required_action = "change"
    form_class = CloseForm
    submit_button_label = _("Schooljaar afsluiten")

    def get_page_title(self):
        return _("Schooljaar %(name)s afsluiten") % {"name": self.school_year}

    def dispatch(self, request, pk, *args, **kwargs):
        self.school_year = get_object_or_404(SchoolYear, pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            school_year_close(school_year=self.school_year, user=self.request.user)
        except DomainError as exc:
            messages.error(self.request, exc.message)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            messages.success(
                self.request, _("Schooljaar %(name)s is afgesloten.") % {"name": self.school_year}
            )
        return redirect("school_years:index")


# Rounds and milestones -----------------------------------------------------------------


class RoundForm(forms.ModelForm):
    """Model validation (end after start, no overlap per track, unique number, scope
    required) gives the Dutch messages; nothing to repeat here."""

    class Meta:
        model = Round
        fields = ["school_year", "track", "number", "name", "scope", "starts_at", "ends_at"]


class RoundViewSet(ModelViewSet):
    model = Round
    icon = "time"
    menu_label = _("Rondes")
    menu_order = 110
    name = "rounds"
    list_display = [
        "__str__",
        Column("school_year", label=_("schooljaar")),
        Column("track", label=_("type leerling"), accessor="get_track_display"),
        Column("scope", label=_("zichtbaarheid"), accessor="get_scope_display"),
        AbsoluteDateColumn("starts_at", label=_("start")),
        AbsoluteDateColumn("ends_at", label=_("einde")),
    ]
    list_filter = ["school_year", "track", "scope"]
    form_fields = RoundForm.Meta.fields
    copy_view_enabled = True


class MilestoneViewSet(ModelViewSet):
    model = Milestone
    icon = "flag"
    menu_label = _("Mijlpalen")
    menu_order = 120
    name = "milestones"
    list_display = [
        "name",
        "school_year",
        TracksColumn("tracks", label=_("types")),
        AbsoluteDateColumn("starts_at", label=_("start")),
        AbsoluteDateColumn("ends_at", label=_("einde")),
    ]
    list_filter = ["school_year"]
    form_fields = ["school_year", "name", "tracks", "starts_at", "ends_at"]

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "tracks":
            return TracksField(label=db_field.verbose_name, required=not db_field.blank)
        return super().formfield_for_dbfield(db_field, **kwargs)


# Services, schools, students -----------------------------------------------------------


class ServiceViewSet(ModelViewSet):
    model = Service
    icon = "home"
    menu_label = _("Diensten")
    menu_order = 130
    name = "services"
    list_display = [
        "name",
        "code",
        "province",
        "postcode",
        "municipality",
        YesNoColumn("is_active", label=_("actief")),
    ]
    list_filter = ["province", "is_active"]
    search_fields = ["name", "code", "municipality", "postcode"]
    form_fields = [
        "name",
        "code",
        "province",
        "postcode",
        "municipality",
        "email",
        "phone",
        "is_active",
    ]
    inspect_view_enabled = True


class SchoolViewSet(ModelViewSet):
    model = School
    icon = "group"
    menu_label = _("Scholen")
    menu_order = 140
    name = "schools"
    list_display = ["name", "code", "kind", "province", "postcode", "municipality"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "code", "municipality", "postcode"]
    form_fields = ["name", "code", "kind", "province", "postcode", "municipality", "email", "phone"]
    inspect_view_enabled = True


class StudentViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = Student
    index_view_class = related_index_view("school", "province")
    icon = "user"
    menu_label = _("Leerlingen")
    menu_order = 150
    name = "students"
    list_display = [
        "__str__",
        "school",
        Column("track", label=_("type leerling"), accessor="get_track_display"),
        "province",
        "postcode",
        AbsoluteDateColumn("registered_at", label=_("ingeschreven op")),
    ]
    list_filter = ["school_year", "track", "province"]
    search_fields = ["first_name", "last_name", "postcode", "municipality"]
    # The inspect view lists only what needs no personal-data log (no NRN, e-mail, phone).
    inspect_view_fields = [
        "school_year",
        "school",
        "track",
        "first_name",
        "last_name",
        "postcode",
        "municipality",
        "province",
        "education",
        "requested_start",
        "requested_end",
        "hours",
        "registered_at",
    ]
    inspect_view_enabled = True


class DecisionViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Current statuses per service and student; changes go through the services' screens."""

    model = Decision
    icon = "tick"
    menu_label = _("Beslissingen")
    menu_order = 160
    name = "decisions"
    list_display = [
        "student",
        "service",
        Column("status", label=_("status"), accessor="get_status_display"),
        "mentor",
        "period_start",
        "period_end",
        AbsoluteDateColumn("updated_at", label=_("gewijzigd op")),
    ]
    list_filter = ["status", "student__track", "service__province"]
    search_fields = ["student__last_name", "student__first_name", "service__name"]
    inspect_view_enabled = True
    inspect_view_fields = ["student", "service", "status", "mentor", "period_start", "period_end"]

    index_view_class = related_index_view("student", "service", "mentor")


class StatusChangeViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """The append-only history of every status change."""

    model = StatusChange
    icon = "history"
    menu_label = _("Statusgeschiedenis")
    menu_order = 170
    name = "status-changes"
    list_display = [
        "student",
        "service",
        Column("from_status", label=_("van"), accessor="get_from_status_display"),
        Column("to_status", label=_("naar"), accessor="get_to_status_display"),
        "changed_by",
        AbsoluteDateColumn("changed_at", label=_("op")),
    ]
    list_filter = ["to_status", "service__province"]
    search_fields = ["student__last_name", "service__name"]

    index_view_class = related_index_view("student", "service", "changed_by")


class PersonalDataAccessViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Who saw which student's personal data, when, and where (screen or export)."""

    model = PersonalDataAccess
    icon = "view"
    menu_label = _("Inzage persoonsgegevens")
    menu_order = 180
    name = "personal-data-access"
    list_display = [
        "student",
        "user",
        "service",
        Column("context", label=_("context"), accessor="get_context_display"),
        AbsoluteDateColumn("accessed_at", label=_("op")),
    ]
    list_filter = ["context"]
    search_fields = ["student__last_name", "user__email"]

    index_view_class = related_index_view("student", "user", "service")


class OperatorViewSetGroup(ViewSetGroup):
    menu_label = _("Stagematching")
    menu_icon = "date"
    menu_name = "stagematching"
    menu_order = 150
    items = (
        SchoolYearViewSet,
        RoundViewSet,
        MilestoneViewSet,
        ServiceViewSet,
        CapacityViewSet,
        SchoolViewSet,
        StudentViewSet,
        DecisionViewSet,
        StatusChangeViewSet,
        PersonalDataAccessViewSet,
    )


@hooks.register("register_admin_viewset")
def register_operator_viewsets():
    return OperatorViewSetGroup()


@hooks.register("register_admin_urls")
def register_operator_urls():
    return [
        path(
            "operator/school-years/default/",
            SchoolYearDefaultView.as_view(),
            name="operator_school_year_default",
        ),
        path(
            "operator/school-years/<int:pk>/close/",
            SchoolYearCloseView.as_view(),
            name="operator_school_year_close",
        ),
    ]
