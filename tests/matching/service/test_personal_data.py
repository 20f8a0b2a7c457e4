"""Rule 5: personal data only while this service's status is invited or accepted, and
every display (screen or export) writes an access-log row."""

import pytest

from core.exports import read_csv_bytes
from matching.models import PersonalDataAccess, Status, Track
from matching.validators import format_nrn, format_phone
from tests.factories import DecisionFactory, StudentFactory

NRN_COLUMN = "Rijksregisternummer"


@pytest.fixture
def student(open_round, service):
    return StudentFactory(
        school_year=open_round.school_year,
        email="leerling.geheim@example.be",
        phone="0470 99 88 77",
        supervisor_email="begeleider.geheim@school.be",
        supervisor_phone="03 555 44 33",
    )


def secrets_of(student):
    return [
        student.national_register_number,
        student.email,
        student.phone,
        student.supervisor_email,
        student.supervisor_phone,
    ]


def written_forms_of(student):
    """The forms the exports write them in."""
    return [
        format_nrn(student.national_register_number),
        format_phone(student.phone),
        format_phone(student.supervisor_phone),
    ]


def assert_no_secrets(content: str, student):
    for secret in secrets_of(student) + written_forms_of(student):
        assert secret not in content


def test_list_never_shows_personal_data(service_client, student, service):
    DecisionFactory(service=service, student=student, status=Status.ACCEPTED)
    for tab in ("open", "accepted"):
        response = service_client.get(f"/admin/service/students/secondary/?tab={tab}")
        assert response.status_code == 200
        assert_no_secrets(response.content.decode(), student)
    assert not PersonalDataAccess.objects.exists()


def test_detail_hides_personal_data_while_undecided_and_logs_nothing(service_client, student):
    response = service_client.get(f"/admin/service/student/{student.pk}/")
    assert response.status_code == 200
    assert student.last_name in response.content.decode()
    assert_no_secrets(response.content.decode(), student)
    assert not PersonalDataAccess.objects.exists()


def test_detail_hides_personal_data_when_not_accepted(service_client, student, service):
    DecisionFactory(service=service, student=student, status=Status.NOT_ACCEPTED)
    response = service_client.get(f"/admin/service/student/{student.pk}/")
    assert_no_secrets(response.content.decode(), student)
    assert not PersonalDataAccess.objects.exists()


def test_detail_shows_personal_data_once_accepted_and_logs_each_display(
    service_client, student, service, service_user
):
    DecisionFactory(service=service, student=student, status=Status.ACCEPTED)
    for _ in range(2):
        response = service_client.get(f"/admin/service/student/{student.pk}/")
        content = response.content.decode()
        for secret in secrets_of(student):
            assert secret in content
    rows = PersonalDataAccess.objects.filter(student=student)
    assert rows.count() == 2
    assert {(r.user_id, r.service_id, r.context) for r in rows} == {
        (service_user.pk, service.pk, PersonalDataAccess.Context.DETAIL)
    }
    assert "no-store" in response["Cache-Control"]


def test_dual_detail_shows_personal_data_once_invited(
    service_client, dual_round, service, service_user
):
    student = StudentFactory(school_year=dual_round.school_year, track=Track.DUAL)
    response = service_client.get(f"/admin/service/student/{student.pk}/")
    assert student.national_register_number not in response.content.decode()
    DecisionFactory(service=service, student=student, status=Status.INVITED)
    response = service_client.get(f"/admin/service/student/{student.pk}/")
    assert student.national_register_number in response.content.decode()
    assert PersonalDataAccess.objects.filter(student=student, user=service_user).count() == 1


def test_personal_data_never_in_urls(service_client, student, service):
    DecisionFactory(service=service, student=student, status=Status.ACCEPTED)
    content = service_client.get("/admin/service/students/secondary/?tab=accepted").content
    import re

    for href in re.findall(rb'(?:href|action)="([^"]+)"', content):
        for secret in secrets_of(student):
            assert secret.encode() not in href


def test_export_fills_personal_columns_only_for_invited_or_accepted_rows_and_logs_them(
    service_client, open_round, service, other_service, service_user
):
    year = open_round.school_year
    undecided = StudentFactory(school_year=year, last_name="Onbeslist")
    refused = StudentFactory(school_year=year, last_name="Geweigerd")
    DecisionFactory(service=service, student=refused, status=Status.NOT_ACCEPTED)
    ours = StudentFactory(school_year=year, last_name="Aanvaard")
    DecisionFactory(service=service, student=ours, status=Status.ACCEPTED)

    open_tab = service_client.get("/admin/service/students/secondary/export/?tab=open")
    table = read_csv_bytes(b"".join(open_tab.streaming_content))
    header, rows = table[0], table[1:]
    column = header.index(NRN_COLUMN)
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"Onbeslist", "Geweigerd"}
    assert all(by_name[name][column] == "" for name in by_name)
    content = b"".join(
        service_client.get("/admin/service/students/secondary/export/?tab=open").streaming_content
    ).decode("utf-8-sig")
    for student in (undecided, refused):
        assert_no_secrets(content, student)
    assert not PersonalDataAccess.objects.exists()

    accepted_tab = service_client.get(
        "/admin/service/students/secondary/export/?tab=accepted&format=csv"
    )
    table = read_csv_bytes(b"".join(accepted_tab.streaming_content))
    header, rows = table[0], table[1:]
    assert [row[0] for row in rows] == ["Aanvaard"]
    # In its written form (09.12.01-437.29), which spreadsheets keep as text.
    assert rows[0][header.index(NRN_COLUMN)] == format_nrn(ours.national_register_number)
    assert rows[0][header.index("E-mailadres stagebegeleider")] == ours.supervisor_email
    log = PersonalDataAccess.objects.get()
    assert (log.student_id, log.user_id, log.service_id, log.context) == (
        ours.pk,
        service_user.pk,
        service.pk,
        PersonalDataAccess.Context.EXPORT,
    )
