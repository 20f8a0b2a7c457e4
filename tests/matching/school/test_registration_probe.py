"""Issue 14.3: a school cannot tell whether another school registered a number.

Registering (form or import) a number another school registered this year goes exactly
like registering a fresh number: same answer, same statements. The operator sees the pair
(Dutch screen, both schools' contacts), settles it, and the display is logged. Within the
school's own students the duplicate message stays, enforced by the database.
"""

import datetime as dt
import re
import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import membership_grant
from matching.models import PersonalDataAccess, School, Student
from matching.school import services as school_services
from schoolimports import services as import_services
from schoolimports.models import ImportJob
from tests import factories
from tests.logins import make_operator
from tests.matching.school.conftest import csv_bytes, good_row
from tests.matching.school.test_students import form_data

TAKEN = factories.make_nrn(41, dt.date(2007, 4, 2))
FRESH = factories.make_nrn(42, dt.date(2007, 4, 3))


def dotted(nrn):
    return f"{nrn[:2]}.{nrn[2:4]}.{nrn[4:6]}-{nrn[6:9]}.{nrn[9:]}"


def normalised(sql: str) -> str:
    # Literal values and ids differ between two registrations; the statements must not.
    return re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", sql)


@pytest.fixture
def taken_elsewhere(year, other_school):
    other_school.email, other_school.phone = "secretariaat@andere.be", "03 222 33 44"
    other_school.save()
    registrar = factories.UserFactory(email="inschrijver@andere.be")
    return factories.StudentFactory(
        school=other_school,
        school_year=year,
        national_register_number=TAKEN,
        registered_by=registrar,
    )


def register(client, nrn, **overrides):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/admin/school/students/nieuw/",
            form_data(national_register_number=dotted(nrn), **overrides),
        )
    return response, [normalised(q["sql"]) for q in queries.captured_queries]


def test_form_gives_no_hint_of_another_schools_registration(
    school_client, school, year, taken_elsewhere
):
    # A first request warms per-process caches (content types, the session's activity
    # stamp); the two compared requests come after it.
    register(school_client, factories.make_nrn(43, dt.date(2007, 4, 4)), first_name="Eerst")
    fresh, fresh_sql = register(school_client, FRESH, first_name="Fien")
    taken, taken_sql = register(school_client, TAKEN, first_name="Tine")
    assert fresh.status_code == taken.status_code == 302
    assert fresh["Location"] == taken["Location"]
    assert fresh_sql == taken_sql  # the same database work: nothing looks beyond the school
    messages = [str(m) for m in taken.wsgi_request._messages]
    assert messages[-1] == "Tine Janssens werd ingeschreven."
    assert not any("al ingeschreven" in m for m in messages)
    assert Student.objects.filter(school=school).count() == 3
    assert Student.objects.filter(national_register_number=TAKEN).count() == 2


def test_form_still_refuses_the_schools_own_duplicate(school_client, school, year, taken_elsewhere):
    register(school_client, TAKEN)
    again, _sql = register(school_client, TAKEN, first_name="Opnieuw")
    assert again.status_code == 200
    assert "al ingeschreven door uw school" in str(again.context["form"].errors)
    assert Student.objects.filter(school=school, national_register_number=TAKEN).count() == 1


def test_import_gives_no_hint_of_another_schools_registration(
    school, school_user, year, taken_elsewhere
):
    rows = [good_row(1, Rijksregisternummer=TAKEN), good_row(2)]
    job = import_services.import_start(
        school=school, user=school_user, filename="l.csv", content=csv_bytes(rows)
    )
    assert job.status == ImportJob.Status.DONE and job.errors == []
    assert job.imported == 2
    # Own duplicates in a later file are still reported.
    again = import_services.import_start(
        school=school,
        user=school_user,
        filename="l2.csv",
        content=csv_bytes([good_row(1, Rijksregisternummer=TAKEN)]),
    )
    assert [e["message"] for e in again.errors] == [
        "Deze leerling werd dit schooljaar al ingeschreven door uw school."
    ]


def test_the_database_refuses_a_second_row_of_the_same_school(school, year, taken_elsewhere):
    factories.StudentFactory(school=school, school_year=year, national_register_number=FRESH)
    with pytest.raises(IntegrityError):
        factories.StudentFactory(school=school, school_year=year, national_register_number=FRESH)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_number_by_one_school_make_one_row(postgres):
    year = factories.SchoolYearFactory(
        starts_on=dt.date.today() - dt.timedelta(days=60),
        ends_on=dt.date.today() + dt.timedelta(days=300),
    )
    school = factories.SchoolFactory(kind=School.Kind.SECONDARY)
    user = factories.UserFactory()
    data = {
        k: v
        for k, v in form_data(national_register_number=FRESH).items()
        if k in school_services.SCALAR_FIELDS
    }
    data.update(requested_start=dt.date(2025, 10, 1), requested_end=dt.date(2025, 10, 31), hours=80)
    barrier, outcomes = threading.Barrier(8), []

    def attempt():
        try:
            barrier.wait()
            school_services.student_register(school=school, user=user, data=data)
            outcomes.append("ok")
        except Exception as exc:  # ValidationError from the constraint, with the own message
            outcomes.append(str(exc))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    assert all("al ingeschreven door uw school" in o for o in outcomes if o != "ok")
    assert Student.objects.filter(school=school, school_year=year).count() == 1


def test_operator_sees_resolves_and_is_logged(school, school_user, year, taken_elsewhere):
    school.email = "info@onze.be"
    school.save()
    ours = factories.StudentFactory(
        school=school, school_year=year, national_register_number=TAKEN, registered_by=school_user
    )
    factories.StudentFactory(school=school, school_year=year)  # no duplicate: not listed
    operator = make_operator()
    client = Client()
    client.force_login(operator)
    url = reverse("operator_duplicates")
    page = client.get(url).content.decode()
    assert page.count('data-testid="duplicate-group"') == 1
    for contact in (
        "secretariaat@andere.be",
        "03 222 33 44",
        "inschrijver@andere.be",
        "info@onze.be",
        school_user.email,
        school.name,
        taken_elsewhere.school.name,
    ):
        assert contact in page, contact
    assert TAKEN not in page and TAKEN[-4:] in page  # masked
    logged = set(
        PersonalDataAccess.objects.filter(
            user=operator, context=PersonalDataAccess.Context.OPERATOR
        ).values_list("student_id", flat=True)
    )
    assert logged == {ours.pk, taken_elsewhere.pk}

    # Settling needs a note, then marks the whole group.
    resolve = reverse("operator_duplicates_resolve", args=[taken_elsewhere.pk])
    client.post(resolve, {"note": ""})
    assert Student.objects.filter(duplicate_resolved_at__isnull=False).count() == 0
    client.post(resolve, {"note": "Andere school typte het nummer verkeerd; verbeterd."})
    assert Student.objects.filter(duplicate_resolved_by=operator).count() == 2
    assert 'data-testid="no-duplicates"' in client.get(url).content.decode()
    assert "verkeerd" in client.get(url + "?alle=1").content.decode()

    # A third school registering the number reopens the case.
    third = factories.SchoolFactory(kind=School.Kind.SECONDARY)
    factories.StudentFactory(school=third, school_year=year, national_register_number=TAKEN)
    assert client.get(url).content.decode().count('data-testid="duplicate-group"') == 1


def test_schools_and_services_cannot_open_the_duplicates_screen(school_user, year):
    client = Client()
    client.force_login(school_user)
    response = client.get(reverse("operator_duplicates"))
    assert response.status_code == 302
    assert b"duplicate-group" not in response.content
    service_user = factories.UserFactory()
    membership_grant(service_user, service=factories.ServiceFactory())
    client.force_login(service_user)
    assert client.get(reverse("operator_duplicates")).status_code == 302
    post = client.post(reverse("operator_duplicates_resolve", args=[1]), {"note": "x"})
    assert post.status_code == 302
