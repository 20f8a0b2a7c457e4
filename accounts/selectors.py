"""Reads of invitations, logins and sign-in lockouts. Who a login works for is read in
matching.memberships, its groups in core.roles."""


def invitation_list():
    from accounts.models import Invitation

    return Invitation.objects.select_related("service", "school", "invited_by", "user")


def invitation_by_token(token: str):
    """The invitation carrying this raw token, or None. Only hashes are stored."""
    from accounts.models import Invitation
    from accounts.tokens import hash_token

    if not token:
        return None
    return Invitation.objects.filter(token_hash=hash_token(token)).first()


def logins(*, query: str = ""):
    """Every login by address, with its groups and its second-factor state; `query` narrows
    to addresses containing it."""
    from django.contrib.auth import get_user_model

    from accounts.second_factor import with_second_factor_state

    users = with_second_factor_state(
        get_user_model().objects.order_by("email").prefetch_related("groups")
    )
    return users.filter(email__icontains=query) if query else users


def lockouts():
    """django-axes' failed sign-in records, newest first."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.order_by("-attempt_time")
