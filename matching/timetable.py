"""The school year's timetable: which round is in force, creating the default one, closing
a year. Visibility reads `round_in_force`; nothing here waits for a task."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import Milestone, Round, SchoolYear, Scope, Track

BRUSSELS = ZoneInfo("Europe/Brussels")
NOON = dt.time(12, 0)

# (number, name, tracks, (day, month) start, (day, month) end, scope) — DESIGN.md
DEFAULT_ROUNDS = [
    (1, "Ronde 1", (Track.SECONDARY, Track.ADULT), (30, 6), (15, 8), Scope.PREFERRED_IN_PROVINCE),
    (2, "Ronde 2", (Track.SECONDARY, Track.ADULT), (5, 9), (19, 9), Scope.PREFERRED),
    (3, "Ronde 3", (Track.SECONDARY, Track.ADULT), (19, 9), (30, 9), Scope.ALL),
    (1, "Duaal leren", (Track.DUAL,), (16, 6), (1, 12), Scope.ALL),
]
DEFAULT_MILESTONES = [
    ("Streefdatum plaatsing", (Track.SECONDARY, Track.ADULT), (19, 9), (7, 10)),
]


def at_noon(year: int, day_month: tuple[int, int]) -> dt.datetime:
    """12:00 Brussels time on day/month of `year` (CEST or CET as that day has it)."""
    day, month = day_month
    return dt.datetime.combine(dt.date(year, month, day), NOON, tzinfo=BRUSSELS)


def school_year_name(year: int) -> str:
    return f"{year}-{year + 1}"


@transaction.atomic
def school_year_create_from_default(*, year: int) -> SchoolYear:
    """Create school year `year`-`year+1` with the default timetable of DESIGN.md, dates moved
    to that year at 12:00 Brussels time: rounds 1-3 for secondary and adult, the dual round,
    the placement-target milestone, and the entry blackout during round 1 (students entered
    then become visible when round 3 starts: the "zichtbaar vanaf" setting stays empty, so
    the release follows round 3 wherever the operator moves it, matching.blackout)."""
    name = school_year_name(year)
    if SchoolYear.objects.filter(name=name).exists():
        raise DomainError(_("Schooljaar %(name)s bestaat al.") % {"name": name})
    round_1 = next(r for r in DEFAULT_ROUNDS if r[0] == 1 and Track.SECONDARY in r[2])
    school_year = SchoolYear(
        name=name,
        starts_on=dt.date(year, 6, 1),
        ends_on=dt.date(year + 1, 5, 31),
        entry_blackout_starts_at=at_noon(year, round_1[3]),
        entry_blackout_ends_at=at_noon(year, round_1[4]),
    )
    school_year.full_clean()
    school_year.save()
    for number, round_name, tracks, start, end, scope in DEFAULT_ROUNDS:
        for track in tracks:
            round_ = Round(
                school_year=school_year,
                track=track,
                number=number,
                name=round_name,
                scope=scope,
                starts_at=at_noon(year, start),
                ends_at=at_noon(year, end),
            )
            round_.full_clean()
            round_.save()
    for milestone_name, tracks, start, end in DEFAULT_MILESTONES:
        Milestone.objects.create(
            school_year=school_year,
            name=milestone_name,
            tracks=",".join(tracks),
            starts_at=at_noon(year, start),
            ends_at=at_noon(year, end),
        )
    return school_year


@transaction.atomic
def school_year_close(*, school_year: SchoolYear, user=None) -> SchoolYear:
    """Close a school year: its last scope stops being in force, its rounds mail nothing
    more. Closing twice is refused so the recorded moment stays the first one."""
    school_year = SchoolYear.objects.select_for_update().get(pk=school_year.pk)
    if school_year.closed_at is not None:
        raise DomainError(_("Dit schooljaar is al afgesloten."))
    school_year.closed_at = timezone.now()
    school_year.save(update_fields=["closed_at"])
    return school_year


def round_in_force(*, track: str, now, school_year: SchoolYear | None = None) -> Round | None:
    """The latest round of the current school year for `track` with starts_at <= now.

    Before the first round there is none (nothing is visible). After the last round's end,
    that round stays in force until the operator closes the school year.
    """
    return rounds_in_force(tracks=[track], now=now, school_year=school_year)[track]


def year_and_round_in_force(*, track: str, now) -> tuple[SchoolYear | None, Round | None]:
    """The current school year and `round_in_force` for `track`: one query once a round
    has started (the usual case), two before the first round of the year."""
    current_year = SchoolYear.objects.in_force(now).values("pk")[:1]
    round_ = (
        Round.objects.filter(school_year=Subquery(current_year), track=track, starts_at__lte=now)
        .select_related("school_year")
        .order_by("-starts_at")
        .first()
    )
    if round_ is not None:
        return round_.school_year, round_
    return SchoolYear.objects.current(now), None


def rounds_in_force(
    *, tracks, now, school_year: SchoolYear | None = None
) -> dict[str, Round | None]:
    """`round_in_force` for several tracks in one query: {track: round or None}."""
    school_year = school_year or SchoolYear.objects.current(now)
    found: dict[str, Round | None] = dict.fromkeys(tracks)
    if school_year is None or school_year.closed_at is not None:
        return found
    for round_ in Round.objects.filter(
        school_year=school_year, track__in=list(found), starts_at__lte=now
    ).order_by("-starts_at"):
        if found[round_.track] is None:
            round_.school_year = school_year  # visibility reads its blackout: no query
            found[round_.track] = round_
    return found
