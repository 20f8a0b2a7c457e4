from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, using="default", apps=None, **kwargs):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from accounts.roles import ensure_role_groups

    # accounts migrates first; make sure later apps' permissions exist before granting them.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_role_groups(global_apps)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import links, signals  # noqa: F401

        links.register()

        post_migrate.connect(_sync_role_groups, sender=self, dispatch_uid="accounts_role_groups")
