"""Reads of invitations. Who a login works for is read in matching.memberships, its
groups in core.roles."""


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
