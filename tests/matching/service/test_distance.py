"""The list's "Afstand" column, its sort and the "binnen X km" filter, through the real view.
The service is in 2000 Antwerpen; Deurne (2100) is ~4 km, Gent ~52 km, Brugge ~81 km."""

import pytest

from matching.models import Status
from tests.factories import DecisionFactory, ServiceFactory, StudentFactory, province
from tests.logins import make_service_user
from tests.matching.service import test_filters
from tests.matching.service.test_filters import LIST, names

three = test_filters.three  # the fixture: Gent, Deurne (Antwerpen) and Brugge


def rows(client, query=""):
    response = client.get(LIST + query)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("order", "expected"),
    [("distance", ["Boon", "Claes", "Aerts"]), ("-distance", ["Aerts", "Claes", "Boon"])],
)
def test_sort_by_distance_from_the_services_postcode(service_client, three, order, expected):
    assert names(service_client, f"?order={order}") == expected


def test_within_filter_keeps_students_within_that_many_km(service_client, three):
    assert names(service_client, "?within=10") == ["Boon"]
    assert sorted(names(service_client, "?within=60")) == ["Boon", "Claes"]
    assert sorted(names(service_client, "?within=60,5&order=distance")) == ["Boon", "Claes"]
    assert len(names(service_client, "?within=300")) == 3


def test_distance_column_shows_rounded_km(service_client, three):
    response = rows(service_client, "?order=distance")
    labels = [row.distance_label for row in response.context["rows"]]
    assert labels == ["4 km", "52 km", "81 km"]
    html = response.content.decode()
    assert 'data-label="Afstand"' in html and ">4 km</td>" in html
    assert 'data-testid="approx-note"' not in html


def test_approximate_postcode_is_labelled_in_the_list(service_client, open_round):
    StudentFactory(
        school_year=open_round.school_year,
        last_name="Dubois",
        postcode="4999",  # not in the GeoNames table: the nearest postcode of Liège province
        municipality="Ergens",
        province=province("LIE"),
    )
    response = rows(service_client)
    (row,) = response.context["rows"]
    assert row.distance.approximate and row.distance_label.startswith("± ")
    html = response.content.decode()
    assert "afstand bij benadering" in html and 'data-testid="approx-note"' in html


@pytest.mark.parametrize("value", ["abc", "0", "-3", "301", "1e9", "nan"])
def test_bad_within_value_is_refused_in_dutch_and_nothing_is_shown_filtered(
    service_client,
    three,
    value,
):
    response = rows(service_client, f"?within={value}")
    assert response.context["filter_error"] is True
    assert response.context["rows"] == []
    html = response.content.decode()
    assert "Geef een afstand in kilometer" in html and 'data-testid="within-error"' in html
    # The tab counts are those of the unfiltered lists.
    assert response.context["tabs"][0]["count"] == 3


def test_other_tab_count_uses_the_same_distance_filter(service_client, service, three):
    DecisionFactory(service=service, student=three["brugge"], status=Status.ACCEPTED, mentor=None)
    response = rows(service_client, "?within=10")
    counts = {t["key"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"open": 1, "accepted": 0}
    response = rows(service_client, "?within=100")
    counts = {t["key"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"open": 2, "accepted": 1}


def test_service_without_a_point_finds_nobody_within_and_sorts_by_name(client, three):
    nowhere = ServiceFactory(latitude=None, longitude=None, location_precision="")
    client.force_login(make_service_user(nowhere))
    assert names(client, "?within=50") == []
    assert names(client, "?order=distance") == ["Aerts", "Boon", "Claes"]
    response = client.get(LIST)
    assert all(row.distance_label == "" for row in response.context["rows"])
