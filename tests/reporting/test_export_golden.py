"""The operator export, byte for byte: a fixed set of students (odd names, formula-like and
XML-special text, personal data in every stored form, the entry blackout, both sides of a
daylight-saving change, placements, history) written as CSV and as XLSX and compared with
the files in golden/. Speed work on the export must not change one byte of what it writes.

After a deliberate change of the output, regenerate the files with
`UPDATE_GOLDEN=1 pytest tests/reporting/test_export_golden.py` and review the diff.
"""

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.utils import translation

from matching.models import Decision, SchoolYear, Status, StatusChange, Student, Track
from reporting.exports import operator_export_response
from tests import factories

from .helpers import BRUSSELS, NOW, operator

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
UTC = dt.UTC
# Far above what the test database's sequences reach: the Leerling-ID column is pinned too.
FIRST_PK = 7_000_001

# (first name, last name, track, registered at, nrn, phone, supervisor phone, education)
STUDENTS = [
    (
        "Anna",
        "Peeters",
        Track.SECONDARY,
        NOW - dt.timedelta(days=70),
        "08051700197",
        "0470 12 34 56",
        "03 987 65 43",
        "Verzorgende",
    ),
    (
        "=SUM(A1:A9)",
        "-Janssens",
        Track.SECONDARY,
        NOW - dt.timedelta(days=45),
        "",
        "+32470123456",
        "",
        "=1+1",
    ),
    (
        "+Piet",
        "@Claes",
        Track.ADULT,
        NOW - dt.timedelta(days=45),
        "1234567890X",
        "0032 3 123 45 67",
        "02/123.45.67",
        "",
    ),
    (
        'Quote "Q"; semi',
        "Line\nbreak",
        Track.DUAL,
        NOW - dt.timedelta(days=10),
        "12345",
        "050 12 34 56",
        "0800 12 345",
        'Zorg; "kinderen"',
    ),
    (
        "Élise <&>",
        "O'Brien\x01",
        Track.SECONDARY,
        dt.datetime(2025, 3, 30, 0, 59, tzinfo=UTC),
        "٠٨٠٥١٧٠٠١٩٧",
        "+31 6 12345678",
        "=cmd|' /C calc'!A0",
        "\tTab",
    ),
    (
        "Zoë",
        "Van den Broeck",
        Track.ADULT,
        dt.datetime(2025, 3, 30, 1, 0, tzinfo=UTC),
        "08.05.17-01",
        "09 123 45 67",
        "0470/12.34.56",
        "Kinderzorg",
    ),
    (
        "Ünal",
        "Yılmaz",
        Track.DUAL,
        dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC),
        "85073003361",
        "",
        "016 12 34 56",
        "\rCR",
    ),
    (
        "Lotte",
        "Maes",
        Track.SECONDARY,
        dt.datetime(2025, 10, 26, 1, 30, tzinfo=UTC),
        "08051700508",
        "=1+2",
        "(03) 123 45 67",
        "Opvoeding & begeleiding",
    ),
]


@pytest.fixture
def fixed_students(year, rounds, frozen):
    year.entry_blackout_starts_at = rounds["r1"].starts_at
    year.entry_blackout_ends_at = rounds["r1"].ends_at
    year.save()
    school = factories.SchoolFactory(name='School "De Brug"; Gent')
    west = factories.province("WVL")
    services = {
        "een": factories.ServiceFactory(name="Dienst Een"),
        "twee": factories.ServiceFactory(name="=Dienst Twee"),
        "west": factories.ServiceFactory(name="Dienst West & Co", province=west),
    }
    mentor = factories.ContactPersonFactory(service=services["twee"], name="-Mentor Twee")
    students = []
    for index, (first, last, track, registered, nrn, phone, sphone, education) in enumerate(
        STUDENTS
    ):
        students.append(
            Student.objects.create(
                pk=FIRST_PK + 2 * index,
                school_year=year,
                school=school,
                track=track,
                first_name=first,
                last_name=last,
                national_register_number=nrn,
                email=f"leerling{index}@example.be" if index % 3 else "",
                phone=phone,
                postcode="8000" if index % 4 == 3 else "2000",
                municipality="Brugge; centrum" if index % 4 == 3 else "Antwerpen",
                province=west if index % 4 == 3 else factories.province("ANT"),
                education=education,
                supervisor_name="" if index == 2 else f"Begeleider {index}",
                supervisor_email=f"begeleider{index}@school.be",
                supervisor_phone=sphone,
                registered_at=registered,
            )
        )
    # A student of another year inside the export's pk range, with its own history.
    other_year = SchoolYear.objects.create(
        name="2024-2025", starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2025, 5, 31)
    )
    outsider = factories.StudentFactory(
        pk=FIRST_PK + 3, school_year=other_year, school=school, first_name="Buiten"
    )
    outsider.preferred_services.set([services["een"]])
    students[0].preferred_services.set([services["twee"], services["een"]])
    students[1].preferred_services.set([services["west"]])
    students[3].preferred_services.set([services["west"], services["een"], services["twee"]])
    students[6].preferred_services.set([services["een"]])

    def history(student, service, *statuses):
        previous = Status.UNDECIDED
        for status in statuses:
            StatusChange.objects.create(
                student=student, service=service, from_status=previous, to_status=status
            )
            previous = status

    history(students[0], services["een"], Status.ACCEPTED, Status.UNDECIDED)
    history(students[0], services["twee"], Status.NOT_ACCEPTED, Status.ACCEPTED)
    Decision.objects.create(
        student=students[0],
        service=services["twee"],
        status=Status.ACCEPTED,
        mentor=mentor,
        period_start=dt.date(2025, 11, 3),
        period_end=dt.date(2026, 1, 9),
    )
    history(students[3], services["een"], Status.INVITED, Status.ACCEPTED)
    history(students[3], services["twee"], Status.NOT_INVITED)
    history(students[3], services["west"], Status.INVITED, Status.NO_SHOW)
    Decision.objects.create(student=students[3], service=services["een"], status=Status.ACCEPTED)
    history(students[5], services["west"], Status.NOT_ACCEPTED)
    history(outsider, services["een"], Status.ACCEPTED)
    Decision.objects.create(student=outsider, service=services["een"], status=Status.ACCEPTED)
    return students


def _export(year, *, fmt, personal, chunk_size=None) -> bytes:
    extra = {"chunk_size": chunk_size} if chunk_size else {}
    response = operator_export_response(
        school_year=year, user=operator(), fmt=fmt, with_personal_data=personal, **extra
    )
    return b"".join(response.streaming_content)


def _xlsx_parts(data: bytes) -> bytes:
    """The workbook's members, name and content, as one comparable text (the zip around
    them is pinned by tests/core/test_xlsx_container.py)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return b"".join(
            b"== %s\n%s\n" % (info.filename.encode(), book.read(info.filename))
            for info in book.infolist()
        )


def _check(name: str, produced: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(produced)
    assert produced == path.read_bytes(), f"{name} differs from the pinned output"


@pytest.mark.parametrize("personal", [False, True], ids=["plain", "personal"])
@pytest.mark.parametrize("chunk_size", [None, 2], ids=["one-chunk", "chunks-of-2"])
def test_the_csv_export_is_pinned_byte_for_byte(fixed_students, year, personal, chunk_size):
    produced = _export(year, fmt="csv", personal=personal, chunk_size=chunk_size)
    _check(f"operator-export{'-personal' if personal else ''}.csv", produced)


@pytest.mark.parametrize("personal", [False, True], ids=["plain", "personal"])
@pytest.mark.parametrize("chunk_size", [None, 2], ids=["one-chunk", "chunks-of-2"])
def test_the_xlsx_export_is_pinned_byte_for_byte(fixed_students, year, personal, chunk_size):
    produced = _xlsx_parts(_export(year, fmt="xlsx", personal=personal, chunk_size=chunk_size))
    _check(f"operator-export{'-personal' if personal else ''}.xlsx.txt", produced)


def test_the_english_csv_export_is_pinned_byte_for_byte(fixed_students, year):
    with translation.override("en"):
        produced = _export(year, fmt="csv", personal=True)
    _check("operator-export-personal-en.csv", produced)


def test_the_pinned_students_cover_the_cases_they_are_for(fixed_students, year):
    """The fixture keeps what makes the pins worth having."""
    registered = [s.registered_at.astimezone(BRUSSELS) for s in fixed_students]
    assert {r.utcoffset() for r in registered} == {dt.timedelta(hours=1), dt.timedelta(hours=2)}
    assert sum(year.in_entry_blackout(s.registered_at) for s in fixed_students) == 2
    assert {s.track for s in fixed_students} == set(Track.values)
