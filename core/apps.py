from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Generic helpers that are no domain rule: CSV/XLSX writers, the no-store header,
    the role and read-only permission policies. Imports no other app of the project."""

    name = "core"
    verbose_name = "Core"
