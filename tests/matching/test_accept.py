"""First accept wins: the rule is held by the database, proven with real connections."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from matching import selectors
from matching.errors import DomainError, StudentNotFound
from matching.models import Decision, Scope, Status, StatusChange, Track
from matching.services import decision_set_status
from tests.factories import (
    ContactPersonFactory,
    DecisionFactory,
    RoundFactory,
    ServiceFactory,
    StudentFactory,
    UserFactory,
)

PERIOD = {"period_start": dt.date(2025, 10, 6), "period_end": dt.date(2025, 11, 28)}


def accept(service, student, user, mentor=None):
    return decision_set_status(
        service=service,
        student_id=student.pk,
        status=Status.ACCEPTED,
        user=user,
        mentor=mentor or ContactPersonFactory(service=service),
        **PERIOD,
    )


@pytest.fixture
def open_round(db):
    return RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)


def test_second_service_cannot_accept_accepted_student(open_round):
    student = StudentFactory(school_year=open_round.school_year)
    first, second = ServiceFactory(), ServiceFactory()
    user = UserFactory()
    accept(first, student, user)
    mentor = ContactPersonFactory(service=second)
    # The second service gets the Dutch message, which names nobody.
    with pytest.raises(DomainError) as exc:
        accept(second, student, user, mentor=mentor)
    assert str(exc.value.message) == "Deze leerling werd intussen door een andere dienst aanvaard."
    # And the placed student is gone from its lists and detail: a 404 like any unknown id.
    with pytest.raises(StudentNotFound):
        selectors.student_for_service(service=second, pk=student.pk)
    assert Decision.objects.filter(student=student, status=Status.ACCEPTED).count() == 1
    assert not Decision.objects.filter(service=second).exists()


def test_accepting_requires_mentor_and_period(open_round):
    student = StudentFactory(school_year=open_round.school_year)
    service = ServiceFactory()
    with pytest.raises(DomainError) as exc:
        decision_set_status(
            service=service, student_id=student.pk, status=Status.ACCEPTED, user=None
        )
    assert exc.value.field == "mentor"
    with pytest.raises(DomainError) as exc:
        decision_set_status(
            service=service,
            student_id=student.pk,
            status=Status.ACCEPTED,
            user=None,
            mentor=ContactPersonFactory(service=service),
        )
    assert exc.value.field == "period_start"
    assert not StatusChange.objects.exists()


def test_mentor_must_belong_to_the_service(open_round):
    student = StudentFactory(school_year=open_round.school_year)
    service = ServiceFactory()
    with pytest.raises(DomainError) as exc:
        accept(service, student, None, mentor=ContactPersonFactory())
    assert exc.value.field == "mentor"


def test_take_back_releases_student_and_history_is_appended(open_round):
    student = StudentFactory(school_year=open_round.school_year)
    first, second = ServiceFactory(), ServiceFactory()
    accept(first, student, None)
    decision_set_status(service=first, student_id=student.pk, status=Status.UNDECIDED, user=None)
    accept(second, student, None)
    history = list(
        StatusChange.objects.filter(student=student)
        .order_by("pk")
        .values_list("service_id", "from_status", "to_status")
    )
    assert history == [
        (first.pk, "undecided", "accepted"),
        (first.pk, "accepted", "undecided"),
        (second.pk, "undecided", "accepted"),
    ]


def test_dual_accept_needs_an_invitation_first(db):
    rnd = RoundFactory(track=Track.DUAL, scope=Scope.ALL)
    student = StudentFactory(school_year=rnd.school_year, track=Track.DUAL)
    service = ServiceFactory()
    for status in (Status.ACCEPTED, Status.NOT_ACCEPTED, Status.NO_SHOW):
        with pytest.raises(DomainError):
            decision_set_status(service=service, student_id=student.pk, status=status, user=None)
    decision_set_status(service=service, student_id=student.pk, status=Status.INVITED, user=None)
    decision_set_status(service=service, student_id=student.pk, status=Status.NO_SHOW, user=None)
    decision = decision_set_status(
        service=service, student_id=student.pk, status=Status.ACCEPTED, user=None, note="Start 1/10"
    )
    assert decision.status == Status.ACCEPTED and decision.note == "Start 1/10"


def test_secondary_statuses_exclude_dual_ones(open_round):
    student = StudentFactory(school_year=open_round.school_year)
    with pytest.raises(DomainError):
        decision_set_status(
            service=ServiceFactory(), student_id=student.pk, status=Status.INVITED, user=None
        )


def test_history_is_append_only(open_round):
    student = StudentFactory(school_year=open_round.school_year)
    service = ServiceFactory()
    decision_set_status(
        service=service, student_id=student.pk, status=Status.NOT_ACCEPTED, user=None
    )
    change = StatusChange.objects.get()
    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        StatusChange.objects.all().delete()
    with pytest.raises(TypeError):
        StatusChange.objects.update(to_status="accepted")


def test_database_refuses_a_second_accepted_row(postgres):
    student = StudentFactory()
    DecisionFactory(student=student, status=Status.ACCEPTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(student=student, status=Status.ACCEPTED)


def _race(student, services, mentors, results):
    barrier = threading.Barrier(len(services))

    def run(service, mentor):
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
            results.append("won")
        except DomainError as exc:
            results.append(str(exc.message))
        except StudentNotFound:
            # The winner committed before this thread read the visible set.
            results.append("hidden")
        finally:
            connections.close_all()

    pairs = zip(services, mentors, strict=True)
    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_fifty_services_accept_same_student_exactly_one_wins(postgres):
    rnd = RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)
    services = [ServiceFactory() for _ in range(50)]
    mentors = [ContactPersonFactory(service=s) for s in services]
    for _attempt in range(20):
        student = StudentFactory(school_year=rnd.school_year)
        results: list[str] = []
        _race(student, services, mentors, results)
        assert results.count("won") == 1, results
        losers = [r for r in results if r != "won"]
        assert len(losers) == 49
        assert all(
            r in ("hidden", "Deze leerling werd intussen door een andere dienst aanvaard.")
            for r in losers
        )
        assert Decision.objects.filter(student=student, status=Status.ACCEPTED).count() == 1
        # History consistent: exactly one acceptance recorded, no loser left a trace.
        assert StatusChange.objects.filter(student=student).count() == 1
        assert Decision.objects.filter(student=student).count() == 1
    assert connection.vendor == "postgresql"
