"""Who a login works for. Membership is a guardian object permission held through the
direct foreign-key tables of matching.models; model-level permissions never count here, so
a global `act_for_service` handed out by mistake widens nothing."""

from django.db.models import QuerySet

from core.roles import EDITORS_GROUP, group_names, is_operator, memo
from matching.models import (
    Province,
    School,
    SchoolUserObjectPermission,
    Service,
    ServiceUserObjectPermission,
)


def service_for_user(user) -> Service | None:
    """The one service this login works for, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return memo(user, "service", lambda: _service_for_user(user))


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
    return memo(user, "school", lambda: _school_for_user(user))


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
    return memo(
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


def service_logins(service_ids=None):
    """(user, service) pairs of every active login of an active service."""
    rows = ServiceUserObjectPermission.objects.filter(
        permission__codename="act_for_service",
        user__is_active=True,
        content_object__is_active=True,
    )
    if service_ids is not None:
        rows = rows.filter(content_object_id__in=service_ids)
    return rows.select_related("user", "content_object").order_by("user_id")


def school_logins(*, school_ids=None, kinds=None):
    rows = SchoolUserObjectPermission.objects.filter(
        permission__codename="act_for_school", user__is_active=True
    )
    if school_ids is not None:
        rows = rows.filter(content_object_id__in=school_ids)
    if kinds is not None:
        rows = rows.filter(content_object__kind__in=kinds)
    return rows.select_related("user", "content_object").order_by("user_id")
