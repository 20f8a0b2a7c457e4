"""Wagtail registrations of reporting: the operator's home panels and menu item, the regional
coordinator's two menu items ("region-figures", "region-unplaced") and, for both, supply
and demand ("region-supply")."""

from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from matching.memberships import provinces_for_user, role_for_user

from . import selectors, urls
from .views import dashboard_context


class ReportingHomePanel(Component):
    """Figures, the bar chart per province and the placements line of the current year."""

    name = "reporting"
    order = 50
    template_name = "reporting/home_panel.html"

    def __init__(self, provinces=None):
        self.provinces = provinces

    def get_context_data(self, parent_context=None):
        dashboard = selectors.dashboard(provinces=self.provinces)
        return dashboard_context(dashboard, list_url=reverse("reporting:unplaced"))


@hooks.register("construct_homepage_panels")
def add_reporting_panels(request, panels):
    role = _reporting_role(request)
    if role == "operator":
        panels.append(ReportingHomePanel())
    elif role == "coordinator":
        panels.append(ReportingHomePanel(provinces=provinces_for_user(request.user)))


@hooks.register("register_admin_urls")
def register_reporting_urls():
    return [path("rapportering/", include(urls, namespace="reporting"))]


def _reporting_role(request) -> str | None:
    """'operator', 'coordinator' or None, for the menu."""
    role = role_for_user(request.user)
    return role if role in ("operator", "coordinator") else None


class OperatorMenuItem(MenuItem):
    def is_shown(self, request):
        return _reporting_role(request) == "operator"


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return _reporting_role(request) == "coordinator"


@hooks.register("register_admin_menu_item")
def reporting_menu_item():
    return OperatorMenuItem(
        _("Rapportering"),
        reverse_lazy("reporting:index"),
        name="reporting",
        icon_name="table",
        order=900,
    )


@hooks.register("register_admin_menu_item")
def region_figures_menu_item():
    return CoordinatorMenuItem(
        _("Cijfers van de regio"),
        reverse_lazy("reporting:figures"),
        name="region-figures",
        icon_name="table",
        order=200,
    )


@hooks.register("register_admin_menu_item")
def region_unplaced_menu_item():
    return CoordinatorMenuItem(
        _("Leerlingen zonder stageplaats"),
        reverse_lazy("reporting:unplaced"),
        name="region-unplaced",
        icon_name="group",
        order=210,
    )


class ReportingRoleMenuItem(MenuItem):
    def is_shown(self, request):
        return _reporting_role(request) is not None


@hooks.register("register_admin_menu_item")
def supply_menu_item():
    return ReportingRoleMenuItem(
        _("Vraag en aanbod"),
        reverse_lazy("reporting:supply"),
        name="region-supply",
        icon_name="grid",
        order=905,
    )
