"""Nothing opens before the second factor: see accounts.second_factor."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

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
