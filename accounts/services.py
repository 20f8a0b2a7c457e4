"""State changes for logins: invitations, activation and membership.

A login belongs to one service, one school, or follows one or more provinces; membership
is a guardian object permission in the direct foreign-key tables of matching.models, and
the role's Wagtail group only opens the admin door."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from accounts import links
from accounts.models import Invitation, Role, UserSession
from accounts.tokens import hash_token, new_token
from core import roles
from core.roles import (
    COORDINATORS_GROUP,
    EDITORS_GROUP,
    OPERATORS_GROUP,
    SCHOOL_USERS_GROUP,
    SERVICE_USERS_GROUP,
    is_operator,
)
from matching.errors import DomainError
from matching.models import (
    ProvinceUserObjectPermission,
    SchoolUserObjectPermission,
    ServiceUserObjectPermission,
)
from notifications.services import outbox_queue

ROLE_GROUPS = {
    Role.OPERATOR: OPERATORS_GROUP,
    Role.EDITOR: EDITORS_GROUP,
    Role.SERVICE: SERVICE_USERS_GROUP,
    Role.SCHOOL: SCHOOL_USERS_GROUP,
    Role.COORDINATOR: COORDINATORS_GROUP,
}
ROLE_GROUP_NAMES = set(ROLE_GROUPS.values())

logger = logging.getLogger(__name__)


def _check_target(role, service, school, provinces):
    provinces = list(provinces or [])
    if role == Role.SERVICE and not (service and not school and not provinces):
        raise DomainError(_("Kies de dienst waarvoor deze persoon werkt (en niets anders)."))
    if role == Role.SCHOOL and not (school and not service and not provinces):
        raise DomainError(_("Kies de school waarvoor deze persoon werkt (en niets anders)."))
    if role == Role.COORDINATOR and not (provinces and not service and not school):
        raise DomainError(_("Kies minstens één provincie (en geen dienst of school)."))
    if role in (Role.OPERATOR, Role.EDITOR) and (service or school or provinces):
        raise DomainError(_("Een beheerder of redacteur hoort niet bij een dienst of school."))
    if role not in Role.values:
        raise DomainError(_("Onbekende rol."))
    return provinces


def _send_invitation(invitation: Invitation) -> None:
    """Queue the invitation mail. Its activation link is not in it: the delivery worker
    draws the token when the mail leaves (accounts.links), so the outbox never holds it."""
    context = {
        "role": str(invitation.get_role_display()),
        "organisation": invitation.organisation,
        "expires_at": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M"),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    outbox_queue(
        to=invitation.email,
        template_key="accounts_invitation",
        context=context,
        link=("activation_url", links.ACTIVATION, invitation.pk),
    )


def _unusable_token_hash() -> str:
    """The hash of a token nobody holds: until the mail leaves, no link works."""
    return hash_token(new_token())


def _new_expiry():
    return timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS)


@transaction.atomic
def invitation_create(
    *,
    email: str,
    role: str,
    service=None,
    school=None,
    provinces=(),
    invited_by=None,
) -> Invitation:
    """Invite one person for one role and queue the mail. The working token exists only in
    the mail that leaves: the delivery worker draws it (accounts.links.activation_link_mint).

    The login is created (or an inactive one reused) without a usable password, so it can
    neither sign in nor use the password reset until the invitation is accepted. Earlier
    open invitations for the same address stop working."""
    if invited_by is not None and not is_operator(invited_by):
        raise DomainError(_("Enkel een beheerder kan personen uitnodigen."))
    provinces = _check_target(role, service, school, provinces)
    User = get_user_model()
    email = User.objects.normalize_email(email or "").strip().lower()
    if not email:
        raise DomainError(_("Geef een e-mailadres in."))
    user = User.objects.select_for_update().filter(email=email).first()
    if user is not None and user.is_active:
        raise DomainError(_("Er bestaat al een actieve login met dit e-mailadres."))
    if user is None:
        user = User(email=email, is_active=False)
    user.is_active = False
    user.set_unusable_password()
    user.save()

    now = timezone.now()
    Invitation.objects.filter(email=email).pending(now).update(revoked_at=now)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        user=user,
        service=service,
        school=school,
        token_hash=_unusable_token_hash(),
        expires_at=_new_expiry(),
        invited_by=invited_by,
    )
    if provinces:
        invitation.provinces.set(provinces)
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by=None) -> Invitation:
    """Send a fresh link with a fresh validity period; the previous link stops working now,
    and the new one is drawn when the new mail leaves."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at:
        raise DomainError(_("Deze uitnodiging werd al aanvaard."))
    if invitation.revoked_at:
        raise DomainError(_("Deze uitnodiging werd ingetrokken."))
    invitation.token_hash = _unusable_token_hash()
    invitation.expires_at = _new_expiry()
    invitation.sent_count += 1
    invitation.save(update_fields=["token_hash", "expires_at", "sent_count"])
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by=None) -> Invitation:
    """Make an open invitation unusable. An accepted one is not undone here: deactivate
    the login instead."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at:
        raise DomainError(
            _("Deze uitnodiging werd al aanvaard en kan niet meer ingetrokken worden.")
        )
    if not invitation.revoked_at:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str):
    """Accept an invitation: set the password, activate the login and give it its role.

    Works once, before expiry, and not after a revocation; the row lock makes a double
    submit of the same link activate only once. Raises DomainError or (for a weak
    password) django.core.exceptions.ValidationError."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=hash_token(token or ""))
        .select_related("user")
        .first()
    )
    if invitation is None:
        raise DomainError(_("Deze activatielink is ongeldig."))
    if invitation.used_at:
        raise DomainError(_("Deze activatielink werd al gebruikt. U kunt gewoon aanmelden."))
    if invitation.revoked_at:
        raise DomainError(_("Deze uitnodiging werd ingetrokken."))
    if invitation.expires_at <= timezone.now():
        raise DomainError(
            _("Deze activatielink is verlopen. Vraag de beheerder om een nieuwe uitnodiging.")
        )
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save()
    _clear_roles(user)
    _grant_role(user, invitation)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


def _clear_roles(user) -> None:
    roles.forget_roles(user)
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUP_NAMES))
    ServiceUserObjectPermission.objects.filter(user=user).delete()
    SchoolUserObjectPermission.objects.filter(user=user).delete()
    ProvinceUserObjectPermission.objects.filter(user=user).delete()


def _grant_role(user, invitation: Invitation) -> None:
    if invitation.role == Role.SERVICE:
        membership_grant(user, service=invitation.service)
    elif invitation.role == Role.SCHOOL:
        membership_grant(user, school=invitation.school)
    elif invitation.role == Role.COORDINATOR:
        membership_grant(user, provinces=list(invitation.provinces.all()))
    else:
        user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[invitation.role])[0])


@transaction.atomic
def membership_grant(user, *, service=None, school=None, provinces=None) -> None:
    """Make `user` work for one service, or one school, or follow provinces.

    A login belongs to one service or one school, never two, and never both; it also
    joins the role's Wagtail group (which only grants access to the admin)."""
    roles.forget_roles(user)
    given = [x for x in (service, school, provinces) if x]
    if len(given) != 1:
        raise DomainError(_("Kies één dienst, één school of minstens één provincie."))
    has_service = ServiceUserObjectPermission.objects.filter(user=user)
    has_school = SchoolUserObjectPermission.objects.filter(user=user)
    has_province = ProvinceUserObjectPermission.objects.filter(user=user)
    one_only = _("Een login hoort bij één dienst of één school.")
    if service is not None:
        if has_school.exists() or has_province.exists():
            raise DomainError(one_only)
        if has_service.exclude(content_object=service).exists():
            raise DomainError(one_only)
        assign_perm("matching.act_for_service", user, service)
        role = Role.SERVICE
    elif school is not None:
        if has_service.exists() or has_province.exists():
            raise DomainError(one_only)
        if has_school.exclude(content_object=school).exists():
            raise DomainError(one_only)
        assign_perm("matching.act_for_school", user, school)
        role = Role.SCHOOL
    else:
        if has_service.exists() or has_school.exists():
            raise DomainError(one_only)
        for province in provinces:
            assign_perm("matching.coordinate_province", user, province)
        role = Role.COORDINATOR
    user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[role])[0])
    roles.forget_roles(user)


def session_register(*, user, session_key: str) -> None:
    """Remember the one sign-in this login may use; any older one is now dead.

    `session_key` is the sign-in's own id stored in its session, not Django's session key,
    which rotates on a password change."""
    previous = UserSession.objects.filter(user=user).values_list("signed_in_at", flat=True).first()
    UserSession.objects.update_or_create(
        user=user,
        defaults={
            "session_key": session_key,
            "signed_in_at": timezone.now(),
            "previous_signed_in_at": previous,
        },
    )


# Password reset ----------------------------------------------------------------------


def password_reset_enqueue(*, email: str) -> None:
    """What the reset view does for ANY address: hand it to the worker, nothing else.

    The view neither looks the address up nor writes anything, so its work (and timing)
    is the same for a known and an unknown address; `password_reset_queue` runs in the
    worker. With the broker down the request is dropped (logged without the address) and
    the answer is the same: the person can ask again."""
    from accounts.tasks import password_reset_request

    try:
        password_reset_request.apply_async((email,), retry=False)
    except Exception as exc:  # broker unreachable: kombu/redis/OS errors alike
        logger.warning("password reset: could not enqueue the request (%s)", type(exc).__name__)


@transaction.atomic
def password_reset_queue(*, email: str) -> int:
    """In the worker: queue a reset mail to each login that may reset with `email`
    (Django's rule: active, usable password, same address ignoring case). The link is
    minted when the mail leaves (accounts.links), never stored. Returns how many."""
    from django.contrib.auth.forms import PasswordResetForm

    users = list(PasswordResetForm().get_users(email or ""))
    for user in users:
        outbox_queue(
            to=user.email,
            template_key="accounts_password_reset",
            context={"site_name": settings.WAGTAIL_SITE_NAME},
            link=("reset_url", links.PASSWORD_RESET, user.pk),
        )
    return len(users)
