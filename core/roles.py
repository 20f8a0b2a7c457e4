"""The role groups and the reads of a login's groups, remembered for the request. Roles
that need to know for whom a login works (service, school, provinces) are read from the
membership tables in matching.memberships."""

OPERATORS_GROUP = "Beheerders"
EDITORS_GROUP = "Redacteurs"
SERVICE_USERS_GROUP = "Diensten"
SCHOOL_USERS_GROUP = "Scholen"
COORDINATORS_GROUP = "Regionale trekkers"


_MEMO = "_stagematching_roles"


def memo(user, key, compute):
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
    return memo(user, "groups", lambda: frozenset(user.groups.values_list("name", flat=True)))


def is_operator(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or OPERATORS_GROUP in group_names(user))
    )


def is_editor(user) -> bool:
    return EDITORS_GROUP in group_names(user)
