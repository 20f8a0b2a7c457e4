"""Sign-in rules applied on every request: one session per login, idle timeout, absolute
session age; and `Cache-Control: no-store` on the admin and on views marked @no_store."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.http import set_no_store
from matching.memberships import role_for_user

LOGIN_AT_KEY = "accounts_login_at"
SEEN_AT_KEY = "accounts_seen_at"
LOGIN_ID_KEY = "accounts_login_id"
# Activity refreshes the idle timeout, but the session row is written at most this often:
# saving it on every request costs three statements per page at the 12:00 rush.
SEEN_AT_RESOLUTION = 60

REPLACED_MESSAGE = gettext_lazy(
    "U werd afgemeld omdat er met dezelfde login opnieuw werd aangemeld."
)


class SessionGuardMiddleware:
    """Place after AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = self._reason_to_end(request, user)
            if reason:
                return self._sign_out(request, reason)
            now = int(time.time())
            if now - request.session.get(SEEN_AT_KEY, 0) >= SEEN_AT_RESOLUTION:
                # Marks the session modified: saved, and its cookie and expiry renewed.
                request.session[SEEN_AT_KEY] = now
        return self.get_response(request)

    def _reason_to_end(self, request, user) -> str | None:
        from accounts.models import UserSession

        session = request.session
        try:
            # Loaded with the user by accounts.backends (no query of its own).
            current = user.current_session.session_key
        except UserSession.DoesNotExist:
            current = None
        # UserSession.session_key holds the id of the latest sign-in (see accounts.signals).
        if current is not None and current != session.get(LOGIN_ID_KEY):
            return str(REPLACED_MESSAGE)
        now = time.time()
        login_at = session.get(LOGIN_AT_KEY)
        if login_at is None:
            # A session from before these rules: start counting now.
            session[LOGIN_AT_KEY] = int(now)
        elif now - login_at > settings.SESSION_ABSOLUTE_AGE:
            return _("Uw sessie is verlopen. Meld opnieuw aan.")
        seen_at = session.get(SEEN_AT_KEY)
        if seen_at is not None and now - seen_at > settings.SESSION_COOKIE_AGE:
            return _("U werd afgemeld na een periode zonder activiteit. Meld opnieuw aan.")
        return None

    def _sign_out(self, request, reason):
        logout(request)
        messages.warning(request, reason)
        url = resolve_url(settings.LOGIN_URL)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


# Where Wagtail's permission policies keep a user's page, collection and site permissions
# for the rest of the request (wagtail.permission_policies: `permission_cache_name`).
WAGTAIL_PERMISSION_CACHES = (
    "_page_permission_cache",
    "_collection_permission_cache",
    "_site_permission_cache",
)


# What a service, school or coordinator login may open in the admin, by the first path
# segment after /admin/: Wagtail's frame (dashboard, sign-in and -out, own account, icons,
# translations, dismissed hints) and the role's own screens. Everything else of the admin
# (Wagtail's choosers, its API, pages, images, documents, reports, users...) is refused
# before any view runs, whatever a view would check itself.
ADMIN_FRAME = frozenset(
    {"", "account", "login", "logout", "password_reset", "jsi18n", "sprite", "dismissibles"}
)
OWN_ADMIN_SECTIONS = {
    "service": frozenset({"service", "contact-persons"}),
    "school": frozenset({"school"}),
    "coordinator": frozenset({"rapportering"}),
}
STAFF_ROLES = frozenset({"operator", "editor"})
NOT_YOURS = gettext_lazy("U hebt geen toegang tot deze pagina.")


class AdminRoleMiddleware:
    """Keeps service, school and coordinator logins (and logins without a role) inside
    their part of the admin.

    1. Only the sections in ADMIN_FRAME and OWN_ADMIN_SECTIONS[role] answer them; any other
       admin URL redirects to the dashboard with a Dutch message.
    2. They never get Wagtail page, collection or site permissions: recording that up
       front spares the three queries Wagtail's sidebar makes on every admin page to find
       it out (a group given such a permission by mistake widens nothing).
    Place after SessionGuard."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/admin/"

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith(self.prefix) and user is not None and user.is_authenticated:
            role = role_for_user(user)
            if role not in STAFF_ROLES:
                # A login without a role (say, its service was deactivated) keeps the frame.
                section = request.path[len(self.prefix) :].split("/", 1)[0]
                if section not in ADMIN_FRAME | OWN_ADMIN_SECTIONS.get(role, frozenset()):
                    messages.error(request, str(NOT_YOURS))
                    return redirect("wagtailadmin_home")
                for name in WAGTAIL_PERMISSION_CACHES:
                    setattr(user, name, [])
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing from the admin or from a @no_store view may be kept by a browser cache."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.admin_prefix) or getattr(request, "_no_store", False):
            set_no_store(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "view_class", None)
        if getattr(view_func, "no_store", False) or getattr(view_class, "no_store", False):
            request._no_store = True
        return None
