"""Every validation rule of the bulk import, one bad row each; and the whole-file rules."""

import datetime as dt

import pytest
from django.test import override_settings

from matching import postcodes
from matching.blackout import Releases
from matching.errors import DomainError
from matching.models import School, Student
from schoolimports import parsing as imports
from schoolimports import services as import_services
from schoolimports.models import ImportJob
from tests import factories
from tests.logins import make_school_user
from tests.matching.school.conftest import HEADER, csv_bytes, good_row, xlsx_bytes


def run(school, user, content, filename="leerlingen.csv"):
    return import_services.import_start(
        school=school, user=user, filename=filename, content=content
    )


def errors_of(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


@pytest.mark.parametrize(
    ("overrides", "column", "reason"),
    [
        ({"Voornaam": ""}, "Voornaam", "is verplicht"),
        ({"Achternaam": ""}, "Achternaam", "is verplicht"),
        ({"Rijksregisternummer": ""}, "Rijksregisternummer", "is verplicht"),
        ({"Rijksregisternummer": "85073003362"}, "Rijksregisternummer", "controlecijfers"),
        ({"Rijksregisternummer": "1234"}, "Rijksregisternummer", "11 cijfers"),
        ({"Postcode": "123"}, "Postcode", "4 cijfers"),
        ({"Postcode": ""}, "Postcode", "is verplicht"),
        ({"Postcode": "2999", "Gemeente": ""}, "Postcode", "bestaat niet in Vlaanderen"),
        ({"Postcode": "1111"}, "Postcode", "bestaat niet in Vlaanderen"),
        ({"Postcode": "4000", "Gemeente": ""}, "Gemeente", "Vul de gemeente in"),
        ({"E-mail leerling": "lotte@"}, "E-mail leerling", "e-mailadres"),
        ({"E-mail stagebegeleider": "geen mail"}, "E-mail stagebegeleider", "e-mailadres"),
        ({"Telefoon leerling": "bel mij"}, "Telefoon leerling", "telefoonnummer"),
        ({"Telefoon stagebegeleider": "12"}, "Telefoon stagebegeleider", "telefoonnummer"),
        ({"Vervoersmiddelen": "Fiets, Helikopter"}, "Vervoersmiddelen", "Helikopter"),
        ({"Voorkeursdiensten": "Onbestaande dienst"}, "Voorkeursdiensten", "Onbekende dienst"),
        ({"Type leerling": "lager onderwijs"}, "Type leerling", "Onbekend type"),
        ({"Type leerling": ""}, "Type leerling", "verplicht"),
        ({"Type leerling": "volwassenenonderwijs"}, "Type leerling", "Enkel een CVO"),
        ({"Gewenste start": "morgen"}, "Gewenste start", "geen datum"),
        (
            {"Gewenste start": "31/10/2025", "Gewenst einde": "01/10/2025"},
            "Gewenst einde",
            "voor de gewenste start",
        ),
        ({"Aantal stage-uren": "veel"}, "Aantal stage-uren", "geheel getal"),
    ],
)
def test_bad_row_is_reported_with_row_column_and_reason(
    year, school, school_user, overrides, column, reason
):
    rows = [good_row(1), good_row(2, **overrides), good_row(3)]
    job = run(school, school_user, csv_bytes(rows))
    assert job.status == ImportJob.Status.REJECTED
    found = errors_of(job)
    assert len(found) == 1, found
    row, found_column, message = found[0]
    assert (row, found_column) == (3, column)  # header is row 1
    assert reason.lower() in message.lower()
    assert Student.objects.count() == 0


def test_duplicate_nrn_within_the_file_names_the_first_row(year, school, school_user):
    nrn = good_row(1)["Rijksregisternummer"]
    rows = [good_row(1), good_row(2), good_row(3, Rijksregisternummer=nrn)]
    job = run(school, school_user, csv_bytes(rows))
    assert errors_of(job) == [
        (4, "Rijksregisternummer", "Dit rijksregisternummer staat ook op rij 2.")
    ]
    assert Student.objects.count() == 0


def test_nrn_already_registered_by_this_school_is_reported(year, school, school_user):
    existing = factories.StudentFactory(school=school, school_year=year)
    rows = [good_row(1, Rijksregisternummer=existing.national_register_number)]
    job = run(school, school_user, csv_bytes(rows))
    assert errors_of(job) == [
        (
            2,
            "Rijksregisternummer",
            "Deze leerling werd dit schooljaar al ingeschreven door uw school.",
        )
    ]
    assert Student.objects.count() == 1


def test_nrn_registered_by_another_school_gives_no_hint(year, school, other_school, school_user):
    """Issue 14: no probe. The row is imported like any other; the operator sees the
    duplicate (tests/matching/school/test_registration_probe.py)."""
    existing = factories.StudentFactory(school=other_school, school_year=year)
    job = run(
        school,
        school_user,
        csv_bytes([good_row(1, Rijksregisternummer=existing.national_register_number)]),
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    assert errors_of(job) == []
    assert Student.objects.filter(school=school).count() == 1


def test_preferred_service_by_name_or_code(year, school, school_user):
    by_name = factories.ServiceFactory(name="Familiehulp Gent")
    by_code = factories.ServiceFactory(code="DGZ-ANT")
    factories.ServiceFactory(name="Gesloten dienst", is_active=False)
    rows = [
        good_row(1, Voorkeursdiensten="familiehulp gent"),
        good_row(2, Voorkeursdiensten="dgz-ant | Familiehulp Gent"),
    ]
    job = run(school, school_user, csv_bytes(rows))
    assert job.status == ImportJob.Status.DONE, job.errors
    first, second = Student.objects.order_by("first_name")
    assert list(first.preferred_services.all()) == [by_name]
    assert set(second.preferred_services.all()) == {by_name, by_code}
    job = run(school, school_user, csv_bytes([good_row(9, Voorkeursdiensten="Gesloten dienst")]))
    assert "Onbekende dienst" in errors_of(job)[0][2]


def test_valid_file_imports_every_field_and_derives_province(year, school, school_user, modes):
    rows = [
        good_row(1, Postcode="9000", Vervoersmiddelen="fiets|Auto", **{"Aantal stage-uren": "120"}),
    ]
    job = run(school, school_user, csv_bytes(rows))
    assert job.status == ImportJob.Status.DONE and job.imported == 1
    student = Student.objects.get()
    assert student.school == school and student.school_year == year
    assert student.province.code == "OVL"
    gent = postcodes.location_for("9000")  # the same rule as the form (Student.clean)
    assert (student.latitude, student.longitude) == (gent.latitude, gent.longitude)
    assert student.location_precision == "postcode"
    assert student.hours == 120
    assert student.requested_start == dt.date(2025, 10, 1)
    assert set(student.transport_modes.all()) == {modes["Fiets"], modes["Auto"]}
    assert student.registered_by == school_user
    assert bytes(job.content) == b""  # the file is not kept once imported


def test_cvo_may_leave_the_track_empty(year):
    cvo = factories.SchoolFactory(kind=School.Kind.CVO)
    job = run(cvo, make_school_user(cvo), csv_bytes([good_row(1, **{"Type leerling": ""})]))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Student.objects.get().track == "adult"


def test_500_rows_with_3_bad_rows_reports_all_3_and_imports_nothing(year, school, school_user):
    rows = [good_row(i) for i in range(500)]
    rows[10]["Postcode"] = "99"
    rows[250]["E-mail leerling"] = "fout@"
    rows[499]["Rijksregisternummer"] = "12345678901"
    job = run(school, school_user, csv_bytes(rows))
    assert job.status == ImportJob.Status.REJECTED
    assert [(e[0], e[1]) for e in errors_of(job)] == [
        (12, "Postcode"),
        (252, "E-mail leerling"),
        (501, "Rijksregisternummer"),
    ]
    assert Student.objects.count() == 0


@pytest.mark.parametrize(
    ("encoding", "sep"),
    [
        ("utf-8", ";"),
        ("utf-8", ","),
        ("utf-8-sig", ";"),
        ("utf-8-sig", ","),
        ("cp1252", ";"),
        ("cp1252", ","),
    ],
)
def test_encodings_and_separators(year, school, school_user, encoding, sep):
    rows = [good_row(1, Voornaam="Zoë", Achternaam="Dé Smet", Opleiding="Zorgkundige, jaar 7")]
    job = run(school, school_user, csv_bytes(rows, sep=sep, encoding=encoding))
    assert job.status == ImportJob.Status.DONE, job.errors
    student = Student.objects.get()
    assert (student.first_name, student.last_name) == ("Zoë", "Dé Smet")
    assert student.education == "Zorgkundige, jaar 7"


def test_xlsx_with_numbers_and_dates_stored_as_text(year, school, school_user):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    row = good_row(1)
    row["Rijksregisternummer"] = int(factories.make_nrn(5, dt.date(2008, 1, 2)))  # lost its 0
    row["Postcode"] = 3000
    row["Telefoon leerling"] = 470123456
    row["Gewenste start"] = dt.datetime(2025, 10, 1)
    row["Gewenst einde"] = dt.date(2025, 11, 30)
    row["Aantal stage-uren"] = 40
    sheet.append([row[h] if row[h] != "" else None for h in HEADER])
    import io

    handle = io.BytesIO()
    workbook.save(handle)
    job = run(school, school_user, handle.getvalue(), filename="leerlingen.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    student = Student.objects.get()
    assert student.national_register_number == factories.make_nrn(5, dt.date(2008, 1, 2))
    assert student.postcode == "3000" and student.province.code == "VBR"
    assert student.phone == "0470123456"
    assert (student.requested_start, student.requested_end) == (
        dt.date(2025, 10, 1),
        dt.date(2025, 11, 30),
    )


def test_xlsx_with_errors_is_reported_per_row(year, school, school_user):
    content = xlsx_bytes([good_row(1), good_row(2, Postcode="abcd")])
    job = run(school, school_user, content, filename="x.xlsx")
    assert errors_of(job)[0][:2] == (3, "Postcode")


def test_uploading_the_same_file_again_does_not_duplicate(year, school, school_user):
    content = csv_bytes([good_row(1), good_row(2)])
    first = run(school, school_user, content)
    assert first.status == ImportJob.Status.DONE
    with pytest.raises(import_services.AlreadyImported) as caught:
        run(school, school_user, content)
    assert str(caught.value.message) == "Dit bestand werd al geïmporteerd."
    assert caught.value.job == first
    assert Student.objects.count() == 2
    # Another file with a row already imported: that row is reported, not duplicated.
    again = run(school, school_user, csv_bytes([good_row(2), good_row(3)]))
    assert again.status == ImportJob.Status.REJECTED
    assert errors_of(again) == [
        (
            2,
            "Rijksregisternummer",
            "Deze leerling werd dit schooljaar al ingeschreven door uw school.",
        )
    ]
    assert Student.objects.count() == 2


def test_a_rejected_file_may_be_uploaded_again(year, school, school_user):
    content = csv_bytes([good_row(1, Postcode="1")])
    run(school, school_user, content)
    assert run(school, school_user, content).status == ImportJob.Status.REJECTED


def test_same_file_for_another_school_is_not_the_same_import(
    year, school, other_school, school_user
):
    content = csv_bytes([good_row(1)])
    assert run(school, school_user, content).status == ImportJob.Status.DONE
    job = run(other_school, school_user, content)
    # Not "already imported" (that is per school), and no hint of the first school's
    # registration: the row is imported and the operator sees the duplicate (issue 14).
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Student.objects.filter(school=other_school).count() == 1


@override_settings(IMPORT_MAX_BYTES=1000)
def test_file_too_large_is_refused_with_the_limit(year, school, school_user):
    with pytest.raises(DomainError) as caught:
        run(school, school_user, csv_bytes([good_row(i) for i in range(20)]))
    assert "te groot" in str(caught.value.message) and "hoogstens" in str(caught.value.message)
    assert not ImportJob.objects.exists()


@override_settings(IMPORT_MAX_ROWS=5)
def test_too_many_rows_is_refused_with_the_limit(year, school, school_user):
    with pytest.raises(DomainError) as caught:
        run(school, school_user, csv_bytes([good_row(i) for i in range(6)]))
    assert str(caught.value.message) == (
        "Het bestand telt meer dan 5 rijen onder de kolomkoppen (lege rijen tellen mee). "
        "Verwijder de lege rijen onderaan, of splits het bestand op in bestanden van "
        "hoogstens 5 leerlingen."
    )


def test_unknown_and_missing_columns_are_named(year, school, school_user):
    header = ["Voornaam", "Achternaam", "Postcode", "Lievelingskleur"]
    with pytest.raises(DomainError) as caught:
        run(school, school_user, csv_bytes([{"Voornaam": "A"}], header=header))
    message = str(caught.value.message)
    assert "Lievelingskleur" in message and "Rijksregisternummer" in message


def test_old_xls_and_binary_files_are_refused(year, school, school_user):
    with pytest.raises(DomainError, match="xls"):
        run(school, school_user, b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(DomainError, match="geen CSV"):
        run(school, school_user, b"\x89PNG\x00\x00\x00")


def test_headers_are_matched_loosely():
    keys = imports.map_headers(
        [
            "voornaam",
            "ACHTERNAAM*",
            "Rijksregister-nummer".replace("-", ""),
            "postcode",
            "Email leerling",
        ]
    )
    assert keys == ["first_name", "last_name", "national_register_number", "postcode", "email"]


def test_templates_carry_the_expected_headers(school_client, year):
    import io

    from openpyxl import load_workbook

    from core.exports import read_csv_bytes

    response = school_client.get("/admin/school/students/import/sjabloon.csv")
    assert response.status_code == 200
    assert read_csv_bytes(b"".join(response.streaming_content)) == [HEADER]
    response = school_client.get("/admin/school/students/import/sjabloon.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in workbook["Leerlingen"][1]] == HEADER
    assert imports.HEADERS == HEADER


def test_import_during_the_entry_blackout_delays_visibility(year, school, school_user):
    from django.utils import timezone

    now = timezone.now()
    year.entry_blackout_starts_at = now - dt.timedelta(days=1)
    year.entry_blackout_ends_at = now + dt.timedelta(days=5)
    year.blackout_release_at = now + dt.timedelta(days=30)
    year.save()
    job = run(school, school_user, csv_bytes([good_row(1)]))
    assert job.status == ImportJob.Status.DONE
    student = Student.objects.get()
    assert Releases(year).waiting(registered_at=student.registered_at, track=student.track, now=now)
    assert Releases(year).visible_from(
        registered_at=student.registered_at, track=student.track
    ) == (year.blackout_release_at)


def test_postcode_fills_in_the_municipality_when_left_empty(year, school, school_user):
    job = run(
        school,
        school_user,
        csv_bytes(
            [good_row(1, Postcode="2070"), good_row(2, Postcode="8000", Gemeente="Koolkerke")]
        ),
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    first, second = Student.objects.order_by("first_name")
    assert (first.municipality, first.province.code) == ("Zwijndrecht", "OVL")
    assert (second.municipality, second.province.code) == ("Koolkerke", "WVL")
