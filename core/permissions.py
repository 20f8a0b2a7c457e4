"""Permission policies: model-level Django permissions count only for the roles meant to
hold them. A permission handed to a service or school login by mistake widens nothing,
because membership (service, school, province) is never read from model permissions."""

from wagtail.permission_policies import ModelPermissionPolicy

from core.roles import is_editor, is_operator


class RoleModelPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, but only for operators (and, where allowed, editors)."""

    def __init__(self, model, *, editors: bool = False):
        super().__init__(model)
        self.editors = editors

    def holds_role(self, user) -> bool:
        return is_operator(user) or (self.editors and is_editor(user))

    def user_has_permission(self, user, action):
        return self.holds_role(user) and super().user_has_permission(user, action)


OperatorPermissionPolicy = RoleModelPermissionPolicy
