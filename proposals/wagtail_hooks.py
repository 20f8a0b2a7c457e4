"""Wagtail registrations of the proposals: the operator's "Plaatsingsvoorstellen" and the
service's "Voorstellen" (under the service's own admin section, /admin/service/…)."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from core.roles import is_operator
from matching.memberships import service_for_user

from . import urls


@hooks.register("register_admin_urls")
def register_proposal_urls():
    return [
        path("voorstellen/", include(urls.operator_patterns, namespace="proposals")),
        path(
            "service/voorstellen/",
            include(urls.service_patterns, namespace="proposals_service"),
        ),
    ]


class OperatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_operator(request.user)


class ServiceMenuItem(MenuItem):
    def is_shown(self, request):
        return service_for_user(request.user) is not None


@hooks.register("register_admin_menu_item")
def proposals_menu_item():
    return OperatorMenuItem(
        _("Plaatsingsvoorstellen"),
        reverse_lazy("proposals:index"),
        name="proposals",
        icon_name="list-ul",
        order=890,
    )


@hooks.register("register_admin_menu_item")
def service_proposals_menu_item():
    return ServiceMenuItem(
        _("Voorstellen"),
        reverse_lazy("proposals_service:index"),
        name="service-proposals",
        icon_name="list-ul",
        order=135,
    )
