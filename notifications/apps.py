from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, using="default", **kwargs):
    from notifications.schedules import schedules_ensure

    schedules_ensure()


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("E-mail")

    def ready(self):
        post_migrate.connect(_ensure_schedules, sender=self, dispatch_uid="notifications_schedules")
