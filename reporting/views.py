"""Admin views of reporting. Thin: who may look decides the provinces, selectors compute,
services change state. A coordinator asking for another province gets a 404, like an id
that does not exist; anyone without a reporting role gets a 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from core.roles import is_operator
from matching.errors import DomainError
from matching.memberships import provinces_for_user
from matching.models import Province, SchoolYear, Track
from matching.selectors import school_year_current

from . import charts, selectors, services, supply
from .exports import operator_export_response
from .models import OperatorExport

PAGE_SIZE = 50


def dashboard_context(dashboard: selectors.Dashboard, *, list_url: str = "") -> dict:
    """What the figure templates need, for the home panel and the coordinator's page."""
    return {
        "dashboard": dashboard,
        "bar_chart": charts.stacked_bars(dashboard.totals),
        "line_chart": charts.cumulative_line(dashboard.weeks),
        "list_url": list_url,
        "figures_heading": _("Leerlingen en plaatsingen — %(year)s")
        % {"year": dashboard.school_year or ""},
        "placements_heading": _("Plaatsingen per week"),
    }


def reporting_provinces(user):
    """The provinces `user` may follow: None means all (operator); raises 403 for others."""
    if is_operator(user):
        return None
    provinces = provinces_for_user(user)
    if not provinces.exists():
        raise PermissionDenied
    return provinces


class ReportingPageMixin(WagtailAdminTemplateMixin):
    """Wagtail admin furniture with this page as the last breadcrumb."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class OperatorRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_operator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReportingIndexView(OperatorRequiredMixin, ReportingPageMixin, TemplateView):
    """The operator's reporting page: export a year, see past exports, anonymise a year."""

    page_title = gettext_lazy("Rapportering")
    header_icon = "table"
    template_name = "reporting/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            school_years=selectors.school_years(),
            exports=selectors.recent_exports(),
            anonymisations=selectors.anonymisations(),
            formats=OperatorExport.Format.choices,
            current=school_year_current(),
        )
        return context


class OperatorExportView(OperatorRequiredMixin, View):
    """POST: stream the export of one school year (personal data only when asked)."""

    def post(self, request):
        school_year = get_object_or_404(SchoolYear, pk=request.POST.get("school_year") or 0)
        return operator_export_response(
            school_year=school_year,
            user=request.user,
            fmt=request.POST.get("format", "csv"),
            with_personal_data=request.POST.get("persoonsgegevens") == "1",
        )


class AnonymiseView(OperatorRequiredMixin, ReportingPageMixin, TemplateView):
    """Confirm with the school year's name, then anonymise it (once, after an export)."""

    page_title = gettext_lazy("Schooljaar anonimiseren")
    header_icon = "warning"
    template_name = "reporting/anonymise.html"

    @cached_property
    def school_year(self) -> SchoolYear:
        return get_object_or_404(SchoolYear, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.school_year.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            school_year=self.school_year,
            export=selectors.latest_complete_export(self.school_year),
            student_count=selectors.year_students(self.school_year).count(),
        )
        return context

    def post(self, request, pk):
        try:
            done = services.school_year_anonymise(
                school_year=self.school_year,
                user=request.user,
                confirmation=request.POST.get("confirmation", ""),
            )
        except DomainError as error:
            messages.error(request, error.message)
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        messages.success(
            request,
            _("Schooljaar %(year)s geanonimiseerd: %(count)s leerlingen.")
            % {"year": self.school_year.name, "count": done.student_count},
        )
        return redirect("reporting:index")


class FiguresView(ReportingPageMixin, TemplateView):
    """The figures of the current school year for a coordinator's province(s), read-only."""

    page_title = gettext_lazy("Cijfers van de regio")
    header_icon = "table"
    template_name = "reporting/figures.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        allowed = reporting_provinces(self.request.user)
        province = None
        provinces = allowed
        if self.kwargs.get("province_id") is not None:
            province = _one_province(allowed, self.kwargs["province_id"])
            provinces = selectors.only_province(province)
        dashboard = selectors.dashboard(provinces=provinces)
        context.update(dashboard_context(dashboard, list_url=reverse("reporting:unplaced")))
        context.update(
            province=province,
            province_choices=selectors.provinces_in_reach(allowed),
        )
        return context


def _one_province(allowed, pk) -> Province:
    province = selectors.province_for_coordinator(
        provinces=selectors.provinces_in_reach(allowed), pk=pk
    )
    if province is None:
        raise Http404(_("Deze provincie werd niet gevonden."))
    return province


class UnplacedListView(ReportingPageMixin, TemplateView):
    """Unplaced students of the current school year, without personal data, paginated."""

    page_title = gettext_lazy("Leerlingen zonder stageplaats")
    header_icon = "group"
    template_name = "reporting/unplaced.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        allowed = reporting_provinces(self.request.user)
        provinces = allowed
        province = None
        if self.request.GET.get("province"):
            province = _one_province(allowed, self.request.GET["province"])
            provinces = selectors.only_province(province)
        track = self.request.GET.get("track", "")
        without_decision = self.request.GET.get("zonder_beslissing") == "1"
        school_year = school_year_current()
        page = None
        if school_year is not None:
            qs = selectors.unplaced_students(
                school_year=school_year,
                provinces=provinces,
                track=track,
                without_decision=without_decision,
            )
            page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            school_year=school_year,
            page_obj=page,
            province=province,
            province_choices=selectors.provinces_in_reach(allowed),
            track=track if track in Track.values else "",
            tracks=Track.choices,
            without_decision=without_decision,
        )
        return context


class SupplyDemandView(ReportingPageMixin, TemplateView):
    """Supply and demand: per province and track, unplaced students against free places,
    with a chart and the services that still have room; for the operator (all provinces)
    and a coordinator (own provinces; another one is a 404)."""

    page_title = gettext_lazy("Vraag en aanbod")
    header_icon = "grid"
    template_name = "reporting/supply.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        allowed = reporting_provinces(self.request.user)
        provinces, province = allowed, None
        if self.request.GET.get("province"):
            province = _one_province(allowed, self.request.GET["province"])
            provinces = selectors.only_province(province)
        track = self.request.GET.get("track", "")
        track = track if track in Track.values else ""
        years = selectors.school_years()
        school_year = school_year_current()
        if self.request.GET.get("school_year"):
            school_year = get_object_or_404(years, pk=_int(self.request.GET["school_year"]))
        result = supply.supply_and_demand(school_year=school_year, provinces=provinces, track=track)
        context.update(
            result=result,
            totals=result.totals(),
            chart=charts.paired_bars(result.by_province()),
            school_year=school_year,
            school_years=years,
            province=province,
            province_choices=selectors.provinces_in_reach(allowed),
            track=track,
            tracks=Track.choices,
        )
        return context


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
