"""One visibility rule: the reporting figures ask matching for the round from which a
student was visible (`visibility_round` / `scope_shows`), and that in-memory form of the
scope answers as `visible_q(service=None)` does in the database, scope by scope."""

import datetime as dt

import pytest
from django.utils import timezone

from matching.models import Scope, Student, Track
from matching.selectors import scope_shows, visibility_round, visible_q
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def students():
    year = factories.SchoolYearFactory()
    antwerp = factories.ServiceFactory(province=factories.province("ANT"))
    limburg = factories.ServiceFactory(province=factories.province("LIM"))
    made = {
        "no preference": factories.StudentFactory(school_year=year),
        "preferred elsewhere": factories.StudentFactory(
            school_year=year, preferred_services=[limburg]
        ),
        "preferred in own province": factories.StudentFactory(
            school_year=year, preferred_services=[antwerp]
        ),
    }
    return year, made


@pytest.mark.parametrize("scope", list(Scope))
def test_scope_shows_answers_as_visible_q_for_some_service(students, scope):
    year, made = students
    now = timezone.now()
    round_ = factories.RoundFactory(school_year=year, track=Track.SECONDARY, scope=scope)
    in_database = set(
        Student.objects.filter(visible_q(service=None, round=round_, now=now)).values_list(
            "pk", flat=True
        )
    )
    for name, student in made.items():
        preferred = [s.province_id for s in student.preferred_services.all()]
        in_memory = scope_shows(
            scope=scope, preferred_province_ids=preferred, province_id=student.province_id
        )
        assert in_memory == (student.pk in in_database), (scope, name)


def test_visibility_round_skips_a_round_that_shows_the_student_to_nobody(students):
    year, made = students
    start = timezone.now() - dt.timedelta(days=10)
    rounds = [
        factories.RoundFactory(
            school_year=year, number=n, scope=scope, starts_at=start + dt.timedelta(days=3 * n)
        )
        for n, scope in ((1, Scope.PREFERRED_IN_PROVINCE), (2, Scope.PREFERRED), (3, Scope.ALL))
    ]
    expected = {"no preference": 3, "preferred elsewhere": 2, "preferred in own province": 1}
    for name, student in made.items():
        found = visibility_round(
            rounds=rounds,
            visible_from=student.registered_at,  # no entry blackout in this year
            preferred_province_ids=[s.province_id for s in student.preferred_services.all()],
            province_id=student.province_id,
        )
        assert found.number == expected[name], name
