from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from accounts.models import Role
from matching import choice_selectors


class ActivationForm(SetPasswordForm):
    """Choose a password; Django's validators apply (checked again by the service)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("Kies een wachtwoord")
        self.fields["new_password2"].label = _("Herhaal het wachtwoord")


class LoginForm(WagtailLoginForm):
    """Wagtail's sign-in form with Dutch labels: Wagtail gives the password field no label,
    so Django would show the field name ("Password")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mailadres")
        self.fields["username"].widget.attrs["placeholder"] = _("uw e-mailadres")
        self.fields["password"].label = _("Wachtwoord")
        self.fields["password"].widget.attrs["placeholder"] = _("uw wachtwoord")
        self.fields["remember"].label = _("Aangemeld blijven")


class PasswordResetForm(WagtailPasswordResetForm):
    """Wagtail's reset form, but saving only hands the address to the worker
    (accounts.services.password_reset_enqueue): known and unknown addresses cost the
    request the same work, and the mail goes through the outbox like all other mail."""

    def save(self, *args, **kwargs):
        from accounts.services import password_reset_enqueue

        password_reset_enqueue(email=self.cleaned_data["email"])


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadres"))
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)
    service = forms.ModelChoiceField(
        label=_("Dienst"),
        queryset=choice_selectors.active_services(),
        required=False,
        help_text=_("Enkel voor medewerkers van een dienst."),
    )
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=choice_selectors.schools(),
        required=False,
        help_text=_("Enkel voor medewerkers van een school."),
    )
    provinces = forms.ModelMultipleChoiceField(
        label=_("Provincies"),
        queryset=choice_selectors.provinces(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Enkel voor regionale trekkers."),
    )
