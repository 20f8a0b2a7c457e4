"""Wagtail registrations for school users: their students (the bulk import registers its
own screens in schoolimports.wagtail_hooks)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from matching.memberships import role_for_user
from matching.school import views as views_school


class SchoolMenuItem(MenuItem):
    """Shown only to logins that work for a school."""

    def is_shown(self, request):
        # role_for_user stops at the first role found: a service login costs no school query.
        return role_for_user(request.user) == "school"


@hooks.register("register_admin_urls")
def register_school_urls():
    return [path("school/students/", include(views_school))]


@hooks.register("register_admin_menu_item")
def register_school_students_menu_item():
    return SchoolMenuItem(
        _("Mijn leerlingen"),
        reverse("matching_school:index"),
        name="school-students",
        icon_name="group",
        order=140,
    )
