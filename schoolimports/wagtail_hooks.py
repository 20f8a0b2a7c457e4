"""Wagtail registrations of the bulk import: its URLs under the school's section and its
menu item, shown to school logins only."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from matching.school.wagtail_hooks import SchoolMenuItem

from . import views


@hooks.register("register_school_students_action")
def register_import_action():
    return {
        "label": _("Leerlingen importeren"),
        "url": reverse("schoolimports:upload"),
        "icon": "upload",
    }


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("school/students/import/", include(views))]


@hooks.register("register_admin_menu_item")
def register_school_import_menu_item():
    return SchoolMenuItem(
        _("Leerlingen importeren"),
        reverse("schoolimports:upload"),
        name="school-import",
        icon_name="upload",
        order=150,
    )
