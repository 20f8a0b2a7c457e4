"""The second factor's pages: enter the code after the password, set up an authenticator
app (with the recovery codes shown once). Thin: the rules are in accounts.second_factor."""

from urllib.parse import quote

from django import forms
from django.conf import settings
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

from accounts import enrolment, second_factor
from accounts.lockout import lockout_response
from core.http import no_store
from matching.errors import DomainError


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
    recovery codes, shown once. Open to a session that may enrol (accounts.enrolment:
    activation, an enrolment link, a coordinator opting in) and to a verified session
    replacing its app; any other session without an app is asked to have a link mailed."""

    template_name = "accounts/second_factor_enrol.html"
    codes_template_name = "accounts/second_factor_codes.html"
    link_template_name = "accounts/second_factor_enrol_link.html"
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
        if not enrolment.enrolment_allowed(request, user):
            # The password alone does not let anyone bind a phone to this login.
            return self._link_needed(request)
        return super().dispatch(request, *args, **kwargs)

    def _link_needed(self, request):
        if request.method == "POST" and request.POST.get("action") == "send-link":
            try:
                enrolment.enrolment_link_send(request, request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("We stuurden een link naar %(email)s. Open die om verder te gaan.")
                    % {"email": request.user.email},
                )
            return redirect(_with_next(reverse("accounts:second_factor_enrol"), _next_url(request)))
        return TemplateResponse(
            request,
            self.link_template_name,
            {"next": _next_url(request), "hours": settings.SECOND_FACTOR_ENROL_LINK_HOURS},
        )

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


class EnrolLinkView(View):
    """The enrolment link from the mail: grants this browser session the enrolment of that
    login, then the password is asked (if not signed in yet) and the set-up follows."""

    template_name = "accounts/second_factor_enrol_link_invalid.html"

    def get(self, request, token):
        user = enrolment.enrolment_token_user(token)
        if user is None:
            return TemplateResponse(request, self.template_name, {}, status=410)
        if request.user.is_authenticated and request.user.pk != user.pk:
            logout(request)
        enrolment.enrolment_grant_pending(request, user.pk)
        target = reverse("accounts:second_factor_enrol")
        if request.user.is_authenticated:
            return redirect(target)
        messages.info(
            request,
            _("Meld u aan met uw wachtwoord; daarna stelt u de tweestapsverificatie in."),
        )
        return redirect(_with_next(resolve_url("wagtailadmin_login"), target))


verify = no_store(VerifyView.as_view())
enrol_link = no_store(EnrolLinkView.as_view())
enrol = no_store(EnrolView.as_view())
