"""Permission policies: model-level Django permissions count only for the roles meant to
hold them. A permission handed to a service or school login by mistake widens nothing,
because membership (service, school, province) is never read from model permissions."""

from wagtail.permission_policies import ModelPermissionPolicy

from core.roles import is_editor, is_operator

ALL_ACTIONS = None
READ_ONLY = frozenset({"view"})
NO_DELETE = frozenset({"add", "change", "view"})


class RoleModelPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, but only for operators (and, where allowed, editors), and only
    for the `actions` the model allows at all (None: every action). An action outside
    them is refused to everyone, superusers included."""

    def __init__(self, model, *, editors: bool = False, actions=ALL_ACTIONS):
        super().__init__(model)
        self.editors = editors
        self.actions = None if actions is None else frozenset(actions)

    def holds_role(self, user) -> bool:
        return is_operator(user) or (self.editors and is_editor(user))

    def allows(self, action) -> bool:
        return self.actions is None or action in self.actions

    def user_has_permission(self, user, action):
        return (
            self.allows(action)
            and self.holds_role(user)
            and super().user_has_permission(user, action)
        )


OperatorPermissionPolicy = RoleModelPermissionPolicy


def ReadOnlyPermissionPolicy(model, **kwargs) -> RoleModelPermissionPolicy:  # noqa: N802
    """List, search, filter and inspect (`view`); adding, changing and deleting are refused
    to everyone. Pair it with core.viewsets.ReadOnlyViewSetMixin."""
    return RoleModelPermissionPolicy(model, actions=READ_ONLY, **kwargs)
