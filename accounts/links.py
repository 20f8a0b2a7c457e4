"""The sign-in links of accounts, minted by the delivery worker at send time.

Nothing stored yields any of them: an invitation keeps only the SHA-256 of its token (and
the token is drawn here, when the mail leaves), a password reset token is Django's HMAC
over the login's current state and SECRET_KEY, and so is an enrolment link's signed value
(accounts.enrolment). See notifications/links.py.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Invitation
from accounts.tokens import hash_token, new_token

ACTIVATION = "activation"
PASSWORD_RESET = "password_reset"
SECOND_FACTOR_ENROL = "second_factor_enrol"


def _base() -> str:
    return getattr(settings, "WAGTAILADMIN_BASE_URL", settings.SITE_URL).rstrip("/")


def activation_link_mint(invitation_id: int) -> str | None:
    """Draw the invitation's token now; the previous link of this invitation stops working.

    Runs in the delivery transaction: if the mail does not leave, the new hash is rolled
    back with it. None when the invitation can no longer be accepted."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id)
        .pending(timezone.now())
        .first()
    )
    if invitation is None:
        return None
    token = new_token()
    invitation.token_hash = hash_token(token)
    invitation.save(update_fields=["token_hash"])
    return _base() + reverse("accounts:activate", args=[token])


def password_reset_link_mint(user_id: int) -> str | None:
    """Django's reset token for the login as it is now; None for a login that may not
    reset (inactive, or no usable password yet: an invitation not accepted)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return None
    path = reverse(
        "wagtailadmin_password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return _base() + path


def enrolment_link_mint(user_id: int) -> str | None:
    """A link to set up the second factor (accounts.enrolment), for an active login that
    has none; None once it has an app again (the mail is then not sent)."""
    from accounts import enrolment, second_factor

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or second_factor.has_confirmed_device(user):
        return None
    return _base() + reverse(
        "accounts:second_factor_enrol_link", args=[enrolment.enrolment_token(user)]
    )


def register() -> None:
    from notifications.links import link_minter_register

    link_minter_register(ACTIVATION, activation_link_mint)
    link_minter_register(PASSWORD_RESET, password_reset_link_mint)
    link_minter_register(SECOND_FACTOR_ENROL, enrolment_link_mint)
