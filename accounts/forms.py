from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from accounts.models import Role
from matching.models import Province, School, Service


class ActivationForm(SetPasswordForm):
    """Choose a password; Django's validators apply (checked again by the service)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("Kies een wachtwoord")
        self.fields["new_password2"].label = _("Herhaal het wachtwoord")


class PasswordResetForm(WagtailPasswordResetForm):
    """Wagtail's reset form, but the mail goes through the same queue as all other mail.

    Django's form already skips inactive logins and logins without a usable password
    (an invitation not yet accepted), and says the same for unknown addresses."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from accounts.services import _queue_mail

        base = context.get("base_url") or "{protocol}://{domain}".format(**context)
        path = reverse(
            "wagtailadmin_password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        _queue_mail(
            to_email,
            template_key="accounts_password_reset",
            context={"reset_url": base + path, "site_name": context.get("site_name", "")},
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mailadres"))
    role = forms.ChoiceField(label=_("Rol"), choices=Role.choices)
    service = forms.ModelChoiceField(
        label=_("Dienst"),
        queryset=Service.objects.filter(is_active=True),
        required=False,
        help_text=_("Enkel voor medewerkers van een dienst."),
    )
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.all(),
        required=False,
        help_text=_("Enkel voor medewerkers van een school."),
    )
    provinces = forms.ModelMultipleChoiceField(
        label=_("Provincies"),
        queryset=Province.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Enkel voor regionale trekkers."),
    )
