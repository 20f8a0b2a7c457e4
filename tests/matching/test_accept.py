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
            # Must not happen: a loser that finds the student placed gets the message too.
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
    # Every other service already said "not accepted" (with a note): losing must leave
    # that decision, its note and its history exactly as they were.
    earlier = services[::2]
    for _attempt in range(20):
        student = StudentFactory(school_year=rnd.school_year)
        for service in earlier:
            decision_set_status(
                service=service,
                student_id=student.pk,
                status=Status.NOT_ACCEPTED,
                user=None,
                note="Te ver",
            )
        results: list[str] = []
        _race(student, services, mentors, results)
        assert results.count("won") == 1, results
        losers = [r for r in results if r != "won"]
        assert len(losers) == 49
        assert set(losers) == {"Deze leerling werd intussen door een andere dienst aanvaard."}
        winner = Decision.objects.get(student=student, status=Status.ACCEPTED).service
        # History consistent: the earlier rows plus exactly one acceptance.
        assert StatusChange.objects.filter(student=student).count() == len(earlier) + 1
        others = Decision.objects.filter(student=student).exclude(service=winner)
        assert sorted(others.values_list("service_id", flat=True)) == sorted(
            s.pk for s in earlier if s != winner
        )
        assert set(others.values_list("status", "note")) == {(Status.NOT_ACCEPTED, "Te ver")}
    assert connection.vendor == "postgresql"


def test_a_losing_dual_service_keeps_its_invitation(db):
    rnd = RoundFactory(scope=Scope.ALL, track=Track.DUAL)
    student = StudentFactory(school_year=rnd.school_year, track=Track.DUAL)
    first, second = ServiceFactory(), ServiceFactory()
    for service in (first, second):
        decision_set_status(
            service=service, student_id=student.pk, status=Status.INVITED, user=None
        )
    accept(first, student, None)
    with pytest.raises(DomainError):
        accept(second, student, None)
    kept = Decision.objects.get(service=second, student=student)
    assert kept.status == Status.INVITED and kept.mentor is None
    assert list(
        StatusChange.objects.filter(service=second).values_list("from_status", "to_status")
    ) == [(Status.UNDECIDED, Status.INVITED)]


@pytest.mark.django_db(transaction=True)
def test_a_school_edit_waits_for_an_acceptance_in_flight_then_finds_the_student_frozen(
    postgres,
):
    """The acceptance holds a shared lock on the student row until it commits; the school's
    edit (FOR UPDATE) must wait for it, then refuse, instead of slipping a new address in
    under a placement the service is committing. Real connections, real locks."""
    from matching.school import services as school_services

    rnd = RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)
    student = StudentFactory(school_year=rnd.school_year, postcode="9000", municipality="Gent")
    service = ServiceFactory()
    mentor = ContactPersonFactory(service=service)
    accepted = threading.Event()
    release = threading.Event()
    edit_done = threading.Event()
    outcome: dict[str, object] = {}

    def service_accepts():
        try:
            with transaction.atomic():
                accept(service, student, None, mentor=mentor)
                accepted.set()
                # Still inside the transaction: the row stays share-locked until commit.
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def school_edits():
        try:
            school_services.student_update(
                school=student.school,
                user=None,
                student_id=student.pk,
                data={"postcode": "2000", "municipality": "Antwerpen"},
            )
            outcome["edit"] = "saved"
        except DomainError as exc:
            outcome["edit"] = str(exc.message)
        finally:
            edit_done.set()
            connections.close_all()

    acceptor = threading.Thread(target=service_accepts)
    acceptor.start()
    assert accepted.wait(timeout=30)
    editor = threading.Thread(target=school_edits)
    editor.start()
    # The edit is blocked on the row lock, not merely slow: PostgreSQL shows it waiting.
    waiting = False
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            waiting = cursor.fetchone()[0] == 1
        if waiting:
            break
        threading.Event().wait(0.05)
    assert waiting and not edit_done.is_set()
    release.set()
    acceptor.join(timeout=30)
    editor.join(timeout=30)

    assert outcome["edit"] == str(school_services.FROZEN)
    student.refresh_from_db()
    assert (student.postcode, student.municipality) == ("9000", "Gent")
    assert Decision.objects.get(student=student).status == Status.ACCEPTED
