"""Admin wiring for accounts: the operator's access screens, menus per role, dashboard."""

from django.templatetags.static import static
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from accounts.admin_views import AccessViewSetGroup
from matching import memberships
from matching.models import Track
from matching.selectors import round_summary_for_service

# Which main-menu entries each role may see, by menu item name (prefix match). Hiding is
# only comfort: every view checks access itself.
MENU_PREFIXES = {
    # "settings" holds the helpdesk setting; Wagtail lists in it only what the user may edit.
    "editor": ("explorer", "images", "documents", "snippets", "mail", "settings"),
    "service": ("students-", "capacity", "contact-persons", "service-"),
    "school": ("school-",),
    "coordinator": ("region-",),
}


@hooks.register("insert_global_admin_js")
def csp_safe_widgets_js():
    """Starts Wagtail's date/time pickers without inline script (see static/js/admin-csp.js)."""
    return format_html('<script src="{}"></script>', static("js/admin-csp.js"))


@hooks.register("register_admin_viewset")
def register_access_viewsets():
    return AccessViewSetGroup()


def visible_menu_items(role, menu_items):
    """The entries a role may see; operators (and superusers) see everything."""
    if role == "operator":
        return list(menu_items)
    prefixes = MENU_PREFIXES.get(role, ())
    return [item for item in menu_items if item.name.startswith(prefixes)] if prefixes else []


@hooks.register("construct_main_menu")
def menu_per_role(request, menu_items):
    menu_items[:] = visible_menu_items(memberships.role_for_user(request.user), menu_items)


def _round_line(item, now) -> str:
    """One dashboard line for a (track, round in force) pair from matching.selectors."""
    track, round_ = getattr(item, "track", None), getattr(item, "round", None)
    if track is None:
        return str(item)
    track_label = Track(track).label
    if round_ is None:
        return _("%(track)s: er loopt nog geen ronde.") % {"track": track_label}
    values = {
        "track": track_label,
        "round": str(round_),
        "scope": round_.get_scope_display(),
        "end": date_format(timezone.localtime(round_.ends_at), "j F Y H:i"),
    }
    if round_.ends_at > now:
        return _("%(track)s: %(round)s — u ziet: %(scope)s (tot %(end)s).") % values
    return _("%(track)s: %(round)s liep af op %(end)s — u ziet nog steeds: %(scope)s.") % values


def _round_summary(service):
    """What the current round allows this service, one line per track."""
    now = timezone.now()
    return [_round_line(item, now) for item in round_summary_for_service(service, now)]


class WelcomePanel(Component):
    name = "accounts_welcome"
    order = 10
    template_name = "accounts/dashboard_welcome.html"

    def __init__(self, *, role, service=None, school=None, provinces=()):
        self.role = role
        self.service = service
        self.school = school
        self.provinces = list(provinces)

    def get_context_data(self, parent_context):
        summary = _round_summary(self.service) if self.service else None
        return {
            "role": self.role,
            "service": self.service,
            "school": self.school,
            "provinces": self.provinces,
            "round_summary": summary,
            "summary_is_text": isinstance(summary, str),
        }


@hooks.register("construct_homepage_panels")
def dashboard_per_role(request, panels):
    role = memberships.role_for_user(request.user)
    if role == "service":
        panels[:] = [WelcomePanel(role=role, service=memberships.service_for_user(request.user))]
    elif role == "school":
        panels[:] = [WelcomePanel(role=role, school=memberships.school_for_user(request.user))]
    elif role == "coordinator":
        provinces = memberships.provinces_for_user(request.user)
        panels[:] = [WelcomePanel(role=role, provinces=provinces)]
    elif role is None:
        panels[:] = []


@hooks.register("register_account_menu_item")
def second_factor_account_item(request):
    """Account → Tweestapsverificatie: replace the app (new phone) and get new recovery
    codes; for a regional coordinator, opt in."""
    from django.urls import reverse

    from accounts import second_factor

    required = second_factor.second_factor_required(request.user)
    return {
        "url": reverse("accounts:second_factor_enrol") + "?next=" + reverse("wagtailadmin_account"),
        "label": _("Tweestapsverificatie") if required else _("Tweestapsverificatie aanzetten"),
        "help_text": _(
            "Stel een nieuwe authenticator-app in (bijvoorbeeld op een nieuwe smartphone) en "
            "krijg tien nieuwe herstelcodes."
        )
        if required
        else _("Beveilig uw login met een code uit een authenticator-app na uw wachtwoord."),
    }


@hooks.register("register_account_menu_item")
def passkeys_account_item(request):
    """Account → Passkeys: add or remove a passkey, once an authenticator app is set up."""
    from django.urls import reverse

    from accounts import second_factor

    if not second_factor.has_confirmed_device(request.user):
        return None
    return {
        "url": reverse("accounts:passkeys") + "?next=" + reverse("wagtailadmin_account"),
        "label": _("Passkeys"),
        "help_text": _(
            "Bevestig uw aanmelding met de vingerafdruk, het gezicht of de pincode van uw "
            "toestel, of met een beveiligingssleutel, in plaats van een code te typen."
        ),
    }
