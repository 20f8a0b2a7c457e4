"""The losers of a race wait for the acceptance in flight, then are told; the database still
decides. Real PostgreSQL, real connections: one thread holds an acceptance's transaction
open while another service tries the same student."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from matching.errors import DomainError, StudentNotFound
from matching.models import Decision, Scope, Status, StatusChange, Track
from matching.services import ALREADY_PLACED, decision_set_status
from tests.factories import ContactPersonFactory, RoundFactory, ServiceFactory, StudentFactory

PERIOD = {"period_start": dt.date(2025, 10, 6), "period_end": dt.date(2025, 11, 28)}


def _accept(service, student):
    return decision_set_status(
        service=service,
        student_id=student.pk,
        status=Status.ACCEPTED,
        user=None,
        mentor=ContactPersonFactory(service=service),
        **PERIOD,
    )


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


class InFlight:
    """An acceptance (or any call) whose transaction stays open until `finish()`;
    `fail=True` rolls it back instead of committing."""

    def __init__(self, call, *, fail=False):
        self.call, self.fail = call, fail
        self.started, self.release = threading.Event(), threading.Event()
        self.outcome = None
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        try:
            with transaction.atomic():
                try:
                    self.call()
                    self.outcome = "done"
                except (DomainError, StudentNotFound) as exc:
                    self.outcome = type(exc).__name__
                self.started.set()
                self.release.wait(timeout=30)
                if self.fail:
                    raise RuntimeError("roll back")
        except RuntimeError:
            pass
        finally:
            self.started.set()
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.started.wait(timeout=30)
        return self

    def finish(self):
        self.release.set()
        self.thread.join(timeout=30)

    def __exit__(self, *exc):
        self.finish()


class Attempt:
    """Another service's acceptance, in its own thread and connection."""

    def __init__(self, service, student):
        self.service, self.student = service, student
        self.done = threading.Event()
        self.outcome = None
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self):
        mentor = ContactPersonFactory(service=self.service)
        try:
            with CaptureQueriesContext(connection) as self.queries:
                decision_set_status(
                    service=self.service,
                    student_id=self.student.pk,
                    status=Status.ACCEPTED,
                    user=None,
                    mentor=mentor,
                    **PERIOD,
                )
            self.outcome = "won"
        except DomainError as exc:
            self.outcome = str(exc.message)
        except StudentNotFound:
            self.outcome = "404"
        finally:
            self.done.set()
            connections.close_all()

    def assert_waiting(self):
        for _ in range(200):
            if _waiting_on_a_lock() == 1:
                break
            threading.Event().wait(0.05)
        assert _waiting_on_a_lock() == 1 and not self.done.is_set()

    def result(self):
        self.thread.join(timeout=30)
        return self.outcome


@pytest.fixture
def race(postgres):
    rnd = RoundFactory(scope=Scope.PREFERRED, track=Track.SECONDARY)
    first, second, stranger = ServiceFactory(), ServiceFactory(), ServiceFactory()
    # Round 2's scope: only the services the student named see it; `stranger` does not.
    student = StudentFactory(school_year=rnd.school_year, preferred_services=[first, second])
    return student, first, second, stranger


@pytest.mark.django_db(transaction=True)
def test_a_loser_waits_for_the_acceptance_in_flight_and_is_told_placed(race):
    student, first, second, _stranger = race
    with InFlight(lambda: _accept(first, student)) as winner:
        loser = Attempt(second, student)
        loser.assert_waiting()
        winner.finish()
        assert loser.result() == str(ALREADY_PLACED)
    # The loser waited cheaply: its lock and track, the wait, one look at the acceptance,
    # then the round in force and whether it could have seen the student. No reachability
    # query ran, nothing was written.
    sqls = [q["sql"] for q in loser.queries.captured_queries]
    assert len(sqls) <= 5, sqls
    assert not any(sql.startswith(("INSERT", "UPDATE")) for sql in sqls)
    assert list(Decision.objects.filter(student=student).values_list("service_id", "status")) == [
        (first.pk, Status.ACCEPTED)
    ]
    assert StatusChange.objects.filter(student=student).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_waiting_service_wins_when_the_acceptance_in_flight_rolls_back(race):
    student, first, second, _stranger = race
    with InFlight(lambda: _accept(first, student), fail=True) as doomed:
        waiter = Attempt(second, student)
        waiter.assert_waiting()
        doomed.finish()
        assert waiter.result() == "won"
    assert Decision.objects.get(student=student).service == second


@pytest.mark.django_db(transaction=True)
def test_a_service_that_cannot_see_the_student_gets_a_404_after_waiting(race):
    """Waiting does not turn the rule around: a service outside the round's scope is not
    told the student was placed, it gets what any unknown id gets."""
    student, first, _second, stranger = race
    with InFlight(lambda: _accept(first, student)) as winner:
        outsider = Attempt(stranger, student)
        outsider.assert_waiting()
        winner.finish()
        assert outsider.result() == "404"


@pytest.mark.django_db(transaction=True)
def test_a_refused_attempt_leaves_no_mark_that_makes_another_service_wait_or_lose(race):
    """An outsider's refused attempt rolls back with its in-flight mark, even while the
    caller's own transaction stays open: the next service accepts at once and wins."""
    student, _first, second, stranger = race
    with InFlight(lambda: _accept(stranger, student)) as outsider:
        assert outsider.outcome == "StudentNotFound"
        assert Attempt(second, student).result() == "won"
    assert Decision.objects.get(student=student, status=Status.ACCEPTED).service == second


@pytest.mark.django_db(transaction=True)
def test_a_student_placed_before_the_attempt_is_refused_without_waiting(race):
    student, first, second, stranger = race
    _accept(first, student)
    with pytest.raises(DomainError) as exc:
        _accept(second, student)
    assert str(exc.value.message) == str(ALREADY_PLACED)
    with pytest.raises(StudentNotFound):
        _accept(stranger, student)
    with pytest.raises(StudentNotFound):
        decision_set_status(
            service=second, student_id=10**9, status=Status.ACCEPTED, user=None, **PERIOD
        )
