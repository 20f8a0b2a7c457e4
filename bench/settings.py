"""Settings of the in-process measurements: the project's dev settings (DEBUG off through
the environment) plus the URL of Django's admin changelist baseline."""

from config.settings.dev import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
