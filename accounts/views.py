from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import View
from wagtail.admin.views.account import LogoutView as WagtailLogoutView

from accounts import enrolment, second_factor, selectors, services
from accounts.forms import ActivationForm
from core.http import no_store, set_no_store
from matching.errors import DomainError


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ActivationView(View):
    """The invited person chooses a password. The token is a random secret, not personal
    data; the page is never cached and the link works once."""

    template_name = "accounts/activate.html"
    no_store = True

    def _problem(self, invitation) -> str | None:
        if invitation is None:
            return _("Deze activatielink is ongeldig.")
        state = invitation.state
        if state == "used":
            return _("Deze activatielink werd al gebruikt. U kunt gewoon aanmelden.")
        if state == "revoked":
            return _("Deze uitnodiging werd ingetrokken.")
        if state == "expired":
            return _(
                "Deze activatielink is verlopen. Vraag de beheerder om een nieuwe uitnodiging."
            )
        return None

    def _render(self, request, invitation, form=None, problem=None, status=200):
        return TemplateResponse(
            request,
            self.template_name,
            {"invitation": invitation, "form": form, "problem": problem},
            status=status,
        )

    def get(self, request, token):
        invitation = selectors.invitation_by_token(token)
        problem = self._problem(invitation)
        if problem:
            return self._render(request, None, problem=problem, status=410 if invitation else 404)
        return self._render(request, invitation, form=ActivationForm(invitation.user))

    def post(self, request, token):
        invitation = selectors.invitation_by_token(token)
        problem = self._problem(invitation)
        if problem:
            return self._render(request, None, problem=problem, status=410 if invitation else 404)
        form = ActivationForm(invitation.user, request.POST)
        if form.is_valid():
            try:
                user = services.invitation_accept(
                    token=token, password=form.cleaned_data["new_password1"]
                )
            except DomainError as exc:
                return self._render(request, None, problem=exc.message, status=410)
            except ValidationError as exc:
                form.add_error("new_password1", exc)
            else:
                if second_factor.second_factor_required(user):
                    # Enrolment is part of activation: the person who just chose the
                    # password sets up the second factor before anything else opens.
                    login(request, user, backend="accounts.backends.AccountsBackend")
                    # The invitation link proved the mailbox: this session may enrol.
                    enrolment.enrolment_grant(request, user)
                    messages.success(
                        request,
                        _(
                            "Uw wachtwoord werd ingesteld. Stel nu de tweestapsverificatie "
                            "in met een authenticator-app."
                        ),
                    )
                    return redirect("accounts:second_factor_enrol")
                messages.success(
                    request,
                    _("Uw wachtwoord werd ingesteld. U kunt nu aanmelden met uw e-mailadres."),
                )
                return redirect("wagtailadmin_login")
        return self._render(request, invitation, form=form)


activate = no_store(ActivationView.as_view())


class AdminLogoutView(WagtailLogoutView):
    """/admin/logout/ for every route the interface offers (Wagtail's sidebar posts here).

    POST signs out on the server (Django's logout flushes the session row) and drops the
    cookie. GET only shows a Dutch confirmation with a POST button and changes nothing:
    Wagtail's own view answered a GET with 405 yet dropped the cookie and said "logged
    out", while the session stayed valid on the server."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET":
            if not request.user.is_authenticated:
                return redirect("wagtailadmin_login")
            return set_no_store(TemplateResponse(request, self.template_name, {}))
        return super().dispatch(request, *args, **kwargs)


admin_logout = AdminLogoutView.as_view()


def not_found(request, *args, **kwargs):
    """For routes that must not exist in production (Wagtail's /admin/failwhale/)."""
    raise Http404
