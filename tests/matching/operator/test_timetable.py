import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from matching.blackout import Releases
from matching.errors import DomainError
from matching.models import Milestone, Round, SchoolYear, Scope, Track
from matching.timetable import (
    round_in_force,
    school_year_close,
    school_year_create_from_default,
)

UTC = dt.UTC
BRUSSELS = ZoneInfo("Europe/Brussels")
pytestmark = pytest.mark.django_db


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def rounds_of(year, track):
    return list(year.rounds.filter(track=track).order_by("starts_at"))


def test_default_timetable_has_rounds_1_to_3_for_secondary_and_adult_at_noon_brussels():
    year = school_year_create_from_default(year=2026)
    assert year.name == "2026-2027"
    for track in (Track.SECONDARY, Track.ADULT):
        rounds = rounds_of(year, track)
        assert [(r.number, r.scope, r.starts_at, r.ends_at) for r in rounds] == [
            # Summer time (CEST, UTC+2): 12:00 Brussels is 10:00 UTC.
            (1, Scope.PREFERRED_IN_PROVINCE, utc(2026, 6, 30, 10), utc(2026, 8, 15, 10)),
            (2, Scope.PREFERRED, utc(2026, 9, 5, 10), utc(2026, 9, 19, 10)),
            (3, Scope.ALL, utc(2026, 9, 19, 10), utc(2026, 9, 30, 10)),
        ]


def test_default_dual_round_ends_in_winter_time():
    year = school_year_create_from_default(year=2025)
    (dual,) = rounds_of(year, Track.DUAL)
    assert dual.scope == Scope.ALL
    assert dual.starts_at == utc(2025, 6, 16, 10)
    # 1 December is winter time (CET, UTC+1): 12:00 Brussels is 11:00 UTC.
    assert dual.ends_at == utc(2025, 12, 1, 11)
    assert dual.ends_at.astimezone(BRUSSELS).hour == 12


def test_default_timetable_has_placement_target_and_entry_blackout():
    year = school_year_create_from_default(year=2025)
    milestone = Milestone.objects.get(school_year=year)
    assert milestone.name == "Streefdatum plaatsing"
    assert milestone.tracks == "secondary,adult"
    assert (milestone.starts_at, milestone.ends_at) == (utc(2025, 9, 19, 10), utc(2025, 10, 7, 10))
    assert year.entry_blackout_starts_at == utc(2025, 6, 30, 10)
    assert year.entry_blackout_ends_at == utc(2025, 8, 15, 10)
    # No copied date: the release follows round 3 of the timetable.
    assert year.blackout_release_at is None
    releases = Releases(year)
    # A student registered during round 1 becomes visible when round 3 starts.
    for track in (Track.SECONDARY, Track.ADULT, Track.DUAL):
        assert releases.visible_from(registered_at=utc(2025, 7, 1, 9), track=track) == utc(
            2025, 9, 19, 10
        )
    assert releases.visible_from(registered_at=utc(2025, 8, 15, 10), track=Track.SECONDARY) == utc(
        2025, 8, 15, 10
    )
    # Round 3 of adult moved: adult follows it; secondary keeps its own round 3.
    Round.objects.filter(school_year=year, track=Track.ADULT, number=3).update(
        starts_at=utc(2025, 9, 22, 10)
    )
    releases = Releases(year)
    assert releases.release(Track.ADULT) == utc(2025, 9, 22, 10)
    assert releases.release(Track.SECONDARY) == utc(2025, 9, 19, 10)
    assert releases.common_release() is None


def test_default_timetable_cannot_be_created_twice():
    school_year_create_from_default(year=2025)
    with pytest.raises(DomainError) as exc:
        school_year_create_from_default(year=2025)
    assert "bestaat al" in str(exc.value.message)
    assert SchoolYear.objects.count() == 1


def new_round(year, *, track=Track.DUAL, number=2, **fields) -> Round:
    """An unsaved round of `year`, by default a second dual round in January 2026."""
    values = {
        "scope": Scope.ALL,
        "starts_at": utc(2026, 1, 10, 11),
        "ends_at": utc(2026, 2, 10, 11),
        **fields,
    }
    return Round(school_year=year, track=track, number=number, **values)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"ends_at": utc(2026, 1, 10, 11)},  # the same moment as the start
            "ends_at",
            "Het einde van de ronde moet na de start liggen.",
        ),
        ({"scope": ""}, "scope", None),
    ],
)
def test_an_invalid_round_is_refused_on_its_field(fields, field, message):
    year = school_year_create_from_default(year=2025)
    with pytest.raises(ValidationError) as exc:
        new_round(year, **fields).full_clean()
    assert field in exc.value.message_dict
    if message:
        assert message in exc.value.message_dict[field]


def test_rounds_of_one_track_may_not_overlap_but_other_tracks_may():
    year = school_year_create_from_default(year=2025)
    overlapping = new_round(
        year,
        track=Track.SECONDARY,
        number=4,
        starts_at=utc(2025, 9, 25, 10),
        ends_at=utc(2025, 10, 5, 10),
    )
    with pytest.raises(ValidationError) as exc:
        overlapping.full_clean()
    assert exc.value.message_dict["starts_at"] == [
        "Deze ronde overlapt met een andere ronde van hetzelfde type."
    ]
    overlapping.track = Track.DUAL
    overlapping.number = 2
    with pytest.raises(ValidationError):  # the dual round runs until December
        overlapping.full_clean()
    later = new_round(year, starts_at=utc(2025, 12, 1, 11), ends_at=utc(2025, 12, 20, 11))
    later.full_clean()  # touching the previous round's end is not an overlap


def test_round_in_force_is_the_latest_started_round_and_stays_after_the_last_end():
    year = school_year_create_from_default(year=2025)
    secondary = {r.number: r for r in rounds_of(year, Track.SECONDARY)}
    assert round_in_force(track=Track.SECONDARY, now=utc(2025, 6, 30, 9, 59)) is None
    assert round_in_force(track=Track.SECONDARY, now=utc(2025, 6, 30, 10)) == secondary[1]
    # Between rounds 1 and 2 the scope of round 1 stays in force.
    assert round_in_force(track=Track.SECONDARY, now=utc(2025, 8, 20)) == secondary[1]
    assert round_in_force(track=Track.SECONDARY, now=utc(2025, 9, 19, 10)) == secondary[3]
    assert round_in_force(track=Track.SECONDARY, now=utc(2026, 3, 1)) == secondary[3]
    assert round_in_force(track=Track.DUAL, now=utc(2025, 6, 16, 10)).track == Track.DUAL


def test_closing_the_school_year_ends_the_round_in_force():
    year = school_year_create_from_default(year=2025)
    year = school_year_close(school_year=year, user=None)
    assert year.closed_at is not None
    assert round_in_force(track=Track.SECONDARY, now=utc(2025, 10, 1)) is None
    assert round_in_force(track=Track.SECONDARY, now=utc(2025, 10, 1), school_year=year) is None
    with pytest.raises(DomainError):
        school_year_close(school_year=year, user=None)
