"""Who a login works for. Membership is a guardian object permission held through the
direct foreign-key tables; model-level permissions never count here, so a global
`act_for_service` handed out by mistake widens nothing."""

from django.db.models import QuerySet

from matching.models import (
    Province,
    School,
    SchoolUserObjectPermission,
    Service,
    ServiceUserObjectPermission,
)

OPERATORS_GROUP = "Beheerders"
EDITORS_GROUP = "Redacteurs"
SERVICE_USERS_GROUP = "Diensten"
SCHOOL_USERS_GROUP = "Scholen"
COORDINATORS_GROUP = "Regionale trekkers"


_MEMO = "_stagematching_roles"


def _memo(user, key, compute):
    """Remember a role lookup on the user object for the rest of the request: the menu,
    the permission policies and the view all ask, and each answer costs a query."""
    cache = getattr(user, _MEMO, None)
    if cache is None:
        cache = {}
        setattr(user, _MEMO, cache)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def forget_roles(user) -> None:
    """Drop remembered lookups after this user's roles changed."""
    if getattr(user, _MEMO, None) is not None:
        setattr(user, _MEMO, None)


def group_names(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return _memo(user, "groups", lambda: frozenset(user.groups.values_list("name", flat=True)))


def service_for_user(user) -> Service | None:
    """The one service this login works for, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return _memo(user, "service", lambda: _service_for_user(user))


def _service_for_user(user) -> Service | None:
    row = (
        ServiceUserObjectPermission.objects.filter(
            user=user, permission__codename="act_for_service", content_object__is_active=True
        )
        .select_related("content_object__province")
        .first()
    )
    return row.content_object if row else None


def school_for_user(user) -> School | None:
    """The one school this login works for, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return _memo(user, "school", lambda: _school_for_user(user))


def _school_for_user(user) -> School | None:
    row = (
        SchoolUserObjectPermission.objects.filter(user=user, permission__codename="act_for_school")
        .select_related("content_object__province")
        .first()
    )
    return row.content_object if row else None


def province_ids_for_user(user) -> list[int]:
    """The ids of the provinces a regional coordinator follows (empty for everyone else)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return _memo(
        user,
        "provinces",
        lambda: list(
            Province.objects.filter(
                provinceuserobjectpermission__user=user,
                provinceuserobjectpermission__permission__codename="coordinate_province",
            )
            .distinct()
            .values_list("pk", flat=True)
        ),
    )


def provinces_for_user(user) -> QuerySet[Province]:
    """The provinces a regional coordinator follows (empty for everyone else)."""
    return Province.objects.filter(pk__in=province_ids_for_user(user))


def is_operator(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or OPERATORS_GROUP in group_names(user))
    )


def role_for_user(user) -> str | None:
    """The role a login plays in the admin, or None (anonymous, inactive, no role).

    Superusers count as operators; a group alone is not enough for the service, school and
    coordinator roles: they need the object permission that says for whom they work."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if is_operator(user):
        return "operator"
    if EDITORS_GROUP in group_names(user):
        return "editor"
    if service_for_user(user) is not None:
        return "service"
    if school_for_user(user) is not None:
        return "school"
    if province_ids_for_user(user):
        return "coordinator"
    return None


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
