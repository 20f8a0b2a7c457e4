"""Listing columns and value formatting that show labels, not codes: dates as dd/mm/yyyy
(with the time where a moment matters) instead of Wagtail's "5 maanden geleden", yes/no
instead of True/False. (Track labels: matching.operator.labels.)"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import Column

EMPTY = "—"


def absolute(value) -> str:
    """dd/mm/yyyy for a date, dd/mm/yyyy HH:MM (Brussels) for a moment, '—' for none."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def yes_no(value) -> str:
    if value is None:
        return EMPTY
    return _("ja") if value else _("nee")


def display_value(value) -> str:
    """Any model value as a reader should see it (inspect views)."""
    if isinstance(value, bool) or value is None:
        return yes_no(value) if isinstance(value, bool) else EMPTY
    if isinstance(value, dt.date):
        return absolute(value)
    return value


class AbsoluteDateColumn(Column):
    """A date or moment as dd/mm/yyyy (HH:MM); sortable like any column."""

    def get_value(self, instance):
        return absolute(super().get_value(instance))


class YesNoColumn(Column):
    def get_value(self, instance):
        return yes_no(super().get_value(instance))
