"""The import against real files: workbooks from openpyxl (edited at the XML level as other
programs write them) and from LibreOffice headless opening a CSV as a person would (nl-BE,
`;`, formulas evaluated, numbers and dates detected) and saving it. Each case checks the
exact Dutch message and the row number a person sees in the spreadsheet."""

import time

import pytest
from openpyxl import Workbook

from matching.errors import DomainError
from matching.models import Student
from schoolimports import services as school_services
from schoolimports.models import ImportJob
from tests import factories
from tests.matching.school.conftest import HEADER, csv_bytes, good_row

from . import files

SAVE_AS = (
    "Open het bestand in uw rekenprogramma, kies „Opslaan als” en bewaar het als "
    "Excel-werkmap (.xlsx) of als CSV-bestand (.csv)."
)
NO_CACHED_VALUE = (
    "Deze cel bevat een formule zonder berekende waarde. Typ de waarde zelf in, of open het "
    "bestand in uw rekenprogramma en bewaar het opnieuw (dan wordt de waarde mee bewaard)."
)
NO_HEADER = (
    "Er staan gegevens in een kolom zonder kolomkop. Geef de kolom een kolomkop uit het "
    "sjabloon, of maak de cel leeg."
)
ROWS_ADVICE = (
    "Verwijder de lege rijen onderaan, of splits het bestand op in bestanden van hoogstens "
    "10.000 leerlingen."
)
XFD = (
    "Werkblad „Sheet” gebruikt kolommen tot kolom XFD (lege opgemaakte cellen tellen mee); "
    "een importbestand mag hoogstens 50 kolommen gebruiken, tot kolom AX. Verwijder wat "
    "rechts van uw gegevens staat, of kopieer de leerlingen naar een nieuwe werkmap."
)

POSTCODE = "Geef een Belgische postcode van 4 cijfers in (1000 tot 9999)."


def run(school, user, content, filename="leerlingen.xlsx"):
    """Upload as the view does; a file the worker reads (over IMPORT_SYNC_MAX_BYTES) is run
    by the eager task when the upload commits."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        job = school_services.import_start(
            school=school, user=user, filename=filename, content=content
        )
    job.refresh_from_db()
    return job


def errors_of(job):
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def refusal(school, user, content, filename="leerlingen.xlsx") -> str:
    with pytest.raises(DomainError) as caught:
        run(school, user, content, filename)
    assert not ImportJob.objects.exists() and not Student.objects.exists()
    return str(caught.value.message)


# Formulas ------------------------------------------------------------------------------


def test_libreoffice_formula_gives_its_computed_value(year, school, school_user, soffice):
    rows = [good_row(1, Voornaam='=PROPER("jan")', Achternaam='=UPPER("peeters")')]
    content = soffice(files.csv_text(files.table(rows)), "xlsx")
    assert b"<f" in files.sheet_xml(content)  # LibreOffice kept the formula and its value
    job = run(school, school_user, content)
    assert job.status == ImportJob.Status.DONE, job.errors
    student = Student.objects.get()
    assert (student.first_name, student.last_name) == ("Jan", "PEETERS")


def test_stored_formula_value_is_read_never_the_formula_text(year, school, school_user):
    workbook = files.header_workbook([good_row(1)])
    workbook.active["B2"] = '=PROPER("jan")'
    workbook.active["R2"] = '=HYPERLINK("http://evil.example","klik")'
    content = files.with_cached_values(
        files.workbook_bytes(workbook), {"B2": ("str", "Jan"), "R2": ("str", "klik")}
    )
    job = run(school, school_user, content)
    assert job.status == ImportJob.Status.DONE, job.errors
    student = Student.objects.get()
    assert (student.first_name, student.remarks) == ("Jan", "klik")


def test_formula_without_stored_value_is_a_row_error(year, school, school_user):
    workbook = files.header_workbook([good_row(1), good_row(2)])
    workbook.active["B3"] = '=PROPER("jan")'  # openpyxl stores no value with a formula
    job = run(school, school_user, files.workbook_bytes(workbook))
    assert job.status == ImportJob.Status.REJECTED
    assert errors_of(job) == [(3, "Voornaam", NO_CACHED_VALUE)]
    assert not Student.objects.exists()


def test_formula_with_an_error_value_is_a_row_error(year, school, school_user):
    workbook = files.header_workbook([good_row(1)])
    workbook.active["C2"] = "=1/0"
    content = files.with_cached_values(files.workbook_bytes(workbook), {"C2": ("e", "#DIV/0!")})
    job = run(school, school_user, content)
    assert errors_of(job) == [
        (
            2,
            "Achternaam",
            "Deze cel bevat de foutwaarde #DIV/0! (van een formule). Verbeter de formule of "
            "typ de waarde zelf in.",
        )
    ]


# Bombs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: files.million_empty_rows(declared=True),
            "Werkblad „Sheet” loopt tot rij 1.000.001 (lege rijen tellen mee); een bestand mag "
            "hoogstens 10.000 rijen onder de kolomkoppen tellen. " + ROWS_ADVICE,
        ),
        (
            lambda: files.million_empty_rows(declared=False),
            "Werkblad „Sheet” telt meer dan 10.000 rijen onder de kolomkoppen (lege rijen "
            "tellen mee). " + ROWS_ADVICE,
        ),
        (lambda: files.cell_in_xfd(declared=True), XFD),
        (lambda: files.cell_in_xfd(declared=False), XFD),
    ],
    ids=["million-rows", "million-rows-undeclared", "xfd", "xfd-undeclared"],
)
def test_row_and_column_bombs_are_refused_within_2_seconds(
    year, school, school_user, make, message
):
    content = make()
    assert len(content) < 128 * 1024  # small: read in the request, as the school waits
    started = time.monotonic()
    found = refusal(school, school_user, content)
    elapsed = time.monotonic() - started
    assert found == message
    assert elapsed < 2, elapsed


def test_empty_rows_count_toward_the_row_limit(year, school, school_user, settings):
    settings.IMPORT_MAX_ROWS = 5
    workbook = files.header_workbook([good_row(1)])
    workbook.active.row_dimensions[7].height = 20  # an empty row 7 = the 6th under the header
    data = files.workbook_bytes(workbook)
    xml = files.sheet_xml(data)
    assert b'<row r="7"' in xml
    found = refusal(school, school_user, data)
    assert found == (
        "Werkblad „Sheet” telt meer dan 5 rijen onder de kolomkoppen (lege rijen tellen "
        "mee). Verwijder de lege rijen onderaan, of splits het bestand op in bestanden van "
        "hoogstens 5 leerlingen."
    )
    settings.IMPORT_MAX_ROWS = 6
    assert run(school, school_user, data).status == ImportJob.Status.DONE


def test_csv_blank_lines_count_toward_the_row_limit(year, school, school_user, settings):
    settings.IMPORT_MAX_ROWS = 3
    content = csv_bytes([good_row(1)]) + b"\r\n\r\n\r\n"
    assert refusal(school, school_user, content, "x.csv") == (
        "Het bestand telt meer dan 3 rijen onder de kolomkoppen (lege rijen tellen mee). "
        "Verwijder de lege rijen onderaan, of splits het bestand op in bestanden van "
        "hoogstens 3 leerlingen."
    )


def test_an_unpacking_bomb_is_refused_from_the_declared_sizes(year, school, school_user):
    data = files.workbook_bytes(files.header_workbook([good_row(1)]))
    xml = files.sheet_xml(data)
    padded = xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (60 * 1024 * 1024), 1)
    content = files.rezip(data, {"xl/worksheets/sheet1.xml": padded}, level=9)
    started = time.monotonic()
    found = refusal(school, school_user, content)
    assert time.monotonic() - started < 2
    assert found == (
        "Dit Excel-bestand is uitgepakt 60,0 MB groot; hoogstens 50,0 MB kan ingelezen worden. "
        "Kopieer enkel de leerlingen naar een nieuwe werkmap, of bewaar ze als CSV-bestand "
        "(.csv)."
    )


def test_a_large_upload_is_read_by_the_worker_not_in_the_request(year, school, school_user):
    from unittest import mock

    content = files.million_empty_rows(declared=False)
    with (
        mock.patch("schoolimports.parsing.parse_file") as parse,
        override_sync(16 * 1024),
        mock.patch("schoolimports.tasks.school_import_run.delay") as delay,
    ):
        job = run(school, school_user, content)
        parse.assert_not_called()  # the request only looked at the kind of file
    delay.assert_called_once_with(job.pk)
    assert job.status == ImportJob.Status.PENDING and job.total == 0
    from schoolimports.tasks import school_import_run

    started = time.monotonic()
    school_import_run(job.pk)  # what the worker does
    assert time.monotonic() - started < 2
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REJECTED
    assert errors_of(job) == [
        (
            None,
            "",
            "Werkblad „Sheet” telt meer dan 10.000 rijen onder de kolomkoppen (lege rijen "
            "tellen mee). " + ROWS_ADVICE,
        )
    ]
    assert bytes(job.content) == b""


def override_sync(size):
    from django.test import override_settings

    return override_settings(IMPORT_SYNC_MAX_BYTES=size)


# Row numbers when the header is lower --------------------------------------------------


def test_csv_with_a_blank_first_line_names_the_right_row(year, school, school_user):
    content = b"\r\n" + csv_bytes([good_row(1), good_row(2, Postcode="12")])
    job = run(school, school_user, content, "x.csv")
    # Line 1 blank, header on 2, students on 3 and 4: the bad postcode is on row 4.
    assert errors_of(job) == [(4, "Postcode", POSTCODE)]


def test_xlsx_with_an_empty_first_row_names_the_right_row(year, school, school_user):
    workbook = Workbook()
    sheet = workbook.active
    for row_index, row in enumerate(
        [
            HEADER,
            *([good_row(1)[h] for h in HEADER], [good_row(2, Postcode="12")[h] for h in HEADER]),
        ],
        start=2,
    ):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=row_index, column=column, value=value or None)
    job = run(school, school_user, files.workbook_bytes(workbook))
    assert errors_of(job) == [(4, "Postcode", POSTCODE)]


def test_libreoffice_xlsx_from_a_csv_with_a_blank_first_line(year, school, school_user, soffice):
    rows = files.table([good_row(1), good_row(2, Postcode="12")])
    content = soffice(b"\r\n" + files.csv_text(rows), "xlsx")
    job = run(school, school_user, content)
    assert errors_of(job) == [(4, "Postcode", POSTCODE)]


# Unheaded data, long cells, control characters, phones -----------------------------------


def test_data_under_a_column_without_header_is_a_row_error(year, school, school_user):
    header = [*HEADER[:5], "", *HEADER[5:]]  # column F has no header
    rows = [[*r[:5], "", *r[5:]] for r in files.table([good_row(1), good_row(2)])[1:]]
    rows[1][5] = "vergeten"
    rows[0].append("ook hier")  # column T: past the last header
    job = run(school, school_user, files.csv_text([header, *rows]), "x.csv")
    assert job.status == ImportJob.Status.REJECTED
    assert errors_of(job) == [(2, "kolom T", NO_HEADER), (3, "kolom F", NO_HEADER)]


def test_data_under_a_column_without_header_in_xlsx(year, school, school_user):
    workbook = files.header_workbook([good_row(1)])
    workbook.active["S2"] = "los"
    job = run(school, school_user, files.workbook_bytes(workbook))
    assert errors_of(job) == [(2, "kolom S", NO_HEADER)]


@pytest.mark.parametrize("column", ["Opmerkingen", "Voornaam"])
def test_a_cell_of_140000_characters_names_row_and_reason(year, school, school_user, column):
    content = csv_bytes([good_row(1), good_row(2, **{column: "x" * 140_000})])
    job = run(school, school_user, content, "x.csv")
    assert errors_of(job) == [
        (
            3,
            column,
            "Deze cel is te lang: ze telt 140.000 tekens, een cel mag er hoogstens 32.767 tellen.",
        )
    ]


def test_a_name_over_its_field_length_names_row_and_limit(year, school, school_user):
    job = run(school, school_user, csv_bytes([good_row(1, Voornaam="x" * 150)]), "x.csv")
    ((row, column, message),) = errors_of(job)
    assert (row, column) == (2, "Voornaam")
    assert "100" in message and "150" in message


CONTROL = (
    "Deze tekst bevat een onzichtbaar stuurteken (U+{code}), bijvoorbeeld uit een ander "
    "programma gekopieerd. Verwijder het en typ de tekst opnieuw."
)


def test_control_characters_in_names_are_refused_by_the_import(year, school, school_user):
    rows = [
        good_row(1, Voornaam="Ja\x01n"),
        good_row(2, Achternaam="Pee\x0bters"),
        good_row(3, Opmerkingen="regel 1\nregel 2\tmet tab"),  # line breaks stay allowed
    ]
    job = run(school, school_user, csv_bytes(rows), "x.csv")
    assert errors_of(job) == [
        (2, "Voornaam", CONTROL.format(code="0001")),
        (3, "Achternaam", CONTROL.format(code="000B")),
    ]


def test_control_characters_are_refused_by_the_school_form(school_client, year):
    from tests.matching.school.test_students import form_data

    response = school_client.post(
        "/admin/school/students/nieuw/", form_data(first_name="No\x01or", last_name="Ja\x0bns")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["first_name"] == [CONTROL.format(code="0001")]
    assert errors["last_name"] == [CONTROL.format(code="000B")]
    assert not Student.objects.exists()


def test_a_phone_that_lost_its_leading_zero_in_a_csv_gets_it_back(year, school, school_user):
    rows = [
        good_row(1, **{"Telefoon leerling": "470123456", "Telefoon stagebegeleider": "31234567"})
    ]
    job = run(school, school_user, csv_bytes(rows), "x.csv")
    assert job.status == ImportJob.Status.DONE, job.errors
    student = Student.objects.get()
    assert (student.phone, student.supervisor_phone) == ("0470123456", "031234567")


def test_a_csv_resaved_by_libreoffice_keeps_phones_and_nrn(year, school, school_user, soffice):
    """A school opens its CSV in a spreadsheet and saves it: numbers lose their leading 0."""
    row = good_row(1, **{"Telefoon leerling": "0470123456", "Rijksregisternummer": None})
    nrn = factories.make_nrn(3, __import__("datetime").date(2008, 5, 17))  # starts with 0
    row["Rijksregisternummer"] = nrn
    resaved = soffice(files.csv_text(files.table([row])), "csv")
    assert b";470123456;" in resaved and nrn.encode() not in resaved  # the zeros are gone
    job = run(school, school_user, resaved, "x.csv")
    assert job.status == ImportJob.Status.DONE, job.errors
    student = Student.objects.get()
    assert (student.phone, student.national_register_number) == ("0470123456", nrn)


def test_libreoffice_xlsx_keeps_phones_nrn_and_dates(year, school, school_user, soffice):
    import datetime as dt

    nrn = factories.make_nrn(3, dt.date(2008, 5, 17))
    row = good_row(1, **{"Telefoon leerling": "0470123456", "Rijksregisternummer": nrn})
    content = soffice(files.csv_text(files.table([row])), "xlsx")
    job = run(school, school_user, content)
    assert job.status == ImportJob.Status.DONE, job.errors
    student = Student.objects.get()
    assert (student.phone, student.national_register_number) == ("0470123456", nrn)
    assert student.requested_start == dt.date(2025, 10, 1)


# Sheets --------------------------------------------------------------------------------


def test_an_empty_first_sheet_is_passed_for_the_sheet_with_data(year, school, school_user):
    workbook = Workbook()
    workbook.active.title = "Leeg"
    data = workbook.create_sheet("Klas 5A")
    data.append(HEADER)
    data.append([good_row(1)[h] or None for h in HEADER])
    data.append([good_row(2, Postcode="12")[h] or None for h in HEADER])
    job = run(school, school_user, files.workbook_bytes(workbook))
    assert errors_of(job) == [(3, "Postcode", POSTCODE)]
    data.delete_rows(3)
    job = run(school, school_user, files.workbook_bytes(workbook))
    assert job.status == ImportJob.Status.DONE and Student.objects.count() == 1


def test_file_errors_name_the_sheet_that_was_read(year, school, school_user):
    workbook = Workbook()
    workbook.active.title = "Leeg"
    sheet = workbook.create_sheet("Klas 5A")
    sheet.cell(row=25, column=1, value="Voornaam")
    assert refusal(school, school_user, files.workbook_bytes(workbook)) == (
        "In werkblad „Klas 5A” zijn de eerste 20 rijen leeg: zet de kolomkoppen van het "
        "sjabloon in de eerste rij."
    )


def test_a_workbook_without_any_cell_is_empty(year, school, school_user):
    workbook = Workbook()
    workbook.create_sheet("Blad2")
    assert refusal(school, school_user, files.workbook_bytes(workbook)) == (
        "Het bestand is leeg: geen enkel werkblad bevat gegevens."
    )


# Other formats -------------------------------------------------------------------------


def test_ods_from_libreoffice_is_named_and_refused(year, school, school_user, soffice):
    content = soffice(files.csv_text(files.table([good_row(1)])), "ods")
    assert refusal(school, school_user, content, "leerlingen.ods") == (
        "Dit is een OpenDocument-rekenblad (.ods), zoals LibreOffice het bewaart; dat wordt "
        "niet ondersteund. " + SAVE_AS
    )


def test_flat_ods_from_libreoffice_is_named_and_refused(year, school, school_user, soffice):
    content = soffice(files.csv_text(files.table([good_row(1)])), "fods")
    assert refusal(school, school_user, content, "leerlingen.fods") == (
        "Dit is een OpenDocument-rekenblad in XML (.fods); dat wordt niet ondersteund. " + SAVE_AS
    )


def test_xls_from_libreoffice_is_named_and_refused(year, school, school_user, soffice):
    content = soffice(files.csv_text(files.table([good_row(1)])), "xls")
    assert refusal(school, school_user, content, "leerlingen.xls") == (
        "Dit is een oud Excel-bestand (.xls); dat wordt niet ondersteund. " + SAVE_AS
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            files.fake_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00"}),
            "Dit is een binaire Excel-werkmap (.xlsb); die wordt niet ondersteund. " + SAVE_AS,
        ),
        (
            files.fake_zip({"Index/Document.iwa": b"\x00", "Metadata/Properties.plist": b""}),
            "Dit is een Numbers-bestand (.numbers); dat wordt niet ondersteund. " + SAVE_AS,
        ),
        (
            files.fake_zip({"word/document.xml": b"<w:document/>"}),
            "Dit is een Word-document, geen rekenblad. " + SAVE_AS,
        ),
        (
            files.fake_zip({"foto.jpg": b"\xff\xd8"}),
            "Dit is een zip-bestand, geen Excel-werkmap. " + SAVE_AS,
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "Dit is een PDF-bestand, geen rekenblad. " + SAVE_AS,
        ),
        (
            b"<html><body><table><tr><td>Voornaam</td></tr></table></body></html>",
            "Dit is een webpagina of XML-bestand (bijvoorbeeld een „Excel”-export uit een "
            "ander programma), geen CSV- of Excel-bestand. " + SAVE_AS,
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "Dit Excel-bestand is beveiligd met een wachtwoord en kan daardoor niet gelezen "
            "worden. Open het, verwijder het wachtwoord (Bestand > Info > Werkmap beveiligen) "
            "en bewaar het opnieuw als .xlsx.",
        ),
    ],
    ids=["xlsb", "numbers", "docx", "zip", "pdf", "html", "encrypted"],
)
def test_other_formats_are_named_and_refused(year, school, school_user, content, message):
    assert refusal(school, school_user, content, "leerlingen.xlsx") == message


def test_csv_data_past_the_column_limit_is_refused_with_its_row(year, school, school_user):
    rows = files.table([good_row(1), good_row(2)])
    rows[2] += [""] * 40 + ["verdwaald"]  # row 3, column 59 (BG)
    rows[1] += [""] * 80  # empty trailing fields do not count in a CSV
    assert refusal(school, school_user, files.csv_text(rows), "x.csv") == (
        "Rij 3 heeft gegevens in kolom BG. Een importbestand mag hoogstens 50 kolommen "
        "gebruiken (tot kolom AX)."
    )
