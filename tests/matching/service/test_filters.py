"""The list's filters and sort orders, through the real view (what a click sends)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import SchoolFactory, StudentFactory, province

LIST = "/admin/service/students/secondary/"


# last name, postcode, municipality, province, registered (days ago), at another school
THREE = {
    "gent": ("Claes", "9000", "Gent", "OVL", 3, False),
    "antwerpen": ("Boon", "2100", "Deurne", "ANT", 1, True),
    "brugge": ("Aerts", "8000", "Brugge", "WVL", 2, False),
}


@pytest.fixture
def three(open_round):
    now = timezone.now()
    other_school = SchoolFactory(name="Andere school")
    students = {}
    for key, (last_name, postcode, municipality, code, days, elsewhere) in THREE.items():
        extra = {"school": other_school} if elsewhere else {}
        students[key] = StudentFactory(
            school_year=open_round.school_year,
            last_name=last_name,
            postcode=postcode,
            municipality=municipality,
            province=province(code),
            registered_at=now - dt.timedelta(days=days),
            **extra,
        )
    return students


def names(client, query=""):
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [row.student.last_name for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        # Default: province (alphabetical by name), then postcode, then name.
        ("", ["Boon", "Claes", "Aerts"]),
        ("name", ["Aerts", "Boon", "Claes"]),
        ("-name", ["Claes", "Boon", "Aerts"]),
        ("postcode", ["Boon", "Aerts", "Claes"]),
        ("-postcode", ["Claes", "Aerts", "Boon"]),
        ("registered", ["Claes", "Aerts", "Boon"]),
        ("-registered", ["Boon", "Aerts", "Claes"]),
    ],
)
def test_sort_orders(service_client, three, order, expected):
    assert names(service_client, f"?order={order}" if order else "") == expected


def test_school_filter(service_client, three):
    school = three["antwerpen"].school
    assert names(service_client, f"?school={school.pk}") == ["Boon"]


def test_postcode_region_and_province_filters(service_client, three):
    assert names(service_client, "?postcode=80") == ["Aerts"]
    assert names(service_client, "?postcode=9000") == ["Claes"]
    assert sorted(names(service_client, "?province=WVL&province=OVL")) == ["Aerts", "Claes"]


def test_an_invalid_filter_value_falls_back_to_no_filter(service_client, three):
    assert len(names(service_client, "?province=XXX&school=abc&order=sideways")) == 3
