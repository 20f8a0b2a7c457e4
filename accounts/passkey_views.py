"""Passkey pages and the JSON endpoints django-otp-webauthn's scripts call. Thin: the
package's views run the WebAuthn ceremonies (through py_webauthn); the rules of who may
register or use a passkey, and what a success or a refusal means, are accounts.passkeys."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.middleware import csrf
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts import passkeys, second_factor
from accounts.lockout import lockout_response
from accounts.second_factor_views import _next_url, _with_next
from core.http import no_store


def passkey_script_config(request) -> dict:
    """What django-otp-webauthn's scripts read from the page (as JSON, not as a script:
    the Content-Security-Policy allows no inline script)."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("accounts:passkey_auth_begin"),
        "completeAuthenticationUrl": reverse("accounts:passkey_auth_complete"),
        "beginRegistrationUrl": reverse("accounts:passkey_register_begin"),
        "completeRegistrationUrl": reverse("accounts:passkey_register_complete"),
    }


class _Refused(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "refused"


class _LockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 429  # django-axes' answer to a locked login (AXES_HTTP_RESPONSE_CODE)
    default_code = "locked_out"


def _refused(message, code="refused"):
    return _Refused(detail=message, code=code)


_NOT_VERIFIED = gettext_lazy("Meld eerst aan met uw code voor u een passkey toevoegt.")


class _RegistrationChecks:
    messages = {"user_not_verified": _NOT_VERIFIED}

    def check_can_register(self):
        if not passkeys.passkey_registration_allowed(self.request.user):
            raise _refused(_NOT_VERIFIED, "user_not_verified")


class RegisterBegin(_RegistrationChecks, BeginCredentialRegistrationView):
    pass


class RegisterComplete(_RegistrationChecks, CompleteCredentialRegistrationView):
    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and not isinstance(exc, _Refused):
            exc = exceptions.UnprocessableEntity(
                detail=_("Deze passkey kon niet worden toegevoegd. Probeer opnieuw."),
                code=exc.code,
            )
        return super().handle_exception(exc)


class _AuthenticationChecks:
    def check_can_authenticate(self):
        user = self.request.user
        if not user.is_authenticated:
            raise _refused(_("Meld eerst aan met uw wachtwoord."), "not_authenticated")
        if second_factor.sign_in_locked(self.request, user):
            logout(self.request)
            raise _LockedOut(
                detail=_("Te veel mislukte aanmeldpogingen. Probeer het later opnieuw."),
                code="locked_out",
            )
        if not passkeys.passkey_sign_in_allowed(self.request, user):
            raise _refused(_("Voor deze login is geen passkey ingesteld."), "no_passkey")


class AuthBegin(_AuthenticationChecks, BeginCredentialAuthenticationView):
    pass


class AuthComplete(_AuthenticationChecks, CompleteCredentialAuthenticationView):
    """A refused passkey counts as a failed sign-in; at the lockout the half sign-in ends."""

    def complete_auth(self, device):
        passkeys.passkey_sign_in_complete(self.request, self.request.user, device)

    def get_success_url(self):
        return _next_url(self.request)

    def handle_exception(self, exc):
        user = self.request.user
        refusal = isinstance(exc, exceptions.OTPWebAuthnApiError | second_factor.SecondFactorError)
        if not refusal or getattr(exc, "code", "") in {"not_authenticated", "locked_out"}:
            return super().handle_exception(exc)
        if isinstance(exc, _Refused) and exc.code == "no_passkey":
            return super().handle_exception(exc)
        passkeys.passkey_sign_in_failed(self.request, user)
        if getattr(self.request, "axes_locked_out", False):
            # django-axes answers with its lockout (accounts.lockout, JSON here); the half
            # sign-in ends here.
            logout(self.request)
            return lockout_response(self.request)
        return JsonResponse(
            {
                "detail": _(
                    "Deze passkey werd niet aanvaard. Probeer opnieuw, of typ de code uit "
                    "uw authenticator-app."
                ),
                "code": "refused",
            },
            status=403,
        )


class PasskeysView(View):
    """Account → Passkeys: the login's passkeys, add one, remove one. Needs a session that
    passed the second factor."""

    template_name = "accounts/passkeys.html"
    no_store = True

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect("wagtailadmin_login")
        if not passkeys.passkey_registration_allowed(user):
            if second_factor.has_confirmed_device(user):
                target = reverse("accounts:second_factor_verify")
            else:
                target = reverse("accounts:second_factor_enrol")
            return redirect(_with_next(target, request.get_full_path()))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return TemplateResponse(
            request,
            self.template_name,
            {
                "passkeys": passkeys.passkeys_of(request.user),
                "next": _next_url(request),
                "passkey_config": passkey_script_config(request),
            },
        )

    def post(self, request):
        try:
            passkey_id = int(request.POST.get("remove", ""))
        except ValueError:
            passkey_id = None
        if passkey_id and passkeys.passkey_remove(user=request.user, passkey_id=passkey_id):
            messages.success(request, _("De passkey werd verwijderd."))
        return redirect(_with_next(reverse("accounts:passkeys"), _next_url(request)))


# The scripts' texts: django-otp-webauthn's own, with our Dutch (locale/nl_BE, djangojs).
passkey_jsi18n = JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])
passkeys_page = no_store(PasskeysView.as_view())
register_begin = RegisterBegin.as_view()
register_complete = RegisterComplete.as_view()
auth_begin = AuthBegin.as_view()
auth_complete = AuthComplete.as_view()
