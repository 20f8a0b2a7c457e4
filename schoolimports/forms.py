"""The upload form of the bulk import: it only takes the file; schoolimports.services reads
and judges it."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand (CSV of XLSX)"),
        help_text=_("CSV met ; of , als scheidingsteken (UTF-8 of Windows), of een Excel-bestand."),
    )
