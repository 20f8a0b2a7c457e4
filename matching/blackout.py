"""The school entry blackout: when a student registered during the registration stop becomes
visible to services. One rule, read from the timetable at the moment of reading (DESIGN.md,
"School entry blackout"); nothing is copied onto the student.

A student is *held back* when its school year has an entry blackout and the student was
registered inside it (`entry_blackout_starts_at <= registered_at < entry_blackout_ends_at`).
A held-back student of track T becomes visible at the *release*:

- the school year's "zichtbaar vanaf" setting (`blackout_release_at`) when the operator filled
  it in — an explicit date wins;
- otherwise the start of round 3 of track T as the timetable says now;
- for a track without a round 3 (dual), the earliest round 3 of the school year.

No release yet (no setting, no round 3) keeps the student hidden until there is one. Moving
round 3 or the setting, earlier or later, moves the release at once for every screen, export,
count and mail, because they all read `release_expression` (in SQL, through
`matching.selectors.visible_q`) or `Releases` (in Python, the same expression evaluated once).
"""

import datetime as dt

from django.db.models import (
    Case,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual

from .models import Round, SchoolYear, Track

RELEASE_ROUND_NUMBER = 3


def release_expression(track: str):
    """The release of `track`, as an expression over a SchoolYear row (the rule above)."""
    round_3 = (
        Round.objects.filter(school_year=OuterRef("pk"), number=RELEASE_ROUND_NUMBER)
        .annotate(
            other_track=Case(
                When(track=track, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("other_track", "starts_at")
        .values("starts_at")[:1]
    )
    return Coalesce(F("blackout_release_at"), Subquery(round_3, output_field=DateTimeField()))


def release_subquery(*, school_year_id: int, track: str) -> Subquery:
    """The release of one school year and track as a scalar subquery that does not refer to
    the student row: PostgreSQL runs it once per query (an InitPlan), not once per row."""
    return Subquery(
        SchoolYear.objects.filter(pk=school_year_id)
        .order_by()
        .annotate(release=release_expression(track))
        .values("release")[:1],
        output_field=DateTimeField(),
    )


def released_q(*, school_year: SchoolYear, track: str, now) -> Q:
    """Students of `school_year` and `track` that the blackout does not hold back at `now`.

    Everything but the release is known in Python (the school year's window), so the
    condition is a range on `registered_at` or-ed with a constant: indexes keep working."""
    if not (school_year.entry_blackout_starts_at and school_year.entry_blackout_ends_at):
        return Q()
    released = LessThanOrEqual(
        release_subquery(school_year_id=school_year.pk, track=track),
        Value(now, output_field=DateTimeField()),
    )
    return (
        Q(registered_at__lt=school_year.entry_blackout_starts_at)
        | Q(registered_at__gte=school_year.entry_blackout_ends_at)
        | Q(released)
    )


class Releases:
    """The releases of one school year for every track, fetched in one query, for the pages
    and exports that show "zichtbaar vanaf" per student."""

    def __init__(self, school_year: SchoolYear | None):
        self.school_year = school_year
        self.by_track: dict[str, dt.datetime | None] = dict.fromkeys(Track.values)
        if school_year is not None and school_year.entry_blackout_starts_at:
            row = (
                SchoolYear.objects.filter(pk=school_year.pk)
                .order_by()
                .annotate(**{f"r_{t}": release_expression(t) for t in Track.values})
                .values(*(f"r_{t}" for t in Track.values))
                .first()
            ) or {}
            self.by_track = {t: row.get(f"r_{t}") for t in Track.values}

    def held_back(self, registered_at) -> bool:
        return bool(self.school_year and self.school_year.in_entry_blackout(registered_at))

    def release(self, track: str) -> dt.datetime | None:
        return self.by_track.get(track)

    def visible_from(self, *, registered_at, track: str) -> dt.datetime | None:
        """When the blackout lets this student be seen: its registration, or the release
        of its track when it was registered during the blackout (None: no release planned
        yet). The round in force still decides who sees it."""
        if self.held_back(registered_at):
            return self.release(track)
        return registered_at

    def waiting(self, *, registered_at, track: str, now) -> bool:
        """Whether the blackout still holds this student back at `now`."""
        if not self.held_back(registered_at):
            return False
        release = self.release(track)
        return release is None or release > now

    def common_release(self) -> dt.datetime | None:
        """The release of the secondary and adult tracks when they agree (the usual case;
        what the public timetable and the school's warning name), else None."""
        values = {self.by_track.get(Track.SECONDARY), self.by_track.get(Track.ADULT)}
        return values.pop() if len(values) == 1 else None
