"""Export of the current tab with its filters: CSV for Excel with a Belgian locale and XLSX."""

import io

import pytest
from openpyxl import load_workbook

from core.exports import BOM, read_csv_bytes
from matching.models import Province, TransportMode
from tests.factories import StudentFactory, province

URL = "/admin/service/students/secondary/export/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def students(open_round):
    year = open_round.school_year
    fiets = TransportMode.objects.get(code="fiets")
    a = StudentFactory(school_year=year, last_name="Aerts", postcode="2000")
    a.transport_modes.add(fiets)
    b = StudentFactory(
        school_year=year, last_name="Baert", postcode="8000", province=province("WVL")
    )
    evil = StudentFactory(
        school_year=year, first_name="@SUM(A1)", last_name='=HYPERLINK("http://x","klik")'
    )
    return a, b, evil


def test_csv_has_bom_semicolons_and_belgian_dates(service_client, students):
    response = service_client.get(URL)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = body(response)
    assert data.startswith(BOM.encode("utf-8"))
    first_line = data.decode("utf-8-sig").splitlines()[0]
    assert first_line.startswith("Achternaam;Voornaam;School;")
    rows = read_csv_bytes(data)
    registered = rows[1][rows[0].index("Ingeschreven op")]
    assert registered[2] == "/" and registered[5] == "/"


def test_csv_neutralises_formulas(service_client, students):
    rows = read_csv_bytes(body(service_client.get(URL)))
    names = {row[0]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://x","klik")' in names
    assert names['\'=HYPERLINK("http://x","klik")'][1] == "'@SUM(A1)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_export_honours_filters(service_client, students):
    fiets = TransportMode.objects.get(code="fiets")
    wvl = Province.objects.get(code="WVL")
    only_bike = read_csv_bytes(body(service_client.get(URL + f"?transport={fiets.code}")))
    assert [r[0] for r in only_bike[1:]] == ["Aerts"]
    only_wvl = read_csv_bytes(body(service_client.get(URL + f"?province={wvl.code}")))
    assert [r[0] for r in only_wvl[1:]] == ["Baert"]
    by_postcode = read_csv_bytes(body(service_client.get(URL + "?postcode=80")))
    assert [r[0] for r in by_postcode[1:]] == ["Baert"]
    by_name = read_csv_bytes(body(service_client.get(URL + "?q=aerts&order=name")))
    assert [r[0] for r in by_name[1:]] == ["Aerts"]
    accepted_tab = read_csv_bytes(body(service_client.get(URL + "?tab=accepted")))
    assert accepted_tab[1:] == []


def test_xlsx_opens_with_openpyxl_and_keeps_text_as_text(service_client, students):
    response = service_client.get(URL + "?format=xlsx&order=name")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Achternaam", "Voornaam", "School"]
    names = [row[0] for row in values[1:]]
    assert "Aerts" in names and "Baert" in names
    evil_row = next(row for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[0].value))
    # An inline string is never a formula: stored as typed, without an apostrophe.
    assert evil_row[0].data_type == "s"
    assert evil_row[0].value == '=HYPERLINK("http://x","klik")'
    assert evil_row[1].value == "@SUM(A1)"


def test_export_links_on_list_page_carry_the_filters(service_client, students):
    response = service_client.get(
        "/admin/service/students/secondary/?q=aerts&postcode=20&order=name&tab=open"
    )
    csv_url = response.context["export_csv_url"]
    assert csv_url.startswith(URL)
    for part in ("q=aerts", "postcode=20", "order=name", "tab=open", "format=csv"):
        assert part in csv_url


def _bulk_students(year, count):
    """`count` visible secondary students, inserted in bulk (no factory per row)."""
    from django.utils import timezone

    from matching.models import Student
    from tests.factories import SchoolFactory

    school = SchoolFactory()
    antwerp = province("ANT")
    start = Student.objects.count()
    past = timezone.now() - timezone.timedelta(days=3)
    Student.objects.bulk_create(
        [
            Student(
                school_year=year,
                school=school,
                track="secondary",
                first_name=f"Voornaam{start + i}",
                last_name=f"Achternaam{start + i}",
                postcode="2000",
                municipality="Antwerpen",
                province=antwerp,
                registered_at=past,
            )
            for i in range(count)
        ],
        batch_size=1000,
    )


def _export_peak(client, fmt):
    import tracemalloc

    tracemalloc.start()
    response = client.get(URL + ("?format=xlsx" if fmt == "xlsx" else ""))
    size = sum(len(piece) for piece in response.streaming_content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, peak


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_memory_stays_flat_as_the_rows_grow(service_client, open_round, fmt):
    from matching.service.views import EXPORT_CHUNK

    # Both sizes span more than one chunk of rows, so both peaks hold a full chunk.
    _bulk_students(open_round.school_year, EXPORT_CHUNK + 500)
    size_small, peak_small = _export_peak(service_client, fmt)
    _bulk_students(open_round.school_year, 3 * EXPORT_CHUNK)
    size_big, peak_big = _export_peak(service_client, fmt)

    assert size_big > 2.5 * size_small  # the rows really were exported
    # Over three times the rows, about the same peak: one chunk at a time, never all rows.
    assert peak_big < peak_small * 1.5 + 1024 * 1024, (peak_small, peak_big)


def test_the_service_export_writes_a_field_under_the_declarations_label(
    service_client, students, monkeypatch
):
    """Renaming a field in the one declaration (its model label) renames the column."""
    from matching.models import Student

    monkeypatch.setattr(Student._meta.get_field("education"), "verbose_name", "richting (test)")
    header, *rows = read_csv_bytes(body(service_client.get(URL)))
    assert "Opleiding" not in header
    by_name = {row[0]: row[header.index("Richting (test)")] for row in rows}
    assert by_name["Aerts"] == students[0].education
