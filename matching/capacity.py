"""Places per service, school year and track (issue 19): what a service states
(`Capacity`), what its acceptances fill, what is left, and the one change that writes it.

Filled is never stored: it is the number of acceptances of the service whose student
counts as a placement of that year and track (`selectors.placements_q`, the rule behind
the 'aanvaard door ons' tab), so it is right at any moment, whoever accepted or took back.

A service without a `Capacity` row for a track has not stated its places: its capacity is
None and so are its free places ("unknown", not "none"). Callers that need a number (a
solver assigning leftovers) treat None as no free places.
"""

import datetime as dt
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .errors import DomainError
from .models import Capacity, Decision, SchoolYear, Service, Status, Track
from .selectors import placements_q


class Places(NamedTuple):
    """(capacity, filled) of one service for one year and track; capacity None = not stated."""

    capacity: int | None
    filled: int

    @property
    def free(self) -> int | None:
        """Places left (never negative); None when no capacity was stated."""
        return None if self.capacity is None else max(self.capacity - self.filled, 0)

    @property
    def over(self) -> int:
        """Acceptances beyond the stated capacity (0 when within it or none was stated)."""
        return 0 if self.capacity is None else max(self.filled - self.capacity, 0)

    @property
    def text(self) -> str:
        """'3 van 10 plaatsen ingevuld' (what lists and dashboards show)."""
        return places_text(capacity=self.capacity, filled=self.filled)


def places_text(*, capacity: int | None, filled: int) -> str:
    if capacity is None:
        return ngettext(
            "%(filled)s aanvaard — aantal plaatsen nog niet opgegeven",
            "%(filled)s aanvaard — aantal plaatsen nog niet opgegeven",
            filled,
        ) % {"filled": filled}
    return ngettext(
        "%(filled)s van %(capacity)s plaats ingevuld",
        "%(filled)s van %(capacity)s plaatsen ingevuld",
        capacity,
    ) % {"filled": filled, "capacity": capacity}


def _year_id(school_year) -> int:
    return getattr(school_year, "pk", school_year)


def acceptances(*, school_year, track: str):
    """The acceptances that fill places of `school_year` and `track` (a Decision queryset)."""
    placed = placements_q(school_year=_year_id(school_year), track=track, prefix="student__")
    return Decision.objects.filter(placed, status=Status.ACCEPTED)


def with_filled(capacities: QuerySet[Capacity]) -> QuerySet[Capacity]:
    """Annotate each capacity row with `filled`, its service's acceptances of that year and
    track (one subquery, for a listing of many services)."""
    filled = (
        Decision.objects.filter(
            placements_q(
                school_year=OuterRef("school_year"), track=OuterRef("track"), prefix="student__"
            ),
            status=Status.ACCEPTED,
            service=OuterRef("service"),
        )
        .order_by()
        .values("service")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return capacities.annotate(filled=Coalesce(Subquery(filled, output_field=IntegerField()), 0))


def beyond_capacity_by_service(*, school_year, track: str) -> dict[int, int]:
    """{service_id: acceptances in force that the service confirmed beyond its stated
    places} for `school_year` and `track` (one query)."""
    rows = (
        acceptances(school_year=school_year, track=track)
        .filter(beyond_capacity=True)
        .values("service_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["service_id"]: row["n"] for row in rows}


def beyond_capacity_count(*, school_year, provinces=None) -> int:
    """Acceptances in force of `school_year`, every track, that services confirmed beyond
    their stated places; of services in `provinces` only if given. One query."""
    placed = Q(pk__in=[])
    for track in Track.values:
        placed |= placements_q(school_year=_year_id(school_year), track=track, prefix="student__")
    qs = Decision.objects.filter(placed, status=Status.ACCEPTED, beyond_capacity=True)
    if provinces is not None:
        qs = qs.filter(service__province__in=provinces)
    return qs.count()


def periods(*, school_year, service_ids=None) -> dict[tuple[int, str], tuple]:
    """{(service_id, track): (period_start, period_end)} of the stated capacities."""
    qs = Capacity.objects.filter(school_year_id=_year_id(school_year))
    if service_ids is not None:
        qs = qs.filter(service_id__in=list(service_ids))
    return {
        (pk, track): (start, end)
        for pk, track, start, end in qs.values_list(
            "service_id", "track", "period_start", "period_end"
        )
    }


def filled_counts(*, school_year, track: str, service_ids=None) -> dict[int, int]:
    """{service_id: filled places} for `school_year` and `track`, one query; services
    with no acceptance are absent. `service_ids` limits it to those services."""
    qs = acceptances(school_year=school_year, track=track)
    if service_ids is not None:
        qs = qs.filter(service_id__in=list(service_ids))
    rows = qs.values("service_id").annotate(n=Count("pk")).order_by()
    return {row["service_id"]: row["n"] for row in rows}


def places_by_service(*, school_year, track: str, service_ids=None) -> dict[int, Places]:
    """{service_id: Places(capacity, filled)} for `school_year` and `track`, in two queries
    whatever the number of services: every service that stated a capacity for the track or
    holds an acceptance in it (the latter with capacity None if it stated none).
    `Places.free` is what a leftover proposal may still assign to the service."""
    stated = Capacity.objects.filter(school_year_id=_year_id(school_year), track=track)
    if service_ids is not None:
        stated = stated.filter(service_id__in=list(service_ids))
    capacities = dict(stated.values_list("service_id", "places"))
    filled = filled_counts(school_year=school_year, track=track, service_ids=service_ids)
    return {
        pk: Places(capacities.get(pk), filled.get(pk, 0))
        for pk in sorted(set(capacities) | set(filled))
    }


def places_of(*, service: Service, school_year, track: str) -> Places:
    """Places(capacity, filled) of one service, in one query (a list page shows it)."""
    stated = Capacity.objects.filter(
        service=OuterRef("pk"), school_year_id=_year_id(school_year), track=track
    ).values("places")[:1]
    filled = (
        acceptances(school_year=school_year, track=track)
        .filter(service=OuterRef("pk"))
        .order_by()
        .values("service")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        Service.objects.filter(pk=service.pk)
        .annotate(
            stated=Subquery(stated),
            filled=Coalesce(Subquery(filled, output_field=IntegerField()), 0),
        )
        .values_list("stated", "filled")
        .first()
    )
    return Places(*row) if row else Places(None, 0)


def filled_places(*, service: Service, school_year, track: str) -> int:
    """How many of `service`'s places for `school_year` and `track` its acceptances fill."""
    return places_of(service=service, school_year=school_year, track=track).filled


def free_places(*, service: Service, school_year, track: str) -> int | None:
    """Places `service` has left for `school_year` and `track`; None if it stated none."""
    return places_of(service=service, school_year=school_year, track=track).free


def stated_by_track(*, service: Service, school_year) -> dict[str, Capacity]:
    """`service`'s stated capacity rows for the year, by track, with who last changed them:
    what its capacity screen starts from."""
    rows = Capacity.objects.filter(service=service, school_year_id=_year_id(school_year))
    return {row.track: row for row in rows.select_related("updated_by")}


def service_places(*, service: Service, school_year) -> dict[str, Places]:
    """Per track (every track, in Track order), `service`'s Places for the year; one query
    per track plus one. What the service's dashboard, lists and capacity screen show."""
    capacities = dict(
        Capacity.objects.filter(service=service, school_year_id=_year_id(school_year)).values_list(
            "track", "places"
        )
    )
    result = {}
    for track in Track.values:
        filled = filled_counts(school_year=school_year, track=track, service_ids=[service.pk])
        result[track] = Places(capacities.get(track), filled.get(service.pk, 0))
    return result


def acceptance_beyond_capacity(
    *, service: Service, school_year, track: str, lock: bool = False
) -> bool:
    """Whether one more acceptance by `service` in `school_year` and `track` goes beyond the
    capacity it stated (all places filled). False when it stated none: nothing to exceed.

    Never a refusal — the service knows best; the screen asks for a confirmation and the
    acceptance is flagged (Decision.beyond_capacity). With `lock` (inside the accepting
    transaction) the capacity row is locked FOR UPDATE, so two acceptances of the same
    service are counted one after the other and the last place is flagged exactly once;
    other services' acceptances lock other rows and are not held up.
    """
    stated = Capacity.objects.filter(
        service=service, school_year_id=_year_id(school_year), track=track
    )
    if lock:
        stated = stated.select_for_update()
    places = stated.values_list("places", flat=True).first()
    if places is None:
        return False
    filled = filled_counts(school_year=school_year, track=track, service_ids=[service.pk])
    return filled.get(service.pk, 0) >= places


@transaction.atomic
def capacity_set(
    *,
    service: Service,
    school_year: SchoolYear,
    track: str,
    places: int,
    user,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    by_operator: bool = False,
    now=None,
) -> Capacity:
    """State (or correct) `service`'s places for `school_year` and `track`, recording who
    and when; `by_operator` marks an operator's correction, which the service then sees.
    Lowering below the filled places is allowed (the acceptances stay; they show as over
    capacity)."""
    if track not in Track.values:
        raise DomainError(_("Dit type leerling bestaat niet."), field="track")
    if places is None or places < 0:
        raise DomainError(_("Het aantal plaatsen kan niet negatief zijn."), field="places")
    if period_start and period_end and period_end < period_start:
        raise DomainError(_("Het einde van de periode ligt voor de start."), field="period_end")
    capacity, _created = Capacity.objects.select_for_update().get_or_create(
        service=service,
        school_year=school_year,
        track=track,
        defaults={"places": places},
    )
    capacity.places = places
    capacity.period_start = period_start
    capacity.period_end = period_end
    capacity.updated_by = user
    capacity.updated_by_operator = by_operator
    capacity.updated_at = now or timezone.now()
    capacity.save()
    return capacity
