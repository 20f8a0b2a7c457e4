"""The second factor's pages: enter the code after the password, set up an authenticator
app (with the recovery codes shown once). Thin: the rules are in accounts.second_factor."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import View
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import second_factor
from accounts.lockout import lockout_response
from core.http import no_store


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("wagtailadmin_home")


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class VerifyView(View):
    """After the password: the code from the app, or one recovery code."""

    template_name = "accounts/second_factor_verify.html"
    no_store = True

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect("wagtailadmin_login")
        next_url = _next_url(request)
        if second_factor.is_verified(user) or not second_factor.second_factor_required(user):
            return redirect(next_url)
        if not second_factor.has_confirmed_device(user):
            return redirect(_with_next(reverse("accounts:second_factor_enrol"), next_url))
        if second_factor.sign_in_locked(request, user):
            logout(request)
            return lockout_response(request)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form):
        from accounts import passkey_views, passkeys

        context = {"form": form, "next": _next_url(request), "passkey_config": None}
        if passkeys.passkey_sign_in_allowed(request, request.user):
            context["passkey_config"] = passkey_views.passkey_script_config(request)
        return TemplateResponse(request, self.template_name, context)

    def get(self, request):
        return self._render(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        user = request.user
        try:
            device = second_factor.sign_in_verify(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except second_factor.SecondFactorError as exc:
            if getattr(request, "axes_locked_out", False):
                # django-axes answers with its lockout page; the half sign-in ends here.
                logout(request)
                return lockout_response(request)
            form.add_error("code", exc.message)
            return self._render(request, form)
        if isinstance(device, StaticDevice):
            messages.warning(
                request,
                _(
                    "U meldde aan met een herstelcode; die werkt nu niet meer. U hebt er nog "
                    "%(left)d. Stel een nieuwe authenticator-app in via Account → "
                    "Tweestapsverificatie."
                )
                % {"left": second_factor.recovery_codes_left(user)},
            )
        return redirect(_next_url(request))


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class EnrolView(View):
    """Set up an authenticator app: QR code and secret, one code to confirm, then the ten
    recovery codes, shown once. Open to a login without an app (first sign-in, after a
    reset, a coordinator opting in) and to a verified session replacing its app."""

    template_name = "accounts/second_factor_enrol.html"
    codes_template_name = "accounts/second_factor_codes.html"
    no_store = True

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect("wagtailadmin_login")
        if not second_factor.is_verified(user) and second_factor.has_confirmed_device(user):
            # Replacing an app needs the old one (or a recovery code) first.
            return redirect(
                _with_next(reverse("accounts:second_factor_verify"), _next_url(request))
            )
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form, device):
        return TemplateResponse(
            request,
            self.template_name,
            {
                "form": form,
                "device": device,
                "qr_svg": second_factor.totp_qr_svg(device),
                "secret": second_factor.totp_secret_display(device),
                "next": _next_url(request),
                "replacing": second_factor.is_verified(request.user),
            },
        )

    def get(self, request):
        return self._render(request, CodeForm(), second_factor.enrolment_device(request.user))

    def post(self, request):
        form = CodeForm(request.POST)
        device = second_factor.enrolment_device(request.user)
        if not form.is_valid():
            return self._render(request, form, device)
        try:
            device_id = int(request.POST.get("device", ""))
        except ValueError:
            device_id = device.pk
        try:
            codes = second_factor.enrolment_confirm(
                request=request,
                user=request.user,
                device_id=device_id,
                code=form.cleaned_data["code"],
            )
        except second_factor.SecondFactorError as exc:
            form.add_error("code", exc.message)
            return self._render(request, form, second_factor.enrolment_device(request.user))
        return TemplateResponse(
            request,
            self.codes_template_name,
            {
                "codes": codes,
                "download_href": "data:text/plain;charset=utf-8,"
                + quote(_codes_text(request.user, codes)),
                "next": _next_url(request),
            },
        )


def _codes_text(user, codes) -> str:
    lines = [
        _("Stagematching — herstelcodes voor %(email)s") % {"email": user.email},
        _("Aangemaakt op %(when)s. Elke code werkt één keer.")
        % {"when": timezone.localtime().strftime("%d/%m/%Y %H:%M")},
        "",
        *codes,
        "",
    ]
    return "\r\n".join(lines)


verify = no_store(VerifyView.as_view())
enrol = no_store(EnrolView.as_view())
