from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`manage.py seed_demo`): the top layer, it may use every app."""

    name = "demo"
    verbose_name = "Demo"
