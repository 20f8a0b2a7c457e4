"""Labels, not codes, for the operator's screens: a milestone's tracks shown and chosen by
their Dutch labels while the model keeps "secondary,adult"."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from core.columns import EMPTY
from matching.models import Track


def track_labels(codes) -> str:
    """'secondary,adult' (or a list) -> 'Secundair onderwijs, Volwassenenonderwijs (CVO)'."""
    if isinstance(codes, str):
        codes = [code.strip() for code in codes.split(",") if code.strip()]
    labels = dict(Track.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes) or EMPTY


class TracksColumn(Column):
    def get_value(self, instance):
        return track_labels(super().get_value(instance))


class TracksField(forms.MultipleChoiceField):
    """A milestone's tracks as checkboxes with their Dutch labels; stored as the model's
    comma-separated codes ("secondary,adult")."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, max_length=None, empty_value=None, **kwargs):
        kwargs.pop("choices", None)
        kwargs["help_text"] = _("Voor welke types leerlingen deze mijlpaal geldt.")
        super().__init__(choices=Track.choices, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return [code for code in value.split(",") if code]
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = [code for code in value.split(",") if code]
        return super().to_python(value)

    def clean(self, value):
        codes = super().clean(value)
        # Stored in the order of the tracks, not of the clicks.
        return ",".join(code for code in Track.values if code in codes)

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial), data)
