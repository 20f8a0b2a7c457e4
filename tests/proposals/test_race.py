"""A proposal's acceptance and an ordinary acceptance of the same student, at the same
moment on real PostgreSQL connections: exactly one wins, through the one partial unique
index of matching (the proposal has no accept rule of its own)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from matching.errors import DomainError, StudentNotFound
from matching.models import Decision, Status, StatusChange, Track
from matching.services import ALREADY_PLACED, decision_set_status
from proposals import services
from proposals.models import ProposalLine
from tests.factories import ContactPersonFactory, ServiceFactory, StudentFactory
from tests.proposals.conftest import PERIOD, at_km, places


def _contend(name, action, barrier, results):
    """One acceptance on its own connection, started together with its rival."""
    try:
        barrier.wait()
        action()
        results[name] = "won"
    except DomainError as exc:
        results[name] = str(exc.message)
    except StudentNotFound:
        results[name] = "hidden"
    except Exception as exc:  # anything else (a deadlock): shown in the assertion
        cause = exc.__cause__
        results[name] = f"{exc!r} {getattr(getattr(cause, 'diag', None), 'message_detail', '')}"
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_proposal_acceptance_races_an_ordinary_acceptance_one_wins(postgres, round3):
    proposed, rival = ServiceFactory(**at_km(0)), ServiceFactory(**at_km(50))
    places(proposed, round3, 20)
    mentors = {proposed.pk: ContactPersonFactory(service=proposed)}
    mentors[rival.pk] = ContactPersonFactory(service=rival)
    students = [StudentFactory(school_year=round3.school_year, **at_km(0)) for _ in range(12)]
    run = services.proposal_run_create(track=Track.SECONDARY, user=None)
    services.proposal_run_send(run=run, deadline=timezone.now() + dt.timedelta(days=2), user=None)
    lines = {line.student_id: line for line in run.lines.all()}
    assert set(lines) == {s.pk for s in students}
    winners = {"proposal": 0, "list": 0}

    for student in students:
        barrier = threading.Barrier(2)
        results: dict[str, str] = {}
        contenders = [
            lambda student=student: services.proposal_accept(
                service=proposed,
                line_id=lines[student.pk].pk,
                user=None,
                mentor=mentors[proposed.pk],
                **PERIOD,
            ),
            lambda student=student: decision_set_status(
                service=rival,
                student_id=student.pk,
                status=Status.ACCEPTED,
                user=None,
                mentor=mentors[rival.pk],
                **PERIOD,
            ),
        ]
        threads = [
            threading.Thread(target=_contend, args=(name, action, barrier, results))
            for name, action in zip(["proposal", "list"], contenders, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(results.values()) == sorted(["won", str(ALREADY_PLACED)]), results
        winner = next(key for key, value in results.items() if value == "won")
        winners[winner] += 1
        accepted = Decision.objects.filter(student=student, status=Status.ACCEPTED)
        assert accepted.count() == 1
        expected_service = proposed if winner == "proposal" else rival
        assert accepted.get().service == expected_service
        assert StatusChange.objects.filter(student=student, to_status=Status.ACCEPTED).count() == 1
        line = ProposalLine.objects.get(pk=lines[student.pk].pk)
        # The line records an acceptance only when the proposal's acceptance won.
        assert line.state == ("accepted" if winner == "proposal" else "proposed")
    assert connection.vendor == "postgresql"
    assert sum(winners.values()) == len(students)
