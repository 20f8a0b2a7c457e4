import datetime as dt

import pytest
from django.urls import reverse

from matching.models import Round, SchoolYear, Track
from matching.timetable import school_year_create_from_default
from notifications.models import Outbox
from tests import factories
from tests.logins import make_operator, make_service_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = make_operator()
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "name",
    [
        "school_years:index",
        "rounds:index",
        "milestones:index",
        "services:index",
        "schools:index",
        "students:index",
        "outbox:index",
        "schedules:index",
    ],
)
def test_operator_screens_open_for_operators_only(client, operator, name):
    assert client.get(reverse(name)).status_code == 200
    client.force_login(make_service_user(factories.ServiceFactory()))
    assert client.get(reverse(name)).status_code == 302


def test_operator_creates_a_school_year_from_the_default_timetable(client, operator):
    response = client.post(reverse("operator_school_year_default"), {"year": "2027"})
    assert response.status_code == 302
    year = SchoolYear.objects.get(name="2027-2028")
    assert year.rounds.count() == 7
    response = client.post(reverse("operator_school_year_default"), {"year": "2027"})
    assert "Schooljaar 2027-2028 bestaat al." in response.content.decode()


def test_round_form_shows_overlap_and_order_errors_in_dutch(client, operator):
    year = school_year_create_from_default(year=2025)
    round_2 = Round.objects.get(school_year=year, track=Track.SECONDARY, number=2)
    data = {
        "school_year": year.pk,
        "track": Track.SECONDARY,
        "number": 2,
        "name": "Ronde 2",
        "scope": "",
        "starts_at": "2025-08-01 12:00",
        "ends_at": "2025-07-01 12:00",
    }
    response = client.post(reverse("rounds:edit", args=[round_2.pk]), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Het einde van de ronde moet na de start liggen." in content
    assert "Dit is een verplicht veld." in content  # scope
    data.update(scope="preferred", starts_at="2025-08-01 12:00", ends_at="2025-09-10 12:00")
    response = client.post(reverse("rounds:edit", args=[round_2.pk]), data)
    assert "Deze ronde overlapt met een andere ronde van hetzelfde type." in (
        response.content.decode()
    )
    round_2.refresh_from_db()
    assert round_2.starts_at == dt.datetime(2025, 9, 5, 10, tzinfo=dt.UTC)


def test_operator_closes_a_school_year(client, operator):
    year = school_year_create_from_default(year=2025)
    response = client.post(reverse("operator_school_year_close", args=[year.pk]), {"confirm": "on"})
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.closed_at is not None


def test_operator_retries_a_failed_mail(client, operator, django_capture_on_commit_callbacks):
    row = Outbox.objects.create(
        to="a@example.be", subject="s", body="b", status=Outbox.Status.FAILED, attempts=6
    )
    assert "Opnieuw proberen" in client.get(reverse("outbox:index")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox_retry", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT


def test_mail_templates_are_editable_snippets(client, operator):
    response = client.get(reverse("wagtailsnippets_notifications_mailtemplate:list"))
    assert response.status_code == 200
    assert "Start van een ronde" in response.content.decode()


def test_students_and_outbox_are_read_only_for_the_operator(client, operator):
    student = factories.StudentFactory()
    row = Outbox.objects.create(to="a@example.be", subject="s", body="b")
    assert client.get(reverse("students:inspect", args=[student.pk])).status_code == 200
    # The read-only permission policy refuses; Wagtail answers a refusal by sending the
    # user home.
    home = reverse("wagtailadmin_home")
    for response in (
        client.get(reverse("students:edit", args=[student.pk])),
        client.post(reverse("students:edit", args=[student.pk]), {"first_name": "X"}),
        client.get(reverse("students:add")),
        client.post(reverse("outbox:delete", args=[row.pk])),
    ):
        assert (response.status_code, response.get("Location")) == (302, home), response
    assert Outbox.objects.filter(pk=row.pk).exists()
    assert (
        student.national_register_number
        not in client.get(reverse("students:inspect", args=[student.pk])).content.decode()
    )
