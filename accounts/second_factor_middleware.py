"""Nothing opens before the second factor: see accounts.second_factor."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from accounts import second_factor

# What a session that passed the password but not yet the second factor may open: the
# second factor's own pages, signing in and out, and what those pages load. Everything
# else (the whole admin, documents, the API, the public site) sends it to the code.
OPEN_PREFIXES = (
    "/accounts/tweestapsverificatie/",
    "/accounts/activeer/",
    "/admin/login/",
    "/admin/logout/",
    "/admin/jsi18n/",
    "/admin/sprite",
    "/static/",
)


class SecondFactorMiddleware:
    """Place after django_otp's OTPMiddleware and accounts' SessionGuardMiddleware (so the
    one-session rule and the timeouts end a session first) and before AdminRoleMiddleware.

    A login that needs a second factor (second_factor.second_factor_required) and whose
    session has not passed it is redirected: to enter its code when it has an
    authenticator app, else to set one up (the first sign-in of an existing login, or
    after an operator's reset). GET requests keep where they were going in `next`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not second_factor.is_verified(user)
            and second_factor.second_factor_required(user)
        ):
            return self._to_second_factor(request, user)
        return self.get_response(request)

    def _to_second_factor(self, request, user):
        if second_factor.has_confirmed_device(user):
            url = reverse("accounts:second_factor_verify")
        else:
            url = reverse("accounts:second_factor_enrol")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)


class VerifiedDeviceMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware without a query of its own per request.

    django-otp loads the device named in the session on every request to check that it
    still exists, is confirmed and belongs to the user. accounts.backends loads the ids of
    the user's confirmed devices with the user itself; when the session's device is among
    them those checks hold already, and the device row is only read if something uses it.
    Any other case (a device the user query did not bring) goes django-otp's own way."""

    def _verify_user_sync(self, request, user):
        known = second_factor.confirmed_device_persistent_ids(user)
        persistent_id = (
            request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        )
        if known is None or not persistent_id:
            return super()._verify_user_sync(request, user)
        persistent_id = self._normalize_persistent_id(persistent_id)
        if persistent_id not in known:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        user.otp_device = SimpleLazyObject(lambda: self._device_from_persistent_id(persistent_id))
        return user
