"""Who may set up the second factor, and the one-time enrolment link.

Setting up an authenticator app binds the login to whoever holds the phone. If knowing the
password were enough, whoever learnt the password of a login that never enrolled (or was
just reset) could enrol their own phone first and keep the real person out. So a session
may set up an app only when it proved more than the password:

- it comes from activation: the invitation link proved the mailbox, and the person chose
  the password in this session (accounts.views.ActivationView grants it);
- it opened an enrolment link mailed to the login's address (the first sign-in of an
  existing login asks for one; an operator's reset sends one);
- it passed the second factor already (replacing the app);
- or the login needs no second factor at all (a regional coordinator opting in: a password
  alone opens that login anyway).

The link carries no secret that is stored: it is Django's signed, timestamped value of the
login's id and a digest of its enrolment state (password hash, confirmed apps, latest
reset), minted when the mail leaves (accounts.links). It expires after
SECOND_FACTOR_ENROL_LINK_HOURS and stops working once the login has an app, after a new
reset or a password change. Opening it grants the enrolment to that browser session only
for that login; the password is still asked for."""

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.models import SecondFactorReset
from matching.errors import DomainError
from notifications.services import outbox_queue

SALT = "accounts.second-factor-enrolment-link"
GRANT_KEY = "_sm_second_factor_enrol"
SENT_AT_KEY = "_sm_second_factor_enrol_sent"
RESEND_SECONDS = 60


def enrolment_allowed(request, user) -> bool:
    """Whether this session may set up (or replace) the login's authenticator app."""
    if not user.is_authenticated:
        return False
    if second_factor.is_verified(user):
        return True
    if request.session.get(GRANT_KEY) == user.pk:
        return True
    return not second_factor.second_factor_required(user)


def enrolment_grant(request, user) -> None:
    """This session proved the login's mailbox (activation or an enrolment link)."""
    request.session[GRANT_KEY] = user.pk


def enrolment_grant_pending(request, user_id: int) -> None:
    """An enrolment link opened before the password: the grant waits in the (anonymous)
    session, which Django keeps through the sign-in, and counts only for that login."""
    request.session[GRANT_KEY] = user_id


def _state(user) -> str:
    apps = list(
        TOTPDevice.objects.filter(user=user, confirmed=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    reset = (
        SecondFactorReset.objects.filter(user=user)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    value = f"{user.pk}:{user.password}:{apps}:{reset}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:24]


def enrolment_token(user) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=SALT)


def enrolment_token_user(token: str):
    """The login an enrolment link is for, or None when it is forged, expired, or no longer
    valid (the login has an app, was reset again, changed its password, is inactive)."""
    try:
        data = signing.loads(
            token, salt=SALT, max_age=dt.timedelta(hours=settings.SECOND_FACTOR_ENROL_LINK_HOURS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or second_factor.has_confirmed_device(user):
        return None
    if not constant_time_compare(str(data.get("s", "")), _state(user)):
        return None
    return user


def enrolment_link_send(request, user) -> None:
    """Mail the login an enrolment link (through the outbox; the worker mints the link).
    At most one per RESEND_SECONDS per session, so the button cannot flood a mailbox."""
    from accounts import links

    now = int(time.time())
    sent_at = request.session.get(SENT_AT_KEY)
    if sent_at and now - sent_at < RESEND_SECONDS:
        wait = RESEND_SECONDS - (now - sent_at)
        raise DomainError(
            ngettext(
                "De link werd net verstuurd. Wacht %(seconds)d seconde voor u een nieuwe vraagt.",
                "De link werd net verstuurd. Wacht %(seconds)d seconden voor u een nieuwe vraagt.",
                wait,
            )
            % {"seconds": wait}
        )
    if second_factor.has_confirmed_device(user):
        raise DomainError(_("Uw tweestapsverificatie is al ingesteld."))
    outbox_queue(
        to=user.email,
        template_key="accounts_second_factor_enrol_link",
        context={
            "naam": user.get_full_name() or user.email,
            "email": user.email,
            "geldig_uren": settings.SECOND_FACTOR_ENROL_LINK_HOURS,
        },
        link=("enrol_url", links.SECOND_FACTOR_ENROL, user.pk),
    )
    request.session[SENT_AT_KEY] = now
