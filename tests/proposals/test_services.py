"""Asking for, sending and answering a proposal, against the rules it reuses: the round in
force, visibility, refusals, free places, distance and the one acceptance."""

import datetime as dt

import pytest
from django.utils import timezone

from matching.errors import DomainError
from matching.models import Decision, Scope, Status, StatusChange, Track, TransportMode
from matching.services import decision_set_status
from notifications.models import Outbox
from proposals import selectors, services
from proposals.models import ProposalLine, ProposalRun
from tests.factories import (
    ContactPersonFactory,
    RoundFactory,
    ServiceFactory,
    StudentFactory,
    UserFactory,
)
from tests.logins import make_school_user, make_service_user
from tests.proposals.conftest import PERIOD, at_km, places


def pairs_of(run):
    return sorted(
        (line.student_id, line.service_id)
        for line in run.lines.exclude(state=ProposalLine.State.DROPPED)
    )


def test_no_proposal_before_round_3(db):
    rnd = RoundFactory(number=2, scope=Scope.PREFERRED)
    StudentFactory(school_year=rnd.school_year)
    with pytest.raises(DomainError) as exc:
        services.proposal_run_create(track=Track.SECONDARY, user=None)
    assert "ronde 3" in str(exc.value.message)
    assert not ProposalRun.objects.exists()


def test_the_dual_track_gets_no_proposal(db):
    RoundFactory(number=3, track=Track.DUAL, scope=Scope.ALL)
    assert selectors.proposal_round(track=Track.DUAL) is None


def test_free_places_refusals_and_preferences_decide_the_lines(round3):
    year = round3.school_year
    near, far, unstated = (
        ServiceFactory(**at_km(0)),
        ServiceFactory(**at_km(30)),
        ServiceFactory(**at_km(1)),
    )
    places(near, round3, 2)
    places(far, round3, 3)
    # `near` already filled one of its two places: one left. `unstated` stated no places.
    filled = StudentFactory(school_year=year, **at_km(0))
    decision_set_status(
        service=near,
        student_id=filled.pk,
        status=Status.ACCEPTED,
        user=None,
        mentor=ContactPersonFactory(service=near),
        **PERIOD,
    )
    likes_far = StudentFactory(school_year=year, preferred_services=[far], **at_km(2))
    close_by = StudentFactory(school_year=year, **at_km(1))
    refused = StudentFactory(school_year=year, **at_km(0))
    decision_set_status(service=near, student_id=refused.pk, status=Status.NOT_ACCEPTED, user=None)
    run = services.proposal_run_create(track=Track.SECONDARY, user=None)
    assert pairs_of(run) == sorted(
        [(likes_far.pk, far.pk), (close_by.pk, near.pk), (refused.pk, far.pk)]
    )
    assert run.status == ProposalRun.Status.DRAFT and run.number == 1
    assert run.places_free == 1 + 3
    line = run.lines.get(student=likes_far)
    assert (line.preferred, line.distance_km) == (True, 28)
    assert not run.lines.filter(service=unstated).exists()
    assert not run.lines.filter(student=filled).exists()


def test_only_students_the_round_shows_to_the_service(round3):
    # The operator kept round 3 at "voorkeursdienst": a service is proposed only students
    # that name it, as its own list shows.
    round3.scope = Scope.PREFERRED
    round3.save()
    service = ServiceFactory(**at_km(0))
    places(service, round3, 5)
    named = StudentFactory(school_year=round3.school_year, preferred_services=[service])
    StudentFactory(school_year=round3.school_year, **at_km(0))
    run = services.proposal_run_create(track=Track.SECONDARY, user=None)
    assert pairs_of(run) == [(named.pk, service.pk)]


def test_each_line_says_why(round3):
    bike = TransportMode.objects.get(code="fiets")
    car = TransportMode.objects.get(code="auto")
    service = ServiceFactory(**at_km(0))
    places(service, round3, 1)
    student = StudentFactory(
        school_year=round3.school_year, preferred_services=[service], **at_km(12)
    )
    student.transport_modes.set([bike, car])
    run = services.proposal_run_create(track=Track.SECONDARY, user=None)
    from proposals.wording import line_reasons

    line = run.lines.select_related("transport_mode").get()
    assert line_reasons(line) == ["voorkeursdienst", "12 km", "vervoer: fiets"]


@pytest.fixture
def sent(round3, django_capture_on_commit_callbacks):
    """A sent proposal: two students at service A (two logins), one at B."""
    a, b = ServiceFactory(**at_km(0)), ServiceFactory(**at_km(20))
    places(a, round3, 2)
    places(b, round3, 1)
    logins_a = [make_service_user(a), make_service_user(a)]
    login_b = make_service_user(b)
    s1 = StudentFactory(school_year=round3.school_year, **at_km(0))
    s2 = StudentFactory(school_year=round3.school_year, **at_km(1))
    s3 = StudentFactory(school_year=round3.school_year, **at_km(19))
    make_school_user(s1.school)
    run = services.proposal_run_create(track=Track.SECONDARY, user=None)
    assert pairs_of(run) == sorted([(s1.pk, a.pk), (s2.pk, a.pk), (s3.pk, b.pk)])
    deadline = timezone.now() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks():
        told = services.proposal_run_send(run=run, deadline=deadline, user=None)
    assert told == 2
    run.refresh_from_db()
    return {
        "run": run,
        "a": a,
        "b": b,
        "logins_a": logins_a,
        "login_b": login_b,
        "students": (s1, s2, s3),
        "line": {s.pk: run.lines.get(student=s) for s in (s1, s2, s3)},
    }


def test_sending_mails_each_service_once_with_the_deadline(sent):
    mails = Outbox.objects.filter(template_key="proposal_sent_service")
    recipients = sorted(mails.values_list("to", flat=True))
    expected = sorted([u.email for u in sent["logins_a"]] + [sent["login_b"].email])
    assert recipients == expected  # one mail per service, to each of its logins
    mail_a = mails.get(to=sent["logins_a"][0].email)
    assert "2 voorgestelde leerlingen" in mail_a.subject
    assert "/admin/service/voorstellen/" in mail_a.body
    for student in sent["students"]:  # no student's name in a mail
        assert student.last_name not in mail_a.body
    assert sent["run"].status == ProposalRun.Status.SENT and sent["run"].deadline


def test_accepting_a_line_is_the_ordinary_acceptance(sent):
    s1 = sent["students"][0]
    user = sent["logins_a"][0]
    line = services.proposal_accept(
        service=sent["a"],
        line_id=sent["line"][s1.pk].pk,
        user=user,
        mentor=ContactPersonFactory(service=sent["a"]),
        **PERIOD,
    )
    assert line.state == ProposalLine.State.ACCEPTED and line.answered_by == user
    decision = Decision.objects.get(student=s1, status=Status.ACCEPTED)
    assert decision.service == sent["a"] and decision.period_start == PERIOD["period_start"]
    assert StatusChange.objects.filter(student=s1, to_status=Status.ACCEPTED).count() == 1
    assert Outbox.objects.filter(template_key="student_accepted_school", student=s1).exists()


def test_accepting_needs_what_every_acceptance_needs(sent):
    s1 = sent["students"][0]
    with pytest.raises(DomainError) as exc:
        services.proposal_accept(
            service=sent["a"],
            line_id=sent["line"][s1.pk].pk,
            user=None,
            mentor=None,
            period_start=None,
            period_end=None,
        )
    assert exc.value.field == "mentor"
    assert sent["line"][s1.pk].__class__.objects.get(pk=sent["line"][s1.pk].pk).state == "proposed"


def test_another_services_acceptance_wins_and_the_line_says_so(sent):
    s3 = sent["students"][2]
    other = ServiceFactory()
    decision_set_status(
        service=other,
        student_id=s3.pk,
        status=Status.ACCEPTED,
        user=None,
        mentor=ContactPersonFactory(service=other),
        **PERIOD,
    )
    with pytest.raises(DomainError) as exc:
        services.proposal_accept(
            service=sent["b"],
            line_id=sent["line"][s3.pk].pk,
            user=None,
            mentor=ContactPersonFactory(service=sent["b"]),
            **PERIOD,
        )
    assert str(exc.value.message) == "Deze leerling werd intussen door een andere dienst aanvaard."
    line = selectors.lines_for_service(service=sent["b"]).get(pk=sent["line"][s3.pk].pk)
    assert selectors.line_outcome(line, now=timezone.now()) == "superseded"
    with pytest.raises(DomainError) as exc:
        services.proposal_decline(
            service=sent["b"], line_id=line.pk, user=None, reason="Geen plaats"
        )
    assert str(exc.value.message) == "Deze leerling werd intussen door een andere dienst aanvaard."


def test_declining_needs_a_reason_and_the_pair_is_never_proposed_again(sent, round3):
    s2 = sent["students"][1]
    line_id = sent["line"][s2.pk].pk
    with pytest.raises(DomainError) as exc:
        services.proposal_decline(service=sent["a"], line_id=line_id, user=None, reason="  ")
    assert exc.value.field == "reason"
    services.proposal_decline(
        service=sent["a"], line_id=line_id, user=None, reason="Woont te ver van onze regio"
    )
    # Answering twice is refused.
    with pytest.raises(DomainError):
        services.proposal_decline(service=sent["a"], line_id=line_id, user=None, reason="x")
    # The next proposal waits for the deadline (or the operator closing this one)...
    with pytest.raises(DomainError):
        services.proposal_run_create(track=Track.SECONDARY, user=None)
    later = sent["run"].deadline + dt.timedelta(minutes=1)
    nxt = services.proposal_run_create(track=Track.SECONDARY, user=None, now=later)
    sent["run"].refresh_from_db()
    assert sent["run"].status == ProposalRun.Status.CLOSED
    # ...and leaves the declined pair out (s2 may still go elsewhere).
    assert (s2.pk, sent["a"].pk) not in pairs_of(nxt)
    assert nxt.number == 2
    frozen = dict(sent["run"].lines.values_list("student_id", "state"))
    assert frozen[s2.pk] == "declined"
    assert set(frozen.values()) == {"declined", "expired"}


def test_no_answer_after_the_deadline(sent):
    s1 = sent["students"][0]
    late = sent["run"].deadline + dt.timedelta(seconds=1)
    with pytest.raises(DomainError) as exc:
        services.proposal_decline(
            service=sent["a"], line_id=sent["line"][s1.pk].pk, user=None, reason="x", now=late
        )
    assert "verstreken" in str(exc.value.message)
    line = selectors.lines_for_service(service=sent["a"]).get(pk=sent["line"][s1.pk].pk)
    assert selectors.line_outcome(line, now=late) == "expired"


def test_another_services_line_is_not_found(sent):
    s3 = sent["students"][2]
    with pytest.raises(services.LineNotFound):
        services.proposal_decline(
            service=sent["a"], line_id=sent["line"][s3.pk].pk, user=None, reason="x"
        )


def test_a_draft_line_can_be_dropped_before_sending(round3):
    service = ServiceFactory(**at_km(0))
    places(service, round3, 2)
    s1 = StudentFactory(school_year=round3.school_year, **at_km(0))
    s2 = StudentFactory(school_year=round3.school_year, **at_km(0))
    run = services.proposal_run_create(track=Track.SECONDARY, user=UserFactory())
    services.proposal_line_drop(run=run, line_id=run.lines.get(student=s1).pk)
    assert pairs_of(run) == [(s2.pk, service.pk)]
    services.proposal_run_send(run=run, deadline=timezone.now() + dt.timedelta(days=1), user=None)
    with pytest.raises(DomainError):
        services.proposal_line_drop(run=run, line_id=run.lines.get(student=s2).pk)
    # The dropped student was never shown to the service.
    assert [line.student_id for line in selectors.lines_for_service(service=service)] == [s2.pk]
