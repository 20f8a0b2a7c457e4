"""Supply and demand: per province and track, unplaced students against the free places
services stated (worked out by hand below), the services with room, a coordinator's view
limited to their provinces, a bounded number of queries, and the chart."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import capacity
from matching.models import Capacity, Decision, Status, Track
from reporting.supply import supply_and_demand
from tests import factories

from .helpers import assert_refused, coordinator, operator, plain_admin_user

pytestmark = pytest.mark.django_db
URL = "/admin/rapportering/vraag-en-aanbod/"


@pytest.fixture
def market(year):
    """Antwerp: 4 unplaced secondary students (+1 placed), services A (3 places, 1 filled)
    and B (1 place, 2 filled: 1 over, confirmed) and C (no capacity stated).
    West Flanders: 2 unplaced secondary students, service W with 5 places."""
    ant, wvl = factories.province("ANT"), factories.province("WVL")
    a = factories.ServiceFactory(name="Dienst A")
    b = factories.ServiceFactory(name="Dienst B")
    factories.ServiceFactory(name="Dienst C")
    w = factories.ServiceFactory(name="Dienst W", province=wvl, postcode="8000")
    for service, places in ((a, 3), (b, 1), (w, 5)):
        Capacity.objects.create(
            service=service, school_year=year, track=Track.SECONDARY, places=places
        )
    for _ in range(4):
        factories.StudentFactory(school_year=year)
    west_school = factories.SchoolFactory(province=wvl, postcode="8000")
    for _ in range(2):
        factories.StudentFactory(school_year=year, school=west_school, province=wvl)
    factories.DecisionFactory(
        service=a, student=factories.StudentFactory(school_year=year), status=Status.ACCEPTED
    )
    factories.DecisionFactory(
        service=b, student=factories.StudentFactory(school_year=year), status=Status.ACCEPTED
    )
    factories.DecisionFactory(
        service=b,
        student=factories.StudentFactory(school_year=year),
        status=Status.ACCEPTED,
        beyond_capacity=True,
    )
    return {"ant": ant, "wvl": wvl, "a": a, "b": b, "w": w}


def row_of(result, province, track=Track.SECONDARY):
    (row,) = [r for r in result.rows if r.province_id == province.pk and r.track == track]
    return row


def test_supply_and_demand_worked_out_by_hand(year, market):
    result = supply_and_demand(school_year=year)
    ant = row_of(result, market["ant"])
    assert (ant.unplaced, ant.capacity, ant.filled, ant.free) == (4, 4, 3, 2)
    assert (ant.over, ant.flagged, ant.without_capacity, ant.shortage) == (1, 1, 1, 2)
    west = row_of(result, market["wvl"])
    assert (west.unplaced, west.capacity, west.free, west.shortage) == (2, 5, 5, 0)
    assert [(r.service, r.places.free) for r in result.room] == [("Dienst A", 2), ("Dienst W", 5)]
    # Live: accepting one more with A takes a place and an unplaced student away.
    student = factories.StudentFactory(school_year=year)
    factories.DecisionFactory(service=market["a"], student=student, status=Status.ACCEPTED)
    again = row_of(supply_and_demand(school_year=year), market["ant"])
    assert (again.unplaced, again.free) == (4, 1)


def test_bounded_queries_whatever_the_number_of_services(year, market):
    with CaptureQueriesContext(connection) as few:
        supply_and_demand(school_year=year)
    for index in range(20):
        service = factories.ServiceFactory()
        Capacity.objects.create(
            service=service, school_year=year, track=Track.SECONDARY, places=index
        )
        factories.DecisionFactory(
            service=service, student=factories.StudentFactory(school_year=year), status="accepted"
        )
    with CaptureQueriesContext(connection) as many:
        supply_and_demand(school_year=year)
    assert len(many) == len(few) <= 12


def test_operator_page_shows_chart_table_and_room(client, year, market):
    client.force_login(operator())
    response = client.get(URL, {"school_year": year.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="supply"' in html and "<script" not in html.split("data-chart")[1][:5000]
    assert f'data-province="{market["ant"].pk}"' in html
    assert f'data-province="{market["wvl"].pk}"' in html
    assert f'data-service="{market["a"].pk}"' in html
    assert "1 bevestigd" in html


def test_coordinator_sees_only_own_provinces(client, year, market):
    client.force_login(coordinator(market["wvl"]))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-province="{market["wvl"].pk}"' in html
    assert f'data-province="{market["ant"].pk}"' not in html
    assert f'data-service="{market["a"].pk}"' not in html
    assert f'data-service="{market["w"].pk}"' in html
    # Another province by guessed id: 404, as if it did not exist.
    assert client.get(URL, {"province": market["ant"].pk}).status_code == 404
    assert client.get(URL, {"province": "x"}).status_code == 404


def test_others_are_refused(client, year, market):
    client.force_login(plain_admin_user())
    assert_refused(client.get(URL))
    service_login = factories.UserFactory()
    from tests.logins import make_service_user

    client.force_login(make_service_user(market["a"], email=service_login.email + ".be"))
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_free_places_follow_the_operators_correction(year, market):
    capacity.capacity_set(
        service=market["w"],
        school_year=year,
        track=Track.SECONDARY,
        places=1,
        user=None,
        by_operator=True,
    )
    assert row_of(supply_and_demand(school_year=year), market["wvl"]).free == 1
    assert Decision.objects.filter(beyond_capacity=True).count() == 1


def test_dashboard_counts_acceptances_confirmed_beyond_capacity(client, year, market):
    client.force_login(operator())
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-figure="beyond-capacity"' in html
    assert "<strong>1</strong> aanvaarding boven de capaciteit" in html
    # Dienst B is in Antwerp: West Flanders' coordinator has none to see.
    client.force_login(coordinator(market["wvl"]))
    assert (
        'data-figure="beyond-capacity"'
        not in client.get(reverse("wagtailadmin_home")).content.decode()
    )
    client.force_login(coordinator(market["ant"]))
    assert (
        'data-figure="beyond-capacity"' in client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_menu_has_supply_and_demand_for_operator_and_coordinator(client, year, market):
    for user in (operator(), coordinator(market["ant"])):
        client.force_login(user)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "region-supply" in html and URL in html
