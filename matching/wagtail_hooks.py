"""Wagtail registrations of the matching app, one module per audience."""

from .admin import operator, school, service  # noqa: F401
