"""Passkeys as another second factor, through django-otp-webauthn (py_webauthn does the
WebAuthn verification; nothing here touches the cryptography).

A passkey never replaces the password: passwordless sign-in is off
(OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN), so a passkey is asked for after the password, on
the same page as the code, and it is only offered to a login that set up an authenticator
app first (the app and the recovery codes remain the way back). Registering one needs a
session that passed the second factor already. A passkey that verifies marks the session
verified exactly like a code (second_factor.mark_verified: new session key, django-otp's
login, the failed attempts cleared); one that is refused counts as a failed sign-in for
django-axes, in the same count as wrong passwords and codes, and a locked login gets no
passkey ceremony at all. The relying party and the allowed origins are settings
(config.settings.base), never derived from the request's Host header."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from accounts import second_factor


class PasskeyHelper(WebAuthnHelper):
    """django-otp-webauthn's helper with our names: a new passkey is called after the day
    it was added, and the authenticator shows the login's e-mail address."""

    def get_credential_display_name(self, user) -> str:
        return user.get_username()

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = _("Passkey van %(day)s") % {
            "day": timezone.localtime().strftime("%d/%m/%Y %H:%M")
        }
        return device


def passkeys_of(user):
    """The login's passkeys, newest first."""
    return WebAuthnCredential.objects.filter(user=user).order_by("-pk")


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def passkey_registration_allowed(user) -> bool:
    """Adding a passkey needs a session that passed the second factor, so a password alone
    can never add one, and the login has an authenticator app to fall back on."""
    return second_factor.is_verified(user) and second_factor.has_confirmed_device(user)


def passkey_sign_in_allowed(request, user) -> bool:
    """A passkey may be offered after the password: the login needs a second factor, has a
    passkey and is not locked out."""
    return (
        user.is_authenticated
        and second_factor.second_factor_required(user)
        and has_passkey(user)
        and not second_factor.sign_in_locked(request, user)
    )


def passkey_sign_in_complete(request, user, device) -> None:
    """The passkey verified (py_webauthn checked the signature, the challenge, the origin
    and the relying party): the session counts as having passed the second factor."""
    if device.user_id != user.pk:
        raise second_factor.SecondFactorError(_("Deze passkey hoort niet bij uw login."))
    second_factor.mark_verified(request, user, device)


def passkey_sign_in_failed(request, user) -> None:
    """A refused passkey is a failed sign-in, like a wrong code."""
    second_factor.sign_in_failed(request, user)


@transaction.atomic
def passkey_remove(*, user, passkey_id: int) -> bool:
    """Remove one of the login's own passkeys (needs a verified session, as adding does)."""
    if not second_factor.is_verified(user):
        return False
    deleted, _rows = WebAuthnCredential.objects.filter(user=user, pk=passkey_id).delete()
    return bool(deleted)
