"""Forms of the service workspace: they parse input; the rules live in services/selectors."""

from urllib.parse import urlencode

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from core import widgets
from matching import choice_selectors, reference
from matching.models import ContactPerson, Status
from matching.querysets import is_postcode_filter
from matching.selectors import StudentFilters

TABS = (("open", _("Zonder stageplaats")), ("accepted", _("Aanvaard door ons")))
ORDER_CHOICES = (
    ("default", _("Provincie, postcode, naam")),
    ("name", _("Naam (A-Z)")),
    ("-name", _("Naam (Z-A)")),
    ("postcode", _("Postcode (oplopend)")),
    ("-postcode", _("Postcode (aflopend)")),
    ("registered", _("Inschrijvingsdatum (oudste eerst)")),
    ("-registered", _("Inschrijvingsdatum (nieuwste eerst)")),
    ("distance", _("Afstand (dichtstbij eerst)")),
    ("-distance", _("Afstand (verst eerst)")),
)
MAX_WITHIN_KM = 300  # Belgium is about 280 km across
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 25


class ContactPersonForm(WagtailAdminModelForm):
    """Name, phone and e-mail; the service is never a field (it comes from the login)."""

    class Meta:
        model = ContactPerson
        fields = ["name", "phone", "email"]


class _NameChoices(ModelChoiceIterator):
    """(pk, name) from one plain query: no model instances and no server-side cursor for
    the schools that every list page offers (School.__str__ is its name)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name in self.queryset.values_list("pk", "name"):
            yield ModelChoiceIteratorValue(pk, None), name


class _SchoolField(forms.ModelChoiceField):
    iterator = _NameChoices


class StudentFilterForm(forms.Form):
    """The GET parameters of a students list; invalid values fall back to 'no filter'."""

    tab = forms.ChoiceField(choices=TABS, required=False)
    q = forms.CharField(label=_("Naam"), required=False, max_length=100)
    # Provinces and transport modes are reference data fixed in code (matching.reference):
    # their choices and the filter use the codes, so the form costs no query.
    province = forms.MultipleChoiceField(
        label=_("Provincie"),
        choices=reference.province_choices,
        required=False,
        widget=widgets.CheckboxSelectMultiple,
        help_text=_("Niets gekozen = alle provincies."),
    )
    school = _SchoolField(
        label=_("School"),
        queryset=choice_selectors.schools().only("pk", "name"),
        required=False,
        empty_label=_("Alle scholen"),
        widget=widgets.Select,
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=4,
        help_text=_("Volledig of de eerste twee cijfers."),
    )
    within = forms.CharField(
        label=_("Binnen (km)"),
        required=False,
        max_length=5,
        help_text=_("Afstand tot de postcode van uw dienst."),
    )
    transport = forms.MultipleChoiceField(
        label=_("Vervoersmiddelen"),
        choices=reference.transport_mode_choices,
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    order = forms.ChoiceField(
        label=_("Sorteren op"), choices=ORDER_CHOICES, required=False, widget=widgets.Select
    )
    per_page = forms.TypedChoiceField(
        label=_("Per pagina"),
        choices=[(n, n) for n in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PAGE_SIZE,
    )

    def clean_postcode(self):
        value = (self.cleaned_data.get("postcode") or "").strip()
        if value and not is_postcode_filter(value):
            raise forms.ValidationError(_("Geef een postcode of de eerste twee cijfers in."))
        return value

    def clean_within(self):
        value = (self.cleaned_data.get("within") or "").strip().replace(",", ".")
        if not value:
            return None
        try:
            km = float(value)
        except ValueError:
            km = None
        if km is None or not (0 < km <= MAX_WITHIN_KM):
            raise forms.ValidationError(
                _(
                    "Geef een afstand in kilometer: een getal groter dan 0 en hoogstens "
                    "%(max)s, bijvoorbeeld 10."
                )
                % {"max": MAX_WITHIN_KM}
            )
        return int(km) if km == int(km) else round(km, 1)

    @property
    def values(self) -> dict:
        """Cleaned values; a field with an invalid value counts as empty."""
        if not hasattr(self, "_values"):
            self.is_valid()
            data = dict(getattr(self, "cleaned_data", {}))
            for name in self.errors:
                data.pop(name, None)
            self._values = data
        return self._values

    @property
    def current_tab(self) -> str:
        return self.values.get("tab") or "open"

    @property
    def page_size(self) -> int:
        return self.values.get("per_page") or DEFAULT_PAGE_SIZE

    def to_filters(self) -> StudentFilters:
        v = self.values
        return StudentFilters(
            name=v.get("q") or "",
            provinces=tuple(v.get("province") or ()),
            school=v["school"].pk if v.get("school") else None,
            postcode=v.get("postcode") or "",
            transport_modes=tuple(v.get("transport") or ()),
            within_km=v.get("within"),
            order=v.get("order") or "default",
        )

    def query_pairs(self, **overrides) -> list[tuple[str, str]]:
        """The cleaned filters as URL parameters (never raw input), with overrides."""
        v = self.values
        params = {
            "tab": self.current_tab,
            "q": v.get("q") or "",
            "province": list(v.get("province") or ()),
            "school": str(v["school"].pk) if v.get("school") else "",
            "postcode": v.get("postcode") or "",
            "transport": list(v.get("transport") or ()),
            "within": str(v["within"]) if v.get("within") is not None else "",
            "order": v.get("order") or "",
            "per_page": str(self.page_size) if self.page_size != DEFAULT_PAGE_SIZE else "",
        }
        params.update(overrides)
        pairs = []
        for key, value in params.items():
            values = value if isinstance(value, list) else [value]
            pairs.extend((key, str(item)) for item in values if item not in ("", None))
        return pairs

    def querystring(self, **overrides) -> str:
        pairs = self.query_pairs(**overrides)
        return "?" + urlencode(pairs) if pairs else "?"

    @property
    def active_filter_count(self) -> int:
        v = self.values
        keys = ("q", "province", "school", "postcode", "transport", "within")
        return sum(1 for key in keys if v.get(key))


class StatusForm(forms.Form):
    """One status change. The service checks the rules; this only parses."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    mentor = forms.ModelChoiceField(
        label=_("Stagementor"),
        queryset=choice_selectors.no_contact_persons(),
        required=False,
        error_messages={"invalid_choice": _("Kies een stagementor van uw eigen dienst.")},
    )
    period_start = forms.DateField(
        label=_("Start stage"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Einde stage"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Notitie"), required=False, max_length=2000)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, mentors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if mentors is not None:
            self.fields["mentor"].queryset = mentors

    def first_error(self) -> str:
        for errors in self.errors.values():
            for error in errors:
                return str(error)
        return str(_("Controleer de ingevulde gegevens."))
