"""Capacity per service, school year and track: filled places are the service's
acceptances (the 'aanvaard door ons' rule), free places never go negative, the bulk read
is bounded, and an acceptance beyond capacity is flagged, never refused."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from matching import capacity, selectors
from matching.capacity import Places
from matching.errors import DomainError
from matching.models import Capacity, Decision, Scope, Status, Track
from matching.services import decision_set_status
from tests.factories import (
    ContactPersonFactory,
    DecisionFactory,
    RoundFactory,
    SchoolYearFactory,
    ServiceFactory,
    StudentFactory,
    UserFactory,
)

PERIOD = {"period_start": dt.date(2025, 10, 6), "period_end": dt.date(2025, 11, 28)}


@pytest.fixture
def year(db):
    return RoundFactory(scope=Scope.ALL, track=Track.SECONDARY).school_year


def accept(service, student, user=None):
    return decision_set_status(
        service=service,
        student_id=student.pk,
        status=Status.ACCEPTED,
        user=user or UserFactory(),
        mentor=ContactPersonFactory(service=service),
        **PERIOD,
    )


def test_filled_counts_the_services_acceptances_of_that_year_and_track(year):
    service, other = ServiceFactory(), ServiceFactory()
    for _ in range(3):
        DecisionFactory(
            service=service, student=StudentFactory(school_year=year), status=Status.ACCEPTED
        )
    # Not filling: another status, another service, another track, another year, anonymised.
    DecisionFactory(
        service=service, student=StudentFactory(school_year=year), status=Status.NOT_ACCEPTED
    )
    DecisionFactory(service=other, student=StudentFactory(school_year=year), status="accepted")
    DecisionFactory(
        service=service,
        student=StudentFactory(school_year=year, track=Track.DUAL),
        status=Status.ACCEPTED,
    )
    older = SchoolYearFactory(
        name="2024-2025", starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2025, 5, 31)
    )
    DecisionFactory(service=service, student=StudentFactory(school_year=older), status="accepted")
    gone = StudentFactory(school_year=year, anonymised_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    DecisionFactory(service=service, student=gone, status=Status.ACCEPTED)

    filled = capacity.filled_places(service=service, school_year=year, track=Track.SECONDARY)
    assert filled == 3
    # The same rule as the service's 'aanvaard door ons' tab.
    tab = selectors.students_accepted_by(service=service, track=Track.SECONDARY, school_year=year)
    assert tab.count() == filled
    assert capacity.filled_places(service=service, school_year=year, track=Track.DUAL) == 1
    assert capacity.filled_places(service=other, school_year=year, track=Track.SECONDARY) == 1


def test_free_places_are_capacity_minus_filled_never_negative(year):
    service, user = ServiceFactory(), UserFactory()
    assert capacity.free_places(service=service, school_year=year, track=Track.SECONDARY) is None
    capacity.capacity_set(
        service=service, school_year=year, track=Track.SECONDARY, places=2, user=user
    )
    assert capacity.free_places(service=service, school_year=year, track=Track.SECONDARY) == 2
    accept(service, StudentFactory(school_year=year))
    assert capacity.free_places(service=service, school_year=year, track=Track.SECONDARY) == 1
    accept(service, StudentFactory(school_year=year))
    accept(service, StudentFactory(school_year=year))
    places = capacity.places_of(service=service, school_year=year, track=Track.SECONDARY)
    assert places == Places(2, 3)
    assert places.free == 0
    assert places.over == 1


def test_bulk_places_for_every_service_in_two_queries(year):
    services = [ServiceFactory() for _ in range(6)]
    for index, service in enumerate(services[:4]):
        Capacity.objects.create(
            service=service, school_year=year, track=Track.SECONDARY, places=index + 1
        )
    for service in services[1:3] + services[5:]:
        DecisionFactory(
            service=service, student=StudentFactory(school_year=year), status=Status.ACCEPTED
        )
    with CaptureQueriesContext(connection) as queries:
        result = capacity.places_by_service(school_year=year, track=Track.SECONDARY)
    assert len(queries) == 2
    assert result == {
        services[0].pk: Places(1, 0),
        services[1].pk: Places(2, 1),
        services[2].pk: Places(3, 1),
        services[3].pk: Places(4, 0),
        services[5].pk: Places(None, 1),  # accepted without stating a capacity
    }
    assert result[services[5].pk].free is None
    assert capacity.places_by_service(school_year=year, track=Track.DUAL) == {}


def test_accepting_beyond_capacity_is_flagged_not_refused(year):
    service, user = ServiceFactory(), UserFactory()
    capacity.capacity_set(
        service=service, school_year=year, track=Track.SECONDARY, places=1, user=user
    )
    first = accept(service, StudentFactory(school_year=year))
    assert not first.beyond_capacity
    assert capacity.acceptance_beyond_capacity(
        service=service, school_year=year, track=Track.SECONDARY
    )
    second = accept(service, StudentFactory(school_year=year))
    second.refresh_from_db()
    assert second.status == Status.ACCEPTED
    assert second.beyond_capacity
    # Taking the acceptance back clears the flag.
    decision_set_status(
        service=service, student_id=second.student_id, status=Status.UNDECIDED, user=user
    )
    second.refresh_from_db()
    assert not second.beyond_capacity


def test_no_stated_capacity_flags_nothing(year):
    service = ServiceFactory()
    for _ in range(3):
        assert not accept(service, StudentFactory(school_year=year)).beyond_capacity
    assert not Decision.objects.filter(beyond_capacity=True).exists()


def test_capacity_set_records_who_and_when_and_operator_correction(year):
    service, staff, operator = ServiceFactory(), UserFactory(), UserFactory()
    when = dt.datetime(2025, 9, 1, 10, tzinfo=dt.UTC)
    stated = capacity.capacity_set(
        service=service,
        school_year=year,
        track=Track.ADULT,
        places=4,
        user=staff,
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 12, 19),
        now=when,
    )
    assert (stated.updated_by, stated.updated_at, stated.updated_by_operator) == (
        staff,
        when,
        False,
    )
    corrected = capacity.capacity_set(
        service=service,
        school_year=year,
        track=Track.ADULT,
        places=3,
        user=operator,
        by_operator=True,
    )
    assert corrected.pk == stated.pk
    assert (corrected.places, corrected.updated_by, corrected.updated_by_operator) == (
        3,
        operator,
        True,
    )
    assert Capacity.objects.filter(service=service).count() == 1


def test_capacity_set_refuses_negative_and_reversed_period(year):
    service, user = ServiceFactory(), UserFactory()
    with pytest.raises(DomainError) as exc:
        capacity.capacity_set(
            service=service, school_year=year, track=Track.SECONDARY, places=-1, user=user
        )
    assert exc.value.field == "places"
    with pytest.raises(DomainError) as exc:
        capacity.capacity_set(
            service=service,
            school_year=year,
            track=Track.SECONDARY,
            places=1,
            user=user,
            period_start=dt.date(2025, 12, 1),
            period_end=dt.date(2025, 11, 1),
        )
    assert exc.value.field == "period_end"
    assert not Capacity.objects.exists()


def test_database_holds_one_capacity_per_service_year_track(year):
    service = ServiceFactory()
    Capacity.objects.create(service=service, school_year=year, track=Track.SECONDARY, places=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Capacity.objects.create(service=service, school_year=year, track=Track.SECONDARY, places=2)
    Capacity.objects.create(service=service, school_year=year, track=Track.DUAL, places=2)


def test_service_places_per_track(year):
    service = ServiceFactory()
    Capacity.objects.create(service=service, school_year=year, track=Track.SECONDARY, places=10)
    for _ in range(3):
        DecisionFactory(
            service=service, student=StudentFactory(school_year=year), status=Status.ACCEPTED
        )
    assert capacity.service_places(service=service, school_year=year) == {
        Track.SECONDARY: Places(10, 3),
        Track.ADULT: Places(None, 0),
        Track.DUAL: Places(None, 0),
    }


def test_places_of_one_service_agrees_with_the_bulk_read_in_one_query(year):
    service, other = ServiceFactory(), ServiceFactory()
    Capacity.objects.create(service=service, school_year=year, track=Track.SECONDARY, places=5)
    for owner in (service, service, other):
        DecisionFactory(
            service=owner, student=StudentFactory(school_year=year), status=Status.ACCEPTED
        )
    with CaptureQueriesContext(connection) as queries:
        one = capacity.places_of(service=service, school_year=year, track=Track.SECONDARY)
    assert len(queries) == 1
    bulk = capacity.places_by_service(school_year=year, track=Track.SECONDARY)
    assert one == bulk[service.pk] == Places(5, 2)
    assert capacity.places_of(service=other, school_year=year, track=Track.SECONDARY) == (
        Places(None, 1)
    )
    assert capacity.places_of(service=other, school_year=year, track=Track.DUAL) == Places(None, 0)


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_the_last_place_flag_exactly_one(postgres):
    import threading

    from django.db import connections

    year = RoundFactory(scope=Scope.ALL, track=Track.SECONDARY).school_year
    service = ServiceFactory()
    mentor = ContactPersonFactory(service=service)
    capacity.capacity_set(
        service=service, school_year=year, track=Track.SECONDARY, places=4, user=None
    )
    for _attempt in range(5):
        Decision.objects.filter(service=service).delete()
        for _ in range(3):
            DecisionFactory(
                service=service, student=StudentFactory(school_year=year), status="accepted"
            )
        students = [StudentFactory(school_year=year) for _ in range(2)]
        barrier = threading.Barrier(2)

        def run(student, barrier=barrier):
            try:
                barrier.wait()
                decision_set_status(
                    service=service,
                    student_id=student.pk,
                    status=Status.ACCEPTED,
                    user=None,
                    mentor=mentor,
                    **PERIOD,
                )
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(s,)) for s in students]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        accepted = Decision.objects.filter(service=service, status=Status.ACCEPTED)
        assert accepted.count() == 5  # never refused
        assert accepted.filter(beyond_capacity=True).count() == 1
