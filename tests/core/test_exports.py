"""The streamed XLSX writer: what Excel (here: openpyxl) reads back, and that it streams."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from core.exports import XLSX_FLUSH_ROWS, xlsx_chunks

BRUSSELS = ZoneInfo("Europe/Brussels")


def read(chunks):
    return load_workbook(io.BytesIO(b"".join(chunks)))


def test_values_types_and_formats_survive_the_round_trip(settings):
    settings.TIME_ZONE = "Europe/Brussels"
    header = ["Naam", "Aantal", "Uren", "Geboren", "Ingeschreven", "Actief", "Leeg", "Formule"]
    row = [
        'Élise <&> "Dubois"\x01',
        3,
        12.5,
        dt.date(2008, 2, 29),
        dt.datetime(2025, 10, 1, 10, 30, tzinfo=dt.UTC),  # 12:30 in Brussels
        True,
        None,
        '=HYPERLINK("http://x","klik")',
    ]
    book = read(xlsx_chunks(header, [row], title="2025-2026: [jaar]"))
    sheet = book.active
    assert sheet.title == "2025-2026   jaar"
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == header
    assert all(c.font.b for c in sheet[1])
    cells = sheet[2]
    assert cells[0].value == 'Élise <&> "Dubois"'  # the control character is dropped
    assert (cells[1].value, cells[2].value) == (3, 12.5)
    assert cells[3].value == dt.datetime(2008, 2, 29) and cells[3].number_format == "dd/mm/yyyy"
    assert cells[4].value == dt.datetime(2025, 10, 1, 12, 30)
    assert cells[4].number_format == "dd/mm/yyyy hh:mm"
    assert cells[5].value == "ja"
    assert cells[6].value is None
    assert cells[7].data_type == "s" and cells[7].value.startswith("'=")


def test_bytes_leave_before_the_rows_are_all_read():
    consumed = 0

    def rows():
        nonlocal consumed
        for number in range(5 * XLSX_FLUSH_ROWS):
            consumed += 1
            yield [f"Leerling {number}", number]

    chunks = xlsx_chunks(["Naam", "Nummer"], rows())
    first = next(chunks)
    assert first.startswith(b"PK") and consumed == 0  # the fixed parts come first
    received = [first]
    while consumed < XLSX_FLUSH_ROWS:
        received.append(next(chunks))
    assert consumed < 5 * XLSX_FLUSH_ROWS  # streamed, not built whole
    received.extend(chunks)
    sheet = read(received).active
    assert sheet.max_row == 1 + 5 * XLSX_FLUSH_ROWS
    assert sheet.cell(row=sheet.max_row, column=1).value == f"Leerling {5 * XLSX_FLUSH_ROWS - 1}"
