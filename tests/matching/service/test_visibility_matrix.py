"""Visibility is computed from the clock, the rounds, the entry blackout, preferences, provinces
and placements (DESIGN.md, Visibility) — proven through the selector every screen uses."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from matching.errors import StudentNotFound
from matching.models import Scope, Status, Track
from matching.selectors import (
    StudentFilters,
    service_students,
    student_for_service,
    students_accepted_by,
    students_visible_to,
)
from tests.factories import (
    DecisionFactory,
    RoundFactory,
    SchoolYearFactory,
    ServiceFactory,
    StudentFactory,
    province,
)

BRUSSELS = ZoneInfo("Europe/Brussels")


def noon(month, day):
    return dt.datetime(2025, month, day, 12, 0, tzinfo=BRUSSELS)


@pytest.fixture
def world(db):
    """Three secondary rounds (the default timetable) and one student per case."""
    # The default entry blackout (round 1); its release follows round 3 (no setting).
    year = SchoolYearFactory(
        entry_blackout_starts_at=noon(6, 30), entry_blackout_ends_at=noon(8, 15)
    )
    for number, scope, start, end in (
        (1, Scope.PREFERRED_IN_PROVINCE, noon(6, 30), noon(8, 15)),
        (2, Scope.PREFERRED, noon(9, 5), noon(9, 19)),
        (3, Scope.ALL, noon(9, 19), noon(9, 30)),
    ):
        RoundFactory(
            school_year=year,
            track=Track.SECONDARY,
            number=number,
            scope=scope,
            starts_at=start,
            ends_at=end,
        )
    us = ServiceFactory(province=province("ANT"))
    them = ServiceFactory(province=province("ANT"))
    registered = noon(6, 1)

    def student(name, **kwargs):
        kwargs.setdefault("registered_at", registered)
        return StudentFactory(school_year=year, last_name=name, **kwargs)

    students = {
        "preferred_in_province": student("A", preferred_services=[us]),
        "preferred_elsewhere": student(
            "B", preferred_services=[us], province=province("WVL"), postcode="8000"
        ),
        "not_preferred": student("C"),
        "blackout": student(
            "D",
            preferred_services=[us],
            registered_at=noon(7, 1),
        ),
        "accepted_by_us": student("E"),
        "accepted_by_them": student("F", preferred_services=[us]),
        "other_track": student("G", track=Track.DUAL, preferred_services=[us]),
    }
    DecisionFactory(service=us, student=students["accepted_by_us"], status=Status.ACCEPTED)
    DecisionFactory(service=them, student=students["accepted_by_them"], status=Status.ACCEPTED)
    return us, students


def visible_keys(service, students, now):
    pks = set(
        students_visible_to(service=service, track=Track.SECONDARY, now=now).values_list(
            "pk", flat=True
        )
    )
    return {key for key, s in students.items() if s.pk in pks}


MATRIX = [
    ("before the first round", noon(6, 20), set()),
    ("round 1: preferred in province", noon(7, 10), {"preferred_in_province"}),
    ("between round 1 and 2", noon(8, 20), {"preferred_in_province"}),
    (
        "round 2: preferred",
        noon(9, 10),
        {"preferred_in_province", "preferred_elsewhere"},
    ),
    (
        "round 3: all",
        noon(9, 25),
        {"preferred_in_province", "preferred_elsewhere", "not_preferred", "blackout"},
    ),
    (
        "after the last round's end",
        noon(10, 15),
        {"preferred_in_province", "preferred_elsewhere", "not_preferred", "blackout"},
    ),
]


@pytest.mark.parametrize(("moment", "now", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_visible_set_follows_clock_rounds_scope_and_placements(world, moment, now, expected):
    us, students = world
    with time_machine.travel(now, tick=False):
        assert visible_keys(us, students, now=None) == expected
        # The same selector drives the list screen's first tab.
        rows = service_students(
            service=us, track=Track.SECONDARY, tab="open", filters=StudentFilters()
        )
        assert {s.pk for s in rows} == {students[k].pk for k in expected}


@pytest.mark.parametrize(("moment", "now", "_expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_student_accepted_by_us_stays_on_accepted_tab_whatever_the_round(
    world, moment, now, _expected
):
    us, students = world
    with time_machine.travel(now, tick=False):
        accepted = students_accepted_by(service=us, track=Track.SECONDARY)
        assert list(accepted.values_list("pk", flat=True)) == [students["accepted_by_us"].pk]
        assert student_for_service(service=us, pk=students["accepted_by_us"].pk)


@pytest.mark.parametrize(("moment", "now", "_expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_student_accepted_by_another_service_is_unreachable_whatever_the_round(
    world, moment, now, _expected
):
    us, students = world
    with time_machine.travel(now, tick=False), pytest.raises(StudentNotFound):
        student_for_service(service=us, pk=students["accepted_by_them"].pk)


def test_blackout_student_is_hidden_until_round_3_even_in_scope(world):
    us, students = world
    # Round 2 (preferred): the blackout student names us but is not visible before round 3.
    with time_machine.travel(noon(9, 18), tick=False):
        assert "blackout" not in visible_keys(us, students, now=None)
        with pytest.raises(StudentNotFound):
            student_for_service(service=us, pk=students["blackout"].pk)
    with time_machine.travel(noon(9, 19), tick=False):
        assert "blackout" in visible_keys(us, students, now=None)


def test_closed_school_year_shows_nothing(world):
    us, students = world
    year = students["preferred_in_province"].school_year
    year.closed_at = noon(10, 1)
    year.save()
    with time_machine.travel(noon(10, 15), tick=False):
        assert visible_keys(us, students, now=None) == set()
