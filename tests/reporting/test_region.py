import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import Student, Track
from tests import factories

from .helpers import NOW, assert_refused, coordinator, operator, plain_admin_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(year, rounds, frozen):
    ant, wvl = factories.province("ANT"), factories.province("WVL")
    west_school = factories.SchoolFactory(province=wvl, postcode="8000", name="School West")
    for i in range(3):
        factories.StudentFactory(school_year=year, last_name=f"Antwerpenaar{i}")
    for i in range(2):
        factories.StudentFactory(
            school_year=year,
            school=west_school,
            province=wvl,
            postcode="8000",
            last_name=f"Westvlaming{i}",
        )
    return ant, wvl


def test_coordinator_figures_show_only_their_province(client, regions):
    ant, wvl = regions
    client.force_login(coordinator(ant))
    response = client.get(reverse("reporting:figures"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-province="{ant.pk}"' in html
    assert f'data-province="{wvl.pk}"' not in html
    assert "West-Vlaanderen" not in html
    figures = response.context["dashboard"].figures
    assert {row.province_id for row in figures} == {ant.pk}
    assert sum(row.registered for row in figures) == Student.objects.filter(province=ant).count()


def test_coordinator_guessing_another_province_gets_404(client, regions):
    ant, wvl = regions
    client.force_login(coordinator(ant))
    assert client.get(reverse("reporting:figures_province", args=[wvl.pk])).status_code == 404
    assert client.get(reverse("reporting:figures_province", args=[999999])).status_code == 404
    assert client.get(reverse("reporting:unplaced"), {"province": wvl.pk}).status_code == 404
    assert client.get(reverse("reporting:unplaced"), {"province": "x"}).status_code == 404
    assert client.get(reverse("reporting:figures_province", args=[ant.pk])).status_code == 200


def test_coordinator_unplaced_list_has_their_students_and_no_personal_data(client, regions):
    ant, _wvl = regions
    client.force_login(coordinator(ant))
    response = client.get(reverse("reporting:unplaced"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Antwerpenaar0" in html
    assert "Westvlaming" not in html
    for student in Student.objects.filter(province=ant):
        assert student.national_register_number not in html
        assert student.email not in html
        assert student.supervisor_email not in html
        assert student.phone not in html


def test_users_without_a_reporting_role_are_refused(client, regions):
    client.force_login(plain_admin_user())
    for name in ("reporting:figures", "reporting:unplaced", "reporting:index"):
        assert_refused(client.get(reverse(name)))


def test_coordinator_cannot_reach_the_operator_pages(client, regions, year):
    ant, _wvl = regions
    client.force_login(coordinator(ant))
    assert_refused(client.get(reverse("reporting:index")))
    assert_refused(client.get(reverse("reporting:anonymise", args=[year.pk])))


def test_coordinator_menu_has_region_items_and_operator_menu_has_reporting(client, regions):
    ant, _wvl = regions
    client.force_login(coordinator(ant))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "region-figures" in html and "region-unplaced" in html
    index_url = f'"{reverse("reporting:index")}"'
    assert index_url not in html
    client.force_login(operator())
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert index_url in html
    assert "region-figures" not in html


def test_operator_sees_every_province_in_the_list(client, regions):
    client.force_login(operator())
    html = client.get(reverse("reporting:unplaced")).content.decode()
    assert "Antwerpenaar0" in html and "Westvlaming0" in html


def _bulk_students(year, province, count, start=0):
    school = factories.SchoolFactory()
    Student.objects.bulk_create(
        [
            Student(
                school_year=year,
                school=school,
                track=Track.SECONDARY,
                first_name="Naam",
                last_name=f"Leerling{i:03d}",
                postcode="2000",
                province=province,
                registered_at=NOW - dt.timedelta(days=3),
            )
            for i in range(start, start + count)
        ]
    )


def test_unplaced_list_is_paginated_with_queries_independent_of_rows(client, year, rounds, frozen):
    ant = factories.province("ANT")
    client.force_login(coordinator(ant))
    url = reverse("reporting:unplaced")
    client.get(url)  # warm the session
    _bulk_students(year, ant, 5)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _bulk_students(year, ant, 115, start=5)
    with CaptureQueriesContext(connection) as many:
        first = client.get(url)
    third = client.get(url, {"p": 3})
    assert len(many) == len(few)
    assert len(first.context["page_obj"].object_list) == 50
    assert len(third.context["page_obj"].object_list) == 20
    assert first.context["page_obj"].paginator.count == 120


def test_coordinator_home_panel_counts_only_their_province(client, regions):
    from matching.models import Decision, Status

    ant, wvl = regions
    # One placement in each province: the coordinator's line and totals show only theirs.
    for province in (ant, wvl):
        student = Student.objects.filter(province=province).first()
        factories.DecisionFactory(student=student, status=Status.ACCEPTED)
    client.force_login(coordinator(ant))
    response = client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-province="{ant.pk}"' in html and f'data-province="{wvl.pk}"' not in html
    registered = Student.objects.filter(province=ant).count()
    assert f'<td data-figure="registered">{registered}</td>' in html
    undecided = (
        Student.objects.filter(province=ant).exclude(decisions__in=Decision.objects.all()).count()
    )
    assert re.search(rf'data-figure="without-decision">\s*<strong>{undecided}</strong>', html)
    assert 'data-chart="placements"' in html
    assert "Over 1 week samen 1 geplaatste leerlingen." in html
