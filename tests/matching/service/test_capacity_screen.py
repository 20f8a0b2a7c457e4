"""The service's capacity screen, the "x van y plaatsen ingevuld" lines, the confirmation
an acceptance beyond capacity asks, and the operator's capacity screen (scoping included)."""

import pytest
from django.urls import reverse

from matching import capacity
from matching.models import Capacity, Decision, Status, Track
from tests.factories import DecisionFactory, StudentFactory
from tests.logins import make_coordinator, make_operator, make_service_user

from .conftest import PERIOD

URL = "/admin/service/capacity/"
JSON = {"HTTP_X_REQUESTED_WITH": "sm-status"}


def form_data(**per_track):
    data = {}
    for track in Track.values:
        values = per_track.get(track, {})
        data[f"{track}-places"] = values.get("places", "")
        data[f"{track}-period_start"] = values.get("period_start", "")
        data[f"{track}-period_end"] = values.get("period_end", "")
    return data


def test_service_states_its_capacity_per_track(service_client, service, service_user, open_round):
    year = open_round.school_year
    response = service_client.post(
        URL,
        form_data(
            secondary={"places": "10", "period_start": "2025-10-01", "period_end": "2025-12-19"},
            dual={"places": "2"},
        ),
    )
    assert response.status_code == 302 and response["Location"] == URL
    rows = {c.track: c for c in Capacity.objects.filter(service=service, school_year=year)}
    assert set(rows) == {Track.SECONDARY, Track.DUAL}  # adult left empty: not stated
    assert rows[Track.SECONDARY].places == 10
    assert str(rows[Track.SECONDARY].period_end) == "2025-12-19"
    assert rows[Track.SECONDARY].updated_by == service_user
    assert not rows[Track.SECONDARY].updated_by_operator
    for _ in range(3):
        DecisionFactory(
            service=service, student=StudentFactory(school_year=year), status=Status.ACCEPTED
        )
    page = service_client.get(URL).content.decode()
    assert "3 van 10 plaatsen ingevuld" in page
    assert "0 van 2 plaatsen ingevuld" in page
    assert "Laatst gewijzigd door" in page
    listing = service_client.get(reverse("service_students", args=["secondary"]))
    assert 'data-testid="places"' in listing.content.decode()
    assert "3 van 10 plaatsen ingevuld" in listing.content.decode()
    dashboard = service_client.get(reverse("wagtailadmin_home")).content.decode()
    assert URL in dashboard  # each card's line leads to the screen
    assert "3 van 10 plaatsen ingevuld" in dashboard
    assert "0 van 2 plaatsen ingevuld" in dashboard


def test_one_place_is_singular(service_client, service, open_round):
    service_client.post(URL, form_data(adult={"places": "1"}))
    assert "0 van 1 plaats ingevuld" in service_client.get(URL).content.decode()


def test_refusals_keep_what_was_typed_and_write_nothing(service_client, service, open_round):
    reversed_period = {"places": "4", "period_start": "2025-12-01", "period_end": "2025-11-01"}
    response = service_client.post(URL, form_data(secondary=reversed_period, adult={"places": "3"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Het einde van de periode ligt voor de start." in page
    assert 'value="2025-11-01"' in page
    # Nothing of the form was written, the valid adult figure neither.
    assert not Capacity.objects.exists()
    response = service_client.post(URL, form_data(adult={"places": "-1"}))
    assert response.status_code == 200
    assert 'value="-1"' in response.content.decode()
    assert not Capacity.objects.exists()


def test_a_service_only_ever_writes_its_own_capacity(client, service, other_service, open_round):
    year = open_round.school_year
    theirs = Capacity.objects.create(
        service=other_service, school_year=year, track=Track.SECONDARY, places=5
    )
    client.force_login(make_service_user(service))
    # A guessed field for another service is ignored: there is no service in the form.
    data = form_data(secondary={"places": "1"})
    data["service"] = other_service.pk
    client.post(URL, data)
    theirs.refresh_from_db()
    assert theirs.places == 5
    assert Capacity.objects.get(service=service).places == 1
    # Another service's row through the operator's screen: AdminRoleMiddleware sends the
    # service login back to its dashboard (Wagtail's answer for a section not its own).
    for url in (
        reverse("capacities:edit", args=[theirs.pk]),
        reverse("capacities:inspect", args=[theirs.pk]),
        reverse("capacities:index"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(reverse("capacities:edit", args=[theirs.pk]), {"places": "0"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.places == 5


def test_capacity_screen_refuses_logins_without_a_service(client, open_round):
    client.force_login(make_operator())
    # The view's 403 (no service) becomes Wagtail's redirect to the dashboard.
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_operator_corrects_a_capacity_and_the_service_sees_it(
    client, service, service_user, open_round
):
    year = open_round.school_year
    stated = capacity.capacity_set(
        service=service, school_year=year, track=Track.SECONDARY, places=10, user=service_user
    )
    DecisionFactory(service=service, student=StudentFactory(school_year=year), status="accepted")
    operator = make_operator()
    client.force_login(operator)
    listing = client.get(reverse("capacities:index")).content.decode()
    assert "1 van 10 plaatsen ingevuld" in listing
    response = client.post(
        reverse("capacities:edit", args=[stated.pk]),
        {"places": "6", "period_start": "", "period_end": ""},
    )
    assert response.status_code == 302
    stated.refresh_from_db()
    assert (stated.places, stated.updated_by, stated.updated_by_operator) == (6, operator, True)
    client.force_login(service_user)
    page = client.get(URL).content.decode()
    assert "Gecorrigeerd door de beheerder" in page
    assert "1 van 6 plaatsen ingevuld" in page


def test_coordinator_cannot_reach_the_operators_capacity_screen(client, service, open_round):
    from tests.factories import province

    row = Capacity.objects.create(
        service=service, school_year=open_round.school_year, track=Track.SECONDARY, places=1
    )
    client.force_login(make_coordinator(province("ANT")))
    response = client.get(reverse("capacities:edit", args=[row.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


@pytest.fixture
def full(service, service_user, open_round):
    """One place, filled."""
    year = open_round.school_year
    capacity.capacity_set(
        service=service, school_year=year, track=Track.SECONDARY, places=1, user=service_user
    )
    DecisionFactory(service=service, student=StudentFactory(school_year=year), status="accepted")
    return year


def test_accepting_beyond_capacity_asks_first_then_accepts_flagged(
    service_client, service, mentor, full
):
    student = StudentFactory(school_year=full)
    url = reverse("service_student_status", args=[student.pk])
    data = {"status": "accepted", "mentor": mentor.pk, "next": "/admin/", **PERIOD}
    asked = service_client.post(url, data, **JSON)
    assert asked.status_code == 409
    answer = asked.json()
    assert answer["outcome"] == "confirm"
    assert 'data-testid="confirm-capacity"' in answer["html"]
    assert "Ja, toch aanvaarden" in answer["html"]
    # The values entered are kept in the confirmation.
    assert 'value="2025-10-06"' in answer["html"]
    assert not Decision.objects.filter(student=student).exists()
    done = service_client.post(url, {**data, "confirm": "1"}, **JSON)
    assert done.status_code == 200 and done.json()["outcome"] == "saved"
    decision = Decision.objects.get(student=student)
    assert decision.status == Status.ACCEPTED and decision.beyond_capacity


def test_within_capacity_no_confirmation(service_client, service, mentor, open_round):
    capacity.capacity_set(
        service=service,
        school_year=open_round.school_year,
        track=Track.SECONDARY,
        places=2,
        user=None,
    )
    student = StudentFactory(school_year=open_round.school_year)
    url = reverse("service_student_status", args=[student.pk])
    data = {"status": "accepted", "mentor": mentor.pk, "next": "/admin/", **PERIOD}
    response = service_client.post(url, data, **JSON)
    assert response.status_code == 200 and response.json()["outcome"] == "saved"
    assert not Decision.objects.get(student=student).beyond_capacity


def test_plain_form_beyond_capacity_asks_on_the_row(service_client, service, mentor, full):
    student = StudentFactory(school_year=full)
    url = reverse("service_student_status", args=[student.pk])
    back = reverse("service_students", args=["secondary"])
    data = {"status": "accepted", "mentor": mentor.pk, "next": back, **PERIOD}
    response = service_client.post(url, data)
    assert response.status_code == 302
    assert not Decision.objects.filter(student=student).exists()
    page = service_client.get(back).content.decode()
    assert 'data-testid="confirm-capacity"' in page


def test_a_capacity_without_author_still_shows(service_client, service, open_round):
    Capacity.objects.create(
        service=service, school_year=open_round.school_year, track=Track.SECONDARY, places=3
    )
    page = service_client.get(URL).content.decode()
    assert "Laatst gewijzigd door — op" in page
