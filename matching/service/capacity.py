"""The service's capacity screen: per track, how many students it can take this school year
(and optionally when), with what its acceptances fill. Thin: matching.capacity reads and
writes; a service only ever reaches its own rows (there is no id in the URL)."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching import capacity
from matching.errors import DomainError
from matching.models import Capacity, Track
from matching.selectors import school_year_current
from matching.service.views import TRACK_TITLES, service_required


class CapacityForm(forms.Form):
    """One track's places; empty means "not stated" (nothing is written)."""

    places = forms.IntegerField(
        label=gettext_lazy("Aantal plaatsen"), min_value=0, max_value=999, required=False
    )
    period_start = forms.DateField(
        label=gettext_lazy("Plaatsen vanaf (optioneel)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=gettext_lazy("Plaatsen tot (optioneel)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        if data.get("places") is None and (data.get("period_start") or data.get("period_end")):
            self.add_error("places", _("Geef het aantal plaatsen in bij een periode."))
        return data


class TrackError(Exception):
    def __init__(self, track: str, error: DomainError):
        super().__init__(str(error))
        self.track, self.error = track, error


def _who(row: Capacity | None) -> str:
    user = row.updated_by if row else None
    if user is None:
        return "—"
    return user.get_full_name() or user.email


def _initial(row: Capacity | None) -> dict:
    if row is None:
        return {}
    return {"places": row.places, "period_start": row.period_start, "period_end": row.period_end}


@service_required
def capacity_edit(request, service):
    school_year = school_year_current()
    context = {
        "service": service,
        "page_title": _("Capaciteit"),
        "school_year": school_year,
        "header_icon": "grid",
    }
    if school_year is None:
        return TemplateResponse(request, "matching/service/capacity.html", context)
    rows = capacity.stated_by_track(service=service, school_year=school_year)
    data = request.POST if request.method == "POST" else None
    forms_by_track = {
        track: CapacityForm(data, prefix=track, initial=_initial(rows.get(track)))
        for track in Track.values
    }
    if data is not None and all(f.is_valid() for f in forms_by_track.values()):
        try:
            with transaction.atomic():
                changed = _save(request, service, school_year, forms_by_track, rows)
        except TrackError as error:
            form = forms_by_track[error.track]
            field = error.error.field
            form.add_error(field if field in form.fields else None, error.error.message)
        else:
            if changed:
                messages.success(request, _("De capaciteit van uw dienst werd opgeslagen."))
            return redirect("service_capacity")
    places = capacity.service_places(service=service, school_year=school_year)
    context["tracks"] = [
        {
            "track": track,
            "title": TRACK_TITLES[track],
            "form": forms_by_track[track],
            "row": rows.get(track),
            "places": places[track],
            "who": _who(rows.get(track)),
        }
        for track in Track.values
    ]
    return TemplateResponse(request, "matching/service/capacity.html", context)


def _save(request, service, school_year, forms_by_track, rows) -> bool:
    changed = False
    for track, form in forms_by_track.items():
        data = form.cleaned_data
        row = rows.get(track)
        if data["places"] is None:
            continue  # not stated (an existing figure is changed, never removed, here)
        current = _initial(row)
        wanted = {k: data[k] for k in ("places", "period_start", "period_end")}
        if current == wanted:
            continue
        try:
            capacity.capacity_set(
                service=service,
                school_year=school_year,
                track=track,
                user=request.user,
                **wanted,
            )
        except DomainError as error:
            raise TrackError(track, error) from None
        changed = True
    return changed
