"""The product's name and look in Wagtail's admin: branding stylesheet, no links to
Wagtail's own release notes and guide (English, another product's name), no "Wagtail
v8.0.1" under the settings menu."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.admin.wagtail_hooks import SettingsMenuItem

# Wagtail's help menu items that point at wagtail.org (English, Wagtail-branded).
WAGTAIL_HELP_ITEMS = ("whats-new-in-wagtail-", "editor-guide")


@hooks.register("insert_global_admin_css")
def branding_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin-branding.css"))


@hooks.register("construct_help_menu")
def without_wagtail_guides(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_ITEMS)]


@hooks.register("construct_main_menu")
def settings_menu_without_wagtail_version(request, menu_items):
    """Wagtail's settings menu signs itself "Wagtail v<version>"; the same menu without."""
    for index, item in enumerate(menu_items):
        if isinstance(item, SettingsMenuItem):
            menu_items[index] = SubmenuMenuItem(
                item.label,
                item.menu,
                name=item.name,
                icon_name=item.icon_name,
                classname=item.classname,
                order=item.order,
            )
