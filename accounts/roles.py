"""The Wagtail groups behind the five roles and the permissions each holds.

The groups are part of the code, not of the data: a data migration creates them and a
post_migrate handler keeps them in line (it only adds), so a model that arrives later
(notifications.MailTemplate) reaches the right group without a hand edit."""

from core.roles import (
    COORDINATORS_GROUP,
    EDITORS_GROUP,
    OPERATORS_GROUP,
    SCHOOL_USERS_GROUP,
    SERVICE_USERS_GROUP,
)

ACCESS_ADMIN = ("wagtailadmin", "access_admin")
# Membership is an object permission only; a model-level copy would mean nothing, so no
# group ever holds one.
MEMBERSHIP_CODENAMES = {"act_for_service", "act_for_school", "coordinate_province"}
OPERATOR_APPS = ("matching", "notifications")
OPERATOR_EXTRA = [
    ("accounts", "add_invitation"),
    ("accounts", "change_invitation"),
    ("accounts", "delete_invitation"),
    ("accounts", "view_invitation"),
    ("accounts", "view_user"),
]
EDITOR_SNIPPETS = [
    ("notifications", "add_mailtemplate"),
    ("notifications", "change_mailtemplate"),
    ("notifications", "view_mailtemplate"),
    # The helpdesk hours and contact shown on every public page (a site setting).
    ("cms", "change_helpdesksettings"),
]
EDITOR_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
ALL_GROUPS = [
    OPERATORS_GROUP,
    EDITORS_GROUP,
    SERVICE_USERS_GROUP,
    SCHOOL_USERS_GROUP,
    COORDINATORS_GROUP,
]


def _perms(Permission, pairs):
    found = []
    for app_label, codename in pairs:
        perm = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if perm is not None:  # e.g. MailTemplate before the notifications app has it
            found.append(perm)
    return found


def ensure_role_groups(apps) -> None:
    """Create the role groups and add the permissions each role needs (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ALL_GROUPS}
    access_admin = _perms(Permission, [ACCESS_ADMIN])
    for group in groups.values():
        group.permissions.add(*access_admin)

    operator_perms = (
        Permission.objects.filter(content_type__app_label__in=OPERATOR_APPS)
        .exclude(codename__in=MEMBERSHIP_CODENAMES)
        .exclude(content_type__model__endswith="objectpermission")
    )
    groups[OPERATORS_GROUP].permissions.add(*operator_perms, *_perms(Permission, OPERATOR_EXTRA))

    # Editors edit the public site; operators can do everything (DESIGN.md), so they
    # hold the editors' rights as well.
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for group in (groups[EDITORS_GROUP], groups[OPERATORS_GROUP]):
        group.permissions.add(*_perms(Permission, EDITOR_SNIPPETS))
        if root_page is not None:
            for perm in _perms(Permission, [("wagtailcore", c) for c in EDITOR_PAGE_PERMISSIONS]):
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=perm
                )
        if root_collection is not None:
            for perm in _perms(Permission, EDITOR_COLLECTION_PERMISSIONS):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm
                )


def create_all_permissions(apps, using="default") -> None:
    """Permissions normally appear only after migrate; the groups need them now."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        had_module = getattr(app_config, "models_module", None)
        app_config.models_module = had_module or True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = had_module
