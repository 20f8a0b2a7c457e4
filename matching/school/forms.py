"""Forms of the school workspace: they parse input; the rules live in matching.school.services."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from matching import choice_selectors
from matching.columns import registrable_label
from matching.models import REGISTRABLE_FIELDS, School, Student, Track
from matching.validators import mask_nrn, normalize_nrn

# The label of a field the form declares itself: the same one the exports write.
_label = lazy(registrable_label, str)

PLACEMENT_CHOICES = (
    ("", _("Alle")),
    ("placed", _("Met stageplaats")),
    ("unplaced", _("Nog zonder stageplaats")),
)


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    """Services as "name (municipality)", so the search box finds them by either."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.municipality})" if obj.municipality else obj.name


class StudentForm(forms.ModelForm):
    """Every field a school fills in. The national register number is never put back in
    the form after saving: on edit it is empty, with the last four digits as a hint."""

    national_register_number = forms.CharField(
        label=_label("national_register_number"),
        max_length=20,
        help_text=_("11 cijfers, bv. 08.05.17-001.06"),
    )
    transport_modes = forms.ModelMultipleChoiceField(
        label=_label("transport_modes"),
        queryset=choice_selectors.transport_modes(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    preferred_services = ServiceChoiceField(
        label=_label("preferred_services"),
        queryset=choice_selectors.active_services().only("pk", "name", "municipality"),
        widget=forms.SelectMultiple(attrs={"data-school-filterable": "", "size": 8}),
        required=False,
        help_text=_("Typ om te zoeken; houd Ctrl ingedrukt om meer dan één dienst te kiezen."),
    )

    class Meta:
        model = Student
        fields = list(REGISTRABLE_FIELDS)
        widgets = {
            "requested_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "requested_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "remarks": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "municipality": _("Laat leeg om de gemeente af te leiden van de postcode."),
        }

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        if school.kind == School.Kind.CVO:
            choices = [(Track.ADULT.value, Track.ADULT.label)]
        else:
            choices = [
                (Track.SECONDARY.value, Track.SECONDARY.label),
                (Track.DUAL.value, Track.DUAL.label),
            ]
        self.fields["track"].choices = choices
        if self.instance.pk:
            stored = self.instance.national_register_number
            self.initial["national_register_number"] = ""
            field = self.fields["national_register_number"]
            field.required = False
            field.help_text = _("Opgeslagen: %(masked)s. Laat leeg om het te behouden.") % {
                "masked": mask_nrn(stored) or "—"
            }
        self.instance.school = school

    def clean_national_register_number(self):
        return normalize_nrn(self.cleaned_data.get("national_register_number") or "")

    def _post_clean(self):
        # The model's rules run again in the service with the real school year; here they
        # only give early per-field messages. Keep a stored number when left empty.
        stored = self.instance.national_register_number if self.instance.pk else ""
        super()._post_clean()
        if self.instance.pk and not self.cleaned_data.get("national_register_number"):
            self.instance.national_register_number = stored


class RemarksForm(forms.ModelForm):
    class Meta:
        model = Student
        fields = ["remarks"]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 4})}


class StudentFilterForm(forms.Form):
    q = forms.CharField(label=_("Naam"), required=False, max_length=100)
    track = forms.ChoiceField(
        label=_("Type leerling"), choices=[("", _("Alle"))] + list(Track.choices), required=False
    )
    placement = forms.ChoiceField(label=_("Stageplaats"), choices=PLACEMENT_CHOICES, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=4,
        help_text=_("4 cijfers, of de eerste 2 voor een regio"),
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        postcode = (data.get("postcode") or "").strip()
        data["postcode"] = postcode if postcode.isdigit() and len(postcode) in (2, 4) else ""
        return data
