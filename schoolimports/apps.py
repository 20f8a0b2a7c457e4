from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolImportsConfig(AppConfig):
    name = "schoolimports"
    verbose_name = _("Imports van scholen")
    default_auto_field = "django.db.models.BigAutoField"
