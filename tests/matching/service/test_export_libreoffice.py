"""The exports opened as a Belgian user opens them: LibreOffice headless with nl-BE settings
(`;`, UTF-8, special numbers detected, formulas evaluated), read back (issue 13).

National register numbers and phone numbers keep their leading 0 in their written forms,
formula-like names show as typed and are never evaluated, the XLSX holds no apostrophe
that was not typed, and dates are dates."""

import datetime as dt
import zipfile
from io import BytesIO

import pytest

from matching.models import Status
from reporting.exports import operator_export_response
from tests.factories import DecisionFactory, StudentFactory
from tests.reporting.helpers import operator

URL = "/admin/service/students/secondary/export/?tab=accepted&order=name"

# A student born in 2009 (NRN with a leading 0) and a name for each formula prefix.
NRN, NRN_WRITTEN = "09120143729", "09.12.01-437.29"
NAMES = ['=HYPERLINK("http://x","klik")', "-Jan", "+32 Piet", "@SUM(A1)", "=1+1"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def accepted(open_round, service, mentor):
    year = open_round.school_year
    students = []
    for index, last_name in enumerate(NAMES):
        student = StudentFactory(
            school_year=year,
            first_name="Voornaam",
            last_name=last_name,
            national_register_number=NRN if index == 0 else "",
            phone="0470123456",  # stored without spaces, as imports may have it
            supervisor_phone="031234567",
            registered_at=dt.datetime(2025, 6, 2, 9, 30, tzinfo=dt.UTC),
        )
        DecisionFactory(
            service=service,
            student=student,
            status=Status.ACCEPTED,
            mentor=mentor,
            period_start=dt.date(2025, 10, 6),
            period_end=dt.date(2025, 11, 28),
        )
        students.append(student)
    return students


def columns(sheet) -> tuple[dict[str, int], list[list]]:
    rows = [list(row) for row in sheet.iter_rows()]
    header = {cell.value: index for index, cell in enumerate(rows[0])}
    return header, rows[1:]


def assert_read_back(sheet, *, csv: bool, name_column: str, nrn_column: str, phones, dates):
    header, rows = columns(sheet)
    by_name = {}
    for row in rows:
        cell = row[header[name_column]]
        assert cell.data_type == "s", f"{cell.value!r} became {cell.data_type}"
        by_name[cell.value] = row
    # Formula-like names: text, never a formula. The CSV shows its neutralising apostrophe;
    # the XLSX shows the name exactly as typed.
    expected = {("'" + name) if csv else name for name in NAMES}
    assert set(by_name) == expected
    first = by_name[("'" if csv else "") + NAMES[0]]
    nrn = first[header[nrn_column]]
    assert (nrn.value, nrn.data_type) == (NRN_WRITTEN, "s")
    for row in rows:
        for column, written in phones.items():
            assert (row[header[column]].value, row[header[column]].data_type) == (written, "s")
        for column in dates:
            value = row[header[column]].value
            assert isinstance(value, dt.datetime), f"{column}: {value!r} is not a date"
    if not csv:
        for row in rows:
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith("'"))
                assert not cell.quotePrefix
    return by_name, header


def assert_no_apostrophe_in_xlsx(data: bytes):
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<t xml:space="preserve">\'' not in sheet
    assert "quotePrefix" not in sheet


def test_harness_is_as_hostile_as_a_spreadsheet(libreoffice):
    """The control: raw values under these settings lose their zero and formulas run, so
    the tests below would see the old export's defects."""
    raw = "\ufeffNaam;RRN;Telefoon;Datum\r\n=1+1;09120143729;0470123456;19/09/2025\r\n"
    header, rows = columns(libreoffice.open_as_xlsx("raw.csv", raw.encode()))
    name, nrn, phone, date = rows[0]
    assert name.data_type == "f"  # evaluated as a formula
    assert nrn.value == 9120143729 and phone.value == 470123456  # leading 0 lost
    assert date.value == dt.datetime(2025, 9, 19)  # day first: the nl-BE locale is in force


def test_service_csv_opens_with_zeros_text_and_dates(libreoffice, service_client, accepted):
    data = body(service_client.get(URL + "&format=csv"))
    sheet = libreoffice.open_as_xlsx("dienst.csv", data)
    by_name, header = assert_read_back(
        sheet,
        csv=True,
        name_column="Achternaam",
        nrn_column="Rijksregisternummer",
        phones={"Telefoon leerling": "0470 12 34 56", "Telefoon stagebegeleider": "03 123 45 67"},
        dates=["Ingeschreven op", "Start stage", "Einde stage"],
    )
    row = by_name["'=1+1"]
    assert row[header["Start stage"]].value == dt.datetime(2025, 10, 6)  # 06/10, not 10/06


def test_service_xlsx_opens_with_zeros_text_and_dates(libreoffice, service_client, accepted):
    data = body(service_client.get(URL + "&format=xlsx"))
    assert_no_apostrophe_in_xlsx(data)
    sheet = libreoffice.open_as_xlsx("dienst.xlsx", data)
    by_name, header = assert_read_back(
        sheet,
        csv=False,
        name_column="Achternaam",
        nrn_column="Rijksregisternummer",
        phones={"Telefoon leerling": "0470 12 34 56", "Telefoon stagebegeleider": "03 123 45 67"},
        dates=["Ingeschreven op", "Start stage", "Einde stage"],
    )
    assert by_name["=1+1"][header["Start stage"]].value == dt.datetime(2025, 10, 6)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_operator_export_opens_with_zeros_text_and_dates(libreoffice, accepted, fmt):
    year = accepted[0].school_year
    data = body(
        operator_export_response(
            school_year=year, user=operator(), fmt=fmt, with_personal_data=True
        )
    )
    if fmt == "xlsx":
        assert_no_apostrophe_in_xlsx(data)
    sheet = libreoffice.open_as_xlsx(f"beheer.{fmt}", data)
    assert_read_back(
        sheet,
        csv=fmt == "csv",
        name_column="Achternaam",
        nrn_column="Rijksregisternummer",
        phones={"Telefoon leerling": "0470 12 34 56", "Telefoon stagebegeleider": "03 123 45 67"},
        dates=["Ingeschreven op", "Start stage", "Einde stage"],
    )
