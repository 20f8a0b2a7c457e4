"""Status changes, plain form: the view calls decision_set_status, shows its Dutch message
(naming the student and the field) through messages and redirects back to the same filtered
page, at the row (post/redirect/get). The in-place (JSON) answers: test_inplace.py."""

import pytest
from django.contrib.messages import get_messages

from matching.models import Decision, Status, StatusChange, Track
from tests.factories import ContactPersonFactory, DecisionFactory, StudentFactory
from tests.logins import make_service_user

from .conftest import PERIOD

LIST = "/admin/service/students/secondary/"


def post_status(client, student, status, next_url=LIST + "?q=x&order=name", **extra):
    return client.post(
        f"/admin/service/student/{student.pk}/status/",
        {"status": status, "next": next_url, **extra},
    )


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def student(open_round):
    return StudentFactory(school_year=open_round.school_year, last_name="Janssens")


def test_accept_with_mentor_and_period_redirects_back_to_filtered_page(
    service_client, student, service, mentor, service_user
):
    response = post_status(
        service_client,
        student,
        Status.ACCEPTED,
        mentor=mentor.pk,
        note="Start op maandag",
        **PERIOD,
    )
    assert response.status_code == 302
    assert response["Location"] == LIST + f"?q=x&order=name#s-{student.pk}"
    decision = Decision.objects.get(service=service, student=student)
    assert (decision.status, decision.mentor, str(decision.period_start)) == (
        Status.ACCEPTED,
        mentor,
        PERIOD["period_start"],
    )
    assert decision.note == "Start op maandag"
    change = StatusChange.objects.get(student=student)
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.UNDECIDED,
        Status.ACCEPTED,
        service_user,
    )
    assert any("Aanvaard" in text for text in message_texts(response))


def test_accept_without_mentor_shows_dutch_error_and_changes_nothing(service_client, student):
    response = post_status(service_client, student, Status.ACCEPTED, **PERIOD)
    assert response.status_code == 302
    name = f"{student.last_name}, {student.first_name}"
    assert message_texts(response) == [
        f"{name} — Stagementor: Kies een stagementor om de leerling te aanvaarden."
    ]
    assert not Decision.objects.exists()


def test_mentor_of_another_service_is_refused(service_client, student, other_service):
    theirs = ContactPersonFactory(service=other_service)
    response = post_status(service_client, student, Status.ACCEPTED, mentor=theirs.pk, **PERIOD)
    (text,) = message_texts(response)
    assert text.endswith("— Stagementor: Kies een stagementor van uw eigen dienst.")
    assert student.last_name in text
    assert not Decision.objects.exists()


def test_accepting_a_student_another_service_just_accepted_shows_the_race_message(
    service_client, student, other_service, mentor, service
):
    DecisionFactory(service=other_service, student=student, status=Status.ACCEPTED)
    response = post_status(service_client, student, Status.ACCEPTED, mentor=mentor.pk, **PERIOD)
    assert response.status_code == 302
    assert message_texts(response) == [
        f"{student.last_name}, {student.first_name}: "
        "Deze leerling werd intussen door een andere dienst aanvaard."
    ]
    assert other_service.name not in " ".join(message_texts(response))
    assert not Decision.objects.filter(service=service).exists()
    assert not StatusChange.objects.filter(service=service).exists()


def test_taking_back_an_acceptance_releases_the_student(service_client, student, mentor, service):
    post_status(service_client, student, Status.ACCEPTED, mentor=mentor.pk, **PERIOD)
    post_status(service_client, student, Status.UNDECIDED, confirm="1")
    decision = Decision.objects.get(service=service, student=student)
    assert decision.status == Status.UNDECIDED and decision.mentor is None
    assert [c.to_status for c in StatusChange.objects.order_by("pk")] == [
        Status.ACCEPTED,
        Status.UNDECIDED,
    ]


def test_unsafe_next_falls_back_to_admin(service_client, student):
    response = post_status(
        service_client, student, Status.NOT_ACCEPTED, next_url="https://evil.example/"
    )
    assert response["Location"] == f"/admin/#s-{student.pk}"


def test_status_view_refuses_get(service_client, student):
    assert service_client.get(f"/admin/service/student/{student.pk}/status/").status_code == 405


@pytest.fixture
def dual_student(dual_round):
    return StudentFactory(school_year=dual_round.school_year, track=Track.DUAL)


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.NOT_ACCEPTED, Status.NO_SHOW])
def test_dual_status_after_invitation_is_refused_before_inviting(
    service_client, dual_student, status, service
):
    response = post_status(service_client, dual_student, status, next_url="/admin/")
    (text,) = message_texts(response)
    assert text.endswith(
        "— Status: Deze status kan pas gekozen worden nadat uw dienst de leerling uitnodigde."
    )
    assert not Decision.objects.filter(service=service).exists()


@pytest.mark.parametrize("status", [Status.INVITED, Status.NOT_INVITED, Status.UNDECIDED])
def test_dual_first_statuses_are_allowed(service_client, dual_student, status, service):
    post_status(service_client, dual_student, status, next_url="/admin/")
    assert Decision.objects.get(service=service, student=dual_student).status == status


def test_dual_accept_allowed_after_inviting_with_a_note(service_client, dual_student, service):
    post_status(service_client, dual_student, Status.INVITED, next_url="/admin/")
    response = post_status(
        service_client, dual_student, Status.ACCEPTED, next_url="/admin/", note="Gesprek ok"
    )
    decision = Decision.objects.get(service=service, student=dual_student)
    assert decision.status == Status.ACCEPTED and decision.note == "Gesprek ok"
    assert not any("pas gekozen" in text for text in message_texts(response))
    # Once invited, the later statuses stay available even after a step back.
    post_status(service_client, dual_student, Status.NOT_INVITED, next_url="/admin/", confirm="1")
    post_status(service_client, dual_student, Status.NO_SHOW, next_url="/admin/")
    assert Decision.objects.get(service=service, student=dual_student).status == Status.NO_SHOW


def test_secondary_student_refuses_dual_only_status(service_client, student):
    response = post_status(service_client, student, Status.INVITED)
    (text,) = message_texts(response)
    assert text.endswith("— Status: Deze status bestaat niet voor dit type leerling.")


def test_dual_list_offers_accept_only_after_invitation(service_client, dual_student, service):
    page = service_client.get("/admin/service/students/dual/")
    (row,) = page.context["rows"]
    assert Status.ACCEPTED not in dict(row.allowed)
    post_status(service_client, dual_student, Status.INVITED, next_url="/admin/")
    post_status(service_client, dual_student, Status.NOT_INVITED, next_url="/admin/")
    (row,) = service_client.get("/admin/service/students/dual/").context["rows"]
    assert Status.ACCEPTED in dict(row.allowed)


def test_two_logins_of_one_service_share_its_decisions(client, student, service, mentor):
    colleague = make_service_user(service)
    client.force_login(colleague)
    post_status(client, student, Status.ACCEPTED, mentor=mentor.pk, **PERIOD)
    assert Decision.objects.get(student=student).service == service
