"""The in-place status answers (JSON with the re-rendered row), the withdrawal confirmation
and mail, the live list endpoint (304 while nothing changed), the safe defaults, typed
filters that say no, and the dashboard's figures."""

import datetime as dt

import pytest
from django.utils import timezone

from matching import workspace_selectors
from matching.models import Decision, Status, StatusChange
from notifications.models import Outbox
from tests.factories import ContactPersonFactory, DecisionFactory, StudentFactory

from .conftest import PERIOD, make_service_user

LIST = "/admin/service/students/secondary/"
LIVE = "/admin/service/students/secondary/live/"
JSON = {"HTTP_X_REQUESTED_WITH": "sm-status"}


def post(client, student, status, **extra):
    return client.post(
        f"/admin/service/student/{student.pk}/status/",
        {"status": status, "next": LIST + "?order=name", **extra},
        **JSON,
    )


@pytest.fixture
def student(open_round):
    return StudentFactory(
        school_year=open_round.school_year,
        last_name="Janssens",
        first_name="Lotte",
        requested_start=dt.date(2025, 10, 6),
        requested_end=dt.date(2025, 11, 28),
    )


def test_a_saved_status_answers_with_the_row(service_client, student, mentor):
    response = post(service_client, student, Status.ACCEPTED, mentor=mentor.pk, **PERIOD)
    assert response.status_code == 200
    answer = response.json()
    assert answer["outcome"] == "saved" and "Aanvaard" in answer["message"]
    assert f'id="s-{student.pk}"' in answer["html"]
    assert 'data-testid="row-notice"' in answer["html"]
    assert Decision.objects.get(student=student).status == Status.ACCEPTED


def test_a_refusal_answers_with_every_entered_value_and_names_student_and_field(
    service_client, student, mentor
):
    response = post(
        service_client,
        student,
        Status.ACCEPTED,
        mentor=mentor.pk,
        period_start="2025-12-01",
        period_end="2025-11-01",
        note="Belt terug",
    )
    assert response.status_code == 422
    answer = response.json()
    assert answer["message"] == (
        "Janssens, Lotte — Einde stage: De einddatum van de stage ligt voor de startdatum."
    )
    html = answer["html"]
    assert '<option value="accepted" selected>' in html
    assert f'<option value="{mentor.pk}" selected>' in html
    assert 'value="2025-12-01"' in html and 'value="2025-11-01"' in html
    assert 'value="Belt terug"' in html
    assert not Decision.objects.exists()


def test_plain_refusal_keeps_values_for_the_next_render_only(service_client, student, mentor):
    response = service_client.post(
        f"/admin/service/student/{student.pk}/status/",
        {"status": Status.ACCEPTED, "next": LIST, "note": "Zonder mentor", **PERIOD},
    )
    assert response["Location"] == f"{LIST}#s-{student.pk}"
    (row,) = service_client.get(LIST).context["rows"]
    assert (row.selected, row.values.note, row.error_field) == (
        Status.ACCEPTED,
        "Zonder mentor",
        "mentor",
    )
    (row,) = service_client.get(LIST).context["rows"]  # shown once
    assert (row.selected, row.error) == (Status.UNDECIDED, "")


def test_taking_back_asks_then_mails_the_school_and_records_who(
    service_client, student, mentor, service_user
):
    student.school.email = "secretariaat@school.be"
    student.school.save()
    post(service_client, student, Status.ACCEPTED, mentor=mentor.pk, **PERIOD)
    asked = post(service_client, student, Status.NOT_ACCEPTED)
    assert asked.status_code == 409 and asked.json()["outcome"] == "confirm"
    assert "de school krijgt een mail" in asked.json()["message"]
    assert 'name="confirm" value="1"' in asked.json()["html"]
    assert Decision.objects.get(student=student).status == Status.ACCEPTED
    assert not Outbox.objects.filter(template_key="student_withdrawn_school").exists()

    done = post(service_client, student, Status.NOT_ACCEPTED, confirm="1")
    assert done.json()["outcome"] == "saved"
    decision = Decision.objects.get(student=student)
    assert decision.status == Status.NOT_ACCEPTED and decision.mentor is None
    (mail,) = Outbox.objects.filter(template_key="student_withdrawn_school")
    assert mail.to == "secretariaat@school.be" and mail.student == student
    change = StatusChange.objects.latest("pk")
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.ACCEPTED,
        Status.NOT_ACCEPTED,
        service_user,
    )


def test_a_withdrawal_that_rolls_back_mails_nobody(service, student, mentor, service_user):
    from matching import services

    services.decision_set_status(
        service=service,
        student_id=student.pk,
        status=Status.ACCEPTED,
        user=service_user,
        mentor=mentor,
        **{k: dt.date.fromisoformat(v) for k, v in PERIOD.items()},
    )
    with pytest.raises(RuntimeError), services.transaction.atomic():
        services.decision_set_status(
            service=service, student_id=student.pk, status=Status.UNDECIDED, user=service_user
        )
        raise RuntimeError
    assert not Outbox.objects.filter(template_key="student_withdrawn_school").exists()


def test_the_race_lost_in_place_says_so_without_the_winner(
    service_client, student, mentor, other_service
):
    DecisionFactory(service=other_service, student=student, status=Status.ACCEPTED)
    response = post(service_client, student, Status.ACCEPTED, mentor=mentor.pk, **PERIOD)
    assert response.status_code == 409
    answer = response.json()
    assert answer["outcome"] == "placed"
    assert "Deze leerling werd intussen door een andere dienst aanvaard." in answer["html"]
    assert other_service.name not in answer["html"] + answer["message"]
    assert "<form" not in answer["html"]


def test_the_live_list_answers_304_until_something_changes(
    service_client, student, open_round, other_service, service
):
    other = StudentFactory(school_year=open_round.school_year)
    url = f"{LIVE}?ids={student.pk},{other.pk}"
    first = service_client.get(url)
    assert first.status_code == 200
    assert first.json() == {
        **first.json(),
        "counts": {"open": 2, "accepted": 0},
        "placed": [],
        "gone": [],
    }
    etag = first["ETag"]
    again = service_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content

    mentor = ContactPersonFactory(service=other_service)
    from matching import services

    services.decision_set_status(
        service=other_service,
        student_id=other.pk,
        status=Status.ACCEPTED,
        user=None,
        mentor=mentor,
        **{k: dt.date.fromisoformat(v) for k, v in PERIOD.items()},
    )
    changed = service_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["placed"] == [other.pk]
    assert changed.json()["counts"] == {"open": 1, "accepted": 0}
    assert other_service.name not in changed.content.decode()


def test_the_live_list_counts_follow_the_filters(service_client, student, open_round):
    StudentFactory(school_year=open_round.school_year, postcode="9000", municipality="Gent")
    response = service_client.get(f"{LIVE}?postcode=9000&ids={student.pk}")
    assert response.json()["counts"]["open"] == 1


def test_the_mentor_this_login_chose_last_comes_first(service, student, service_user):
    a = ContactPersonFactory(service=service, name="A Mentor")
    b = ContactPersonFactory(service=service, name="B Mentor")
    mentors, chosen = workspace_selectors.mentors_for_login(service=service, user=service_user)
    assert ([m.name for m in mentors], chosen) == (["A Mentor", "B Mentor"], None)
    DecisionFactory(service=service, student=student, mentor=b, updated_by=service_user)
    colleague = make_service_user(service)
    mentors, chosen = workspace_selectors.mentors_for_login(service=service, user=service_user)
    assert ([m.name for m in mentors], chosen) == (["B Mentor", "A Mentor"], b.pk)
    # Another login of the same service has chosen nothing yet.
    assert workspace_selectors.mentors_for_login(service=service, user=colleague)[1] is None
    a.delete()
    assert workspace_selectors.mentors_for_login(service=service, user=colleague)[1] == b.pk


def test_the_period_defaults_to_the_schools_desired_dates(service_client, student, mentor):
    (row,) = service_client.get(LIST).context["rows"]
    assert (row.values.period_start, row.values.period_end, row.values.mentor_id) == (
        "2025-10-06",
        "2025-11-28",
        mentor.pk,
    )


@pytest.mark.parametrize("typed", ["8", "abcd", "123", "12345"])
def test_an_invalid_postcode_filter_shows_nothing_as_filtered(service_client, student, typed):
    response = service_client.get(LIST, {"postcode": typed})
    assert response.context["filter_error"] is True
    assert response.context["rows"] == []
    body = response.content.decode()
    assert 'data-testid="postcode-error"' in body and 'data-testid="filter-error"' in body
    assert '<details class="sm-filters" open>' in body


def test_the_dashboard_figures(service, student, open_round, mentor, other_service):
    now = timezone.now()
    old = StudentFactory(school_year=open_round.school_year)
    DecisionFactory(service=service, student=old, status=Status.NOT_ACCEPTED)
    placed = StudentFactory(school_year=open_round.school_year)
    DecisionFactory(service=service, student=placed, status=Status.ACCEPTED, mentor=mentor)
    (secondary, adult, dual) = workspace_selectors.dashboard_figures(service=service, since=None)
    assert (secondary.visible, secondary.undecided, secondary.new, secondary.accepted) == (
        2,
        1,
        2,
        1,
    )
    assert secondary.round == open_round and adult.round is None and adult.visible == 0
    # Since a moment after the round opened: only students visible from after it are new.
    since = now + dt.timedelta(seconds=1)
    StudentFactory(school_year=open_round.school_year, registered_at=since + dt.timedelta(1))
    later = since + dt.timedelta(days=2)
    (secondary, *_rest) = workspace_selectors.dashboard_figures(
        service=service, since=since, now=later
    )
    assert (secondary.visible, secondary.new) == (3, 1)
