"""The operator's screen of registrations of one person by several schools (Dutch)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem

from core.roles import is_operator
from matching import duplicates, selectors
from matching.errors import DomainError


def _require_operator(request):
    if not is_operator(request.user):
        raise PermissionDenied


def duplicates_index(request):
    _require_operator(request)
    school_year = selectors.school_year_current()
    show_all = request.GET.get("alle") == "1"
    groups = duplicates.duplicate_groups(school_year=school_year, open_only=not show_all)
    duplicates.duplicate_groups_shown(user=request.user, groups=groups)
    title = _("Dubbele inschrijvingen")
    return TemplateResponse(
        request,
        "matching/operator/duplicates.html",
        {
            "page_title": title,
            "header_title": title,
            "school_year": school_year,
            "groups": groups,
            "show_all": show_all,
        },
    )


@require_POST
def duplicates_resolve(request, pk):
    _require_operator(request)
    try:
        count = duplicates.duplicate_resolve(
            user=request.user, student_id=pk, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Afgehandeld: %(count)s inschrijvingen werden gemarkeerd.") % {"count": count},
        )
    return redirect("operator_duplicates")


class OperatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_operator(request.user)


@hooks.register("register_admin_urls")
def register_duplicate_urls():
    return [
        path("operator/dubbele-inschrijvingen/", duplicates_index, name="operator_duplicates"),
        path(
            "operator/dubbele-inschrijvingen/<int:pk>/afhandelen/",
            duplicates_resolve,
            name="operator_duplicates_resolve",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_duplicates_menu_item():
    return OperatorMenuItem(
        gettext_lazy("Dubbele inschrijvingen"),
        reverse("operator_duplicates"),
        name="operator-duplicates",
        icon_name="warning",
        order=160,
    )
