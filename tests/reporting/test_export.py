import collections
import datetime as dt
import math
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exports import read_csv_bytes
from matching import selectors as matching_selectors
from matching.models import PersonalDataAccess, Service, Status, StatusChange, Student, Track
from matching.validators import format_nrn
from reporting.exports import operator_export_response
from reporting.models import OperatorExport
from tests import factories

from .helpers import NOW, operator, set_status

pytestmark = pytest.mark.django_db


def export_table(response) -> list[dict]:
    rows = read_csv_bytes(b"".join(response.streaming_content))
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in body]


def count_column(status) -> str:
    return f"Aantal keer: {status.label}"


@pytest.fixture
def case(year, rounds, frozen):
    """A constructed history: a secondary student accepted, taken back and accepted elsewhere;
    a dual student invited by two services; one without preferred service."""
    s1 = factories.ServiceFactory(name="Dienst Een")
    s2 = factories.ServiceFactory(name="Dienst Twee")
    s3 = factories.ServiceFactory(name="Dienst Drie")
    west = factories.ServiceFactory(name="Dienst West", province=factories.province("WVL"))
    before_round_1 = NOW - dt.timedelta(days=70)
    secondary = factories.StudentFactory(
        school_year=year, registered_at=before_round_1, preferred_services=[s1, s2]
    )
    no_preference = factories.StudentFactory(school_year=year, registered_at=before_round_1)
    preferred_elsewhere = factories.StudentFactory(
        school_year=year, registered_at=before_round_1, preferred_services=[west]
    )
    dual = factories.StudentFactory(school_year=year, track=Track.DUAL)

    set_status(s2, secondary, Status.NOT_ACCEPTED)
    set_status(s1, secondary, Status.ACCEPTED)
    set_status(s1, secondary, Status.UNDECIDED)  # taken back
    mentor = factories.ContactPersonFactory(service=s2, name="Mentor Twee")
    set_status(
        s2,
        secondary,
        Status.ACCEPTED,
        mentor=mentor,
        period_start=dt.date(2025, 11, 3),
        period_end=dt.date(2025, 12, 19),
    )
    set_status(s2, dual, Status.INVITED)
    set_status(s2, dual, Status.NOT_ACCEPTED)
    set_status(s3, dual, Status.NOT_INVITED)
    set_status(s1, dual, Status.INVITED)
    set_status(s1, dual, Status.ACCEPTED)
    return {
        "secondary": secondary,
        "no_preference": no_preference,
        "preferred_elsewhere": preferred_elsewhere,
        "dual": dual,
        "services": (s1, s2, s3, west),
    }


def test_status_counts_in_export_equal_the_history(case, year):
    table = {
        int(row["Leerling-ID"]): row
        for row in export_table(operator_export_response(school_year=year, user=operator()))
    }
    for student in (case["secondary"], case["dual"], case["no_preference"]):
        history = collections.Counter(
            StatusChange.objects.filter(student=student).values_list("to_status", flat=True)
        )
        for status in Status:
            assert int(table[student.pk][count_column(status)]) == history[status.value]
    secondary = table[case["secondary"].pk]
    assert secondary[count_column(Status.ACCEPTED)] == "2"
    assert secondary[count_column(Status.UNDECIDED)] == "1"
    assert secondary[count_column(Status.NOT_ACCEPTED)] == "1"
    dual = table[case["dual"].pk]
    assert dual[count_column(Status.INVITED)] == "2"
    assert dual[count_column(Status.NOT_INVITED)] == "1"


def test_export_shows_placement_preferences_and_round_of_visibility(case, year, rounds):
    table = {
        int(row["Leerling-ID"]): row
        for row in export_table(operator_export_response(school_year=year, user=operator()))
    }
    secondary = table[case["secondary"].pk]
    assert secondary["Aanvaard door"] == "Dienst Twee"
    assert secondary["Stagementor"] == "Mentor Twee"
    assert (secondary["Start stage"], secondary["Einde stage"]) == ("03/11/2025", "19/12/2025")
    assert secondary["Voorkeursdiensten"] == "Dienst Een, Dienst Twee"
    assert secondary["Provincie"] == "Antwerpen"
    # Registered before round 1, a preferred service in its own province: round 1 shows it.
    assert secondary["Ronde van zichtbaarheid"] == str(rounds["r1"])
    # Its only preferred service is in another province: round 2 ('preferred') first shows it.
    assert table[case["preferred_elsewhere"].pk]["Ronde van zichtbaarheid"] == str(rounds["r2"])
    # No preferred service at all: only the 'all' round shows it.
    assert table[case["no_preference"].pk]["Ronde van zichtbaarheid"] == str(rounds["r3"])
    assert table[case["dual"].pk]["Ronde van zichtbaarheid"] == str(rounds["dual"])
    assert table[case["no_preference"].pk]["Aanvaard door"] == ""


def test_round_of_visibility_starts_at_visible_from_when_later_than_round_one(year, rounds):
    student_visible_from = rounds["r2"].starts_at + dt.timedelta(days=1)
    found = matching_selectors.visibility_round(
        rounds=matching_selectors.rounds_by_track(year)[Track.SECONDARY],
        visible_from=student_visible_from,
        preferred_province_ids=[factories.province("ANT").pk],
        province_id=factories.province("ANT").pk,
    )
    assert found == rounds["r2"]


def test_export_leaves_out_personal_data_unless_asked_and_then_logs_each_student(case, year):
    user = operator()
    plain = export_table(operator_export_response(school_year=year, user=user))
    assert "Rijksregisternummer" not in plain[0]
    flat = b"".join(operator_export_response(school_year=year, user=user).streaming_content).decode(
        "utf-8-sig"
    )
    assert case["secondary"].national_register_number not in flat
    assert format_nrn(case["secondary"].national_register_number) not in flat
    assert case["secondary"].email not in flat
    assert not PersonalDataAccess.objects.exists()

    full = export_table(
        operator_export_response(school_year=year, user=user, with_personal_data=True)
    )
    by_id = {int(row["Leerling-ID"]): row for row in full}
    # In its written form (09.12.01-437.29), which spreadsheets keep as text.
    assert by_id[case["secondary"].pk]["Rijksregisternummer"] == (
        format_nrn(case["secondary"].national_register_number)
    )
    logged = PersonalDataAccess.objects.filter(user=user, context="operator")
    assert sorted(logged.values_list("student_id", flat=True)) == sorted(by_id)


def test_export_is_recorded_as_complete_only_after_the_last_row(case, year):
    user = operator()
    response = operator_export_response(school_year=year, user=user, fmt="csv")
    export = OperatorExport.objects.get()
    assert export.completed_at is None
    b"".join(response.streaming_content)
    export.refresh_from_db()
    assert export.completed_at is not None
    assert export.row_count == 4


def test_xlsx_export_holds_the_same_rows(case, year):
    from io import BytesIO

    from openpyxl import load_workbook

    response = operator_export_response(school_year=year, user=operator(), fmt="xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Leerling-ID"
    assert len(rows) == 1 + 4
    assert OperatorExport.objects.get().completed_at is not None


def test_export_view_is_for_the_operator_only(client, case, year):
    from .helpers import assert_refused, coordinator, plain_admin_user

    for user in (plain_admin_user(), coordinator(factories.province("ANT"))):
        client.force_login(user)
        assert_refused(client.post(reverse("reporting:export"), {"school_year": year.pk}))
    assert not OperatorExport.objects.exists()
    client.force_login(operator())
    response = client.post(reverse("reporting:export"), {"school_year": year.pk, "format": "csv"})
    assert response.status_code == 200
    assert len(export_table(response)) == 4


def _bulk_year(year, count: int):
    """`count` students with preferences, history and some placements, inserted in bulk."""
    school = factories.SchoolFactory()
    services = [factories.ServiceFactory() for _ in range(5)]
    province = factories.province("ANT")
    start = Student.objects.count()
    Student.objects.bulk_create(
        [
            Student(
                school_year=year,
                school=school,
                track=Track.SECONDARY,
                first_name=f"Voornaam{start + i}",
                last_name=f"Achternaam{start + i}",
                postcode="2000",
                municipality="Antwerpen",
                province=province,
                registered_at=NOW - dt.timedelta(days=70),
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    ids = list(
        Student.objects.filter(school_year=year)
        .order_by("-pk")
        .values_list("pk", flat=True)[:count]
    )
    through = Student.preferred_services.through
    through.objects.bulk_create(
        [through(student_id=pk, service_id=services[pk % 5].pk) for pk in ids], batch_size=1000
    )
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                student_id=pk,
                service_id=services[pk % 5].pk,
                from_status=Status.UNDECIDED,
                to_status=Status.NOT_ACCEPTED,
                changed_at=NOW,
            )
            for pk in ids
        ],
        batch_size=1000,
    )
    return ids


def _measure(year, chunk_size):
    user = operator()
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        rows = 0
        response = operator_export_response(school_year=year, user=user, chunk_size=chunk_size)
        for piece in response.streaming_content:
            rows += piece.count(b"\r\n")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows - 1, peak, len(queries)


def test_export_memory_and_queries_stay_flat_as_students_grow(year, rounds, frozen):
    chunk = 500
    _bulk_year(year, 1000)
    rows_small, peak_small, queries_small = _measure(year, chunk)
    _bulk_year(year, 2000)
    rows_big, peak_big, queries_big = _measure(year, chunk)

    assert (rows_small, rows_big) == (1000, 3000)
    assert peak_big < 30 * 1024 * 1024
    # Three times the students, about the same peak: nothing grows with the rows.
    assert peak_big < peak_small * 1.5 + 512 * 1024
    # A fixed number of queries per chunk, none per row.
    per_chunk = (queries_big - queries_small) / (math.ceil(3000 / chunk) - math.ceil(1000 / chunk))
    assert per_chunk <= 3
    assert queries_big <= 3 * math.ceil(3000 / chunk) + 8
    assert Service.objects.count() == 10


def test_the_operator_export_writes_a_field_under_the_declarations_label(case, year, monkeypatch):
    """Renaming a field in the one declaration (its model label) renames the column."""
    monkeypatch.setattr(Student._meta.get_field("education"), "verbose_name", "richting (test)")
    table = export_table(operator_export_response(school_year=year, user=operator()))
    secondary = next(row for row in table if int(row["Leerling-ID"]) == case["secondary"].pk)
    assert "Opleiding" not in secondary
    assert secondary["Richting (test)"] == case["secondary"].education
