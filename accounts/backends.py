"""Django's model backend with fewer queries per admin page, and one rule about roles.

Every admin request loads the user, its Wagtail profile (language, time zone), its
current sign-in (the one-session rule) and the ids of its confirmed second-factor devices
(accounts.second_factor_middleware), then asks for its permissions. Django does that in
five queries; this backend does it in two.

The rule: model-level permissions count only for operators and editors. Any other login
(service, school, regional coordinator, or no role) keeps at most admin access, whatever a
group or a mistaken grant gives it. Wagtail asks `user.has_perm` in places no permission
policy of ours reaches (site history, users, groups), so the cap sits here, where every
such question passes.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from matching.memberships import role_for_user

UserModel = get_user_model()
ROLES_WITH_MODEL_PERMISSIONS = frozenset({"operator", "editor"})
# What a login of any other role may hold: entry to the admin, where its own screens
# check membership (service, school, province) themselves.
PERMISSIONS_OF_EVERY_LOGIN = frozenset({"wagtailadmin.access_admin"})


class AccountsBackend(ModelBackend):
    def get_user(self, user_id):
        from accounts.second_factor import with_confirmed_device_ids

        user = (
            with_confirmed_device_ids(
                UserModel._default_manager.select_related("wagtail_userprofile", "current_session")
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and its groups' permissions in one query (Django uses two),
        capped by role (see the module docstring)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            pairs = perms.values_list("content_type__app_label", "codename").order_by()
            granted = {f"{app_label}.{codename}" for app_label, codename in pairs}
            if role_for_user(user_obj) not in ROLES_WITH_MODEL_PERMISSIONS:
                granted &= PERMISSIONS_OF_EVERY_LOGIN
            user_obj._perm_cache = granted
        return user_obj._perm_cache
