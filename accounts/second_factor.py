"""The second factor: who needs one, enrolment, the code after the password, and the
operator's reset.

Built on django-otp, nothing hand-written about the codes themselves: a `TOTPDevice` (any
authenticator app) and a `StaticDevice` holding the ten single-use recovery codes. Both
devices throttle wrong codes themselves (django-otp's ThrottlingMixin: 1, 2, 4, 8 ... s);
every wrong code is also a failed sign-in for django-axes, so codes and passwords share one
lockout. A session counts as verified once `django_otp.login` stored the device in it;
`OTPMiddleware` reads it back on every request and `SecondFactorMiddleware` keeps
everything else closed until then.

Recovery codes are stored as keyed hashes (HMAC with SECRET_KEY, cut to django-otp's 16
characters): the database alone yields no working code. django-otp's StaticDevice still
does the matching, the deleting on use and the throttling."""

import base64
import re
import secrets
import string

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SecondFactorReset, UserSession
from core.roles import is_operator
from matching.errors import DomainError
from matching.memberships import role_for_user
from notifications.services import outbox_queue

TOTP_DEVICE_NAME = "Authenticator-app"
RECOVERY_DEVICE_NAME = "Herstelcodes"
# Lower case letters and digits without the ones people confuse (0/o, 1/l/i).
RECOVERY_ALPHABET = "".join(c for c in string.ascii_lowercase + string.digits if c not in "01ilo")
RECOVERY_CODE_LENGTH = 10  # ~50 bits; printed as two groups of five
_MEMO = "_stagematching_second_factor"


class SecondFactorError(DomainError):
    """A code was refused; the message says why, in Dutch."""


# Who needs one -----------------------------------------------------------------------


def has_confirmed_device(user) -> bool:
    """Whether this login finished an enrolment (a confirmed authenticator app)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required(user) -> bool:
    """Whether this login must pass a second factor before the admin opens.

    Every login of a role in settings.SECOND_FACTOR_ROLES does. A login of another role
    (a regional coordinator) does once it enrolled of its own accord: a device once set
    up is never skipped. Remembered on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, _MEMO, None)
    if cached is None:
        if role_for_user(user) in settings.SECOND_FACTOR_ROLES or is_verified(user):
            cached = True
        else:
            cached = has_confirmed_device(user)
        setattr(user, _MEMO, cached)
    return cached


def is_verified(user) -> bool:
    """Whether this request's session passed the second factor (django-otp's answer)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Enrolment ---------------------------------------------------------------------------


def enrolment_device(user) -> TOTPDevice:
    """The authenticator app being set up for `user`: one unconfirmed TOTP device, made
    on first use and kept until it is confirmed, so reloading the page shows the same QR
    code. An earlier confirmed device keeps working until the new one is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by(
        "-pk"
    ).first() or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed in (base32)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_secret_display(device: TOTPDevice) -> str:
    secret = totp_secret(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, made here: the secret never leaves
    the server for a QR service."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    return image.to_string(encoding="unicode")


@transaction.atomic
def recovery_codes_replace(user) -> list[str]:
    """Ten fresh single-use recovery codes for `user`; any earlier ones stop working.
    The plain codes are returned once, to be shown once; only keyed hashes are kept."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_new_recovery_code() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_recovery_digest(code)) for code in codes
    )
    return codes


def enrolment_confirm(*, request, user, device_id: int, code: str) -> list[str]:
    """Confirm the app being set up with one code from it; returns the new recovery codes.

    On success the device is confirmed, any older app of the login is removed, the
    recovery codes are replaced and this session counts as verified. A wrong code is
    throttled by the device; it does not count toward the sign-in lockout (the person
    already proved the password and is reading the secret off the screen)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id, user=user, confirmed=False)
            .first()
        )
        if device is None:
            raise SecondFactorError(_("Deze instelling is verlopen. Begin opnieuw."))
        _raise_if_throttled(device)
        if not device.verify_token(_digits(code)):
            verified = False
        else:
            verified = True
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = recovery_codes_replace(user)
    if not verified:
        raise SecondFactorError(_("Deze code klopt niet. Typ de zes cijfers die uw app nu toont."))
    mark_verified(request, user, device)
    return codes


# The code after the password -----------------------------------------------------------


def sign_in_verify(*, request, user, code: str):
    """Check the code typed after the password: six digits from the app, or a recovery
    code (which then stops working). Returns the device that accepted it.

    A wrong code is throttled by its device and recorded as a failed sign-in with
    django-axes for this login and address, so it counts toward the same lockout as a
    wrong password; a correct one clears those failures. Raises SecondFactorError."""
    code = (code or "").strip()
    if not code:
        raise SecondFactorError(_("Vul de code in."))
    digits = _digits(code)
    with transaction.atomic():
        if re.fullmatch(r"\d{6}", digits):
            device = (
                TOTPDevice.objects.select_for_update()
                .filter(user=user, confirmed=True)
                .order_by("-pk")
                .first()
            )
            token = digits
        else:
            device = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            token = _recovery_digest(code)
        if device is None:
            verified = False
        else:
            _raise_if_throttled(device)
            verified = device.verify_token(token)
    if not verified:
        sign_in_failed(request, user)
        raise SecondFactorError(
            _(
                "Deze code klopt niet. Typ de zes cijfers die uw app nu toont, "
                "of een herstelcode die u nog niet gebruikte."
            )
        )
    mark_verified(request, user, device)
    return device


def sign_in_failed(request, user) -> None:
    """A refused second factor (code or passkey) is a failed sign-in for django-axes, for
    this login and address: the same count as wrong passwords."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def sign_in_locked(request, user) -> bool:
    """Whether django-axes holds this login (from this address) locked out."""
    return AxesProxyHandler.is_locked(request, get_credentials(user.get_username()))


def sign_in_failures_clear(request, user) -> None:
    """The sign-in is complete: forget this login's failed attempts from this address
    (what AXES_RESET_ON_SUCCESS did at the password, moved to after the second factor)."""
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.get_implementation().reset_user_attempts(
        request, get_credentials(user.get_username())
    )


def mark_verified(request, user, device) -> None:
    """This session passed the second factor with `device` (an app, a recovery code or a
    passkey): a new session key for the raised privilege (the session's data stays),
    django-otp's login, and the login's failed attempts from this address forgotten."""
    request.session.cycle_key()
    django_otp.login(request, device)
    setattr(user, _MEMO, True)
    sign_in_failures_clear(request, user)


def _raise_if_throttled(device) -> None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return
    locked_until = (info or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
    raise SecondFactorError(
        ngettext(
            "Te veel verkeerde codes. Wacht %(seconds)d seconde en probeer opnieuw.",
            "Te veel verkeerde codes. Wacht %(seconds)d seconden en probeer opnieuw.",
            seconds,
        )
        % {"seconds": seconds}
    )


def _digits(code: str) -> str:
    return re.sub(r"\s+", "", code or "")


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _recovery_digest(code: str) -> str:
    normalised = re.sub(r"[\s-]+", "", (code or "").lower())
    return salted_hmac("accounts.recovery-code", normalised, algorithm="sha256").hexdigest()[:16]


# Reset by the operator -----------------------------------------------------------------


@transaction.atomic
def second_factor_reset(*, user, by) -> SecondFactorReset:
    """Remove every second factor of `user` (app, recovery codes, passkeys) for someone who lost
    both; the login enrols again at its next sign-in.

    Only an operator may; the reset is recorded (who, for whom, when), ends the login's
    current session (the one-session rule's key is replaced) and mails the login through
    the outbox, so a reset the person did not ask for does not go unnoticed. The mail holds
    the enrolment link the login needs to set up a new app (accounts.enrolment)."""
    if not is_operator(by):
        raise DomainError(_("Enkel een beheerder kan de tweestapsverificatie resetten."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    UserSession.objects.filter(user=user).update(session_key=secrets.token_hex(16))
    reset = SecondFactorReset.objects.create(user=user, reset_by=by)
    from accounts import links

    outbox_queue(
        to=user.email,
        template_key="accounts_second_factor_reset",
        context={
            "naam": user.get_full_name() or user.email,
            "email": user.email,
            "gereset_op": timezone.localtime(reset.reset_at).strftime("%d/%m/%Y %H:%M"),
            "geldig_uren": settings.SECOND_FACTOR_ENROL_LINK_HOURS,
        },
        # The way back in: a one-time enrolment link (accounts.enrolment), minted when
        # the mail leaves; knowing the password alone does not let anyone enrol.
        link=("enrol_url", links.SECOND_FACTOR_ENROL, user.pk),
    )
    return reset


# Demo ----------------------------------------------------------------------------------


def demo_secret(email: str) -> str:
    """The fixed TOTP secret of a demo login (base32), derived from its address so that
    `make demo` can print it and `manage.py totp_code` can show its current code."""
    digest = salted_hmac("stagematching.demo-totp", email.lower(), secret="demo").digest()
    return base64.b32encode(digest[:20]).decode().rstrip("=")


def demo_device_install(user, secret_b32: str) -> TOTPDevice:
    """Give a demo login a confirmed authenticator app with a known secret."""
    padded = secret_b32 + "=" * (-len(secret_b32) % 8)
    key_hex = base64.b32decode(padded).hex()
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key_hex, confirmed=True)


def current_code(user) -> str | None:
    """The code the login's confirmed app shows right now (for `manage.py totp_code`)."""
    from django_otp.oath import TOTP

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def with_second_factor_state(users):
    """Annotate logins with whether they have a confirmed app and their latest reset
    (who and when), for the operator's list, in the list's own query."""
    from django.db.models import Exists, OuterRef, Subquery

    resets = SecondFactorReset.objects.filter(user=OuterRef("pk")).order_by("-reset_at")
    return users.annotate(
        second_factor_enrolled=Exists(
            TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        ),
        second_factor_reset_at=Subquery(resets.values("reset_at")[:1]),
        second_factor_reset_by=Subquery(resets.values("reset_by__email")[:1]),
    )


def with_confirmed_device_ids(users):
    """Annotate logins with the ids of their confirmed app and recovery-code devices, in
    the user's own query: enrolment keeps at most one of each (older ones are deleted), so
    the session's device is checked without a query of its own on every request."""
    from django.db.models import OuterRef, Subquery

    def latest(model):
        return Subquery(
            model.objects.filter(user=OuterRef("pk"), confirmed=True)
            .order_by("-pk")
            .values("pk")[:1]
        )

    return users.annotate(
        otp_totp_device_id=latest(TOTPDevice), otp_static_device_id=latest(StaticDevice)
    )


def confirmed_device_persistent_ids(user) -> frozenset[str] | None:
    """The persistent ids (django-otp's "app_label.model/pk") of the devices loaded by
    with_confirmed_device_ids, or None when the user was loaded without them."""
    if not hasattr(user, "otp_totp_device_id"):
        return None
    found = set()
    if user.otp_totp_device_id:
        found.add(f"{TOTPDevice.model_label()}/{user.otp_totp_device_id}")
    if user.otp_static_device_id:
        found.add(f"{StaticDevice.model_label()}/{user.otp_static_device_id}")
    return frozenset(found)
