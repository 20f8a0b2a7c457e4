"""The streamed XLSX writer: what Excel (here: openpyxl) reads back, and that it streams."""

import datetime as dt
import io
import secrets
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from core.exports import XLSX_FLUSH_ROWS, csv_rows, truncation_marker, xlsx_chunks

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
    # An inline string is never a formula: stored as typed, no apostrophe, no quote prefix.
    assert cells[7].data_type == "s" and cells[7].value == '=HYPERLINK("http://x","klik")'
    assert not cells[7].quotePrefix


def test_text_beyond_a_cell_is_cut_with_a_visible_marker():
    marker = truncation_marker()
    fits = "a" * 32767
    too_long = "b" * 40000
    # 😀 counts as two UTF-16 units, as Excel counts it.
    wide = "😀" * 20000
    sheet = read(xlsx_chunks(["Opmerking"], [[fits], [too_long], [wide]])).active
    assert sheet["A2"].value == fits
    cut = sheet["A3"].value
    assert cut.endswith(marker) and cut.startswith("b" * 30000)
    assert len(cut) == 32767
    cut = sheet["A4"].value
    assert cut.endswith(marker)
    assert len(cut.encode("utf-16-le")) // 2 <= 32767
    assert "ingekort" in marker


def test_the_csv_keeps_a_long_text_whole():
    text = "c" * 40000
    assert "".join(csv_rows(["Opmerking"], [[text]])).count(text) == 1


def test_bytes_leave_before_the_rows_are_all_read():
    consumed = 0
    total = 20 * XLSX_FLUSH_ROWS

    def rows():
        nonlocal consumed
        for number in range(total):
            consumed += 1
            # Text that deflate cannot shrink much, as names and remarks of real rows.
            yield [f"Leerling {number}", number, secrets.token_hex(40)]

    chunks = xlsx_chunks(["Naam", "Nummer", "Code"], rows())
    first = next(chunks)
    assert first.startswith(b"PK") and consumed == 0  # the fixed parts come first
    received = [first]
    while consumed < XLSX_FLUSH_ROWS:
        received.append(next(chunks))
    while b"".join(received).count(b"sheet1.xml") == 0:  # the sheet's local header
        received.append(next(chunks))
    received.append(next(chunks))  # its first block of compressed rows
    assert consumed < total // 2  # streamed, not built whole
    received.extend(chunks)
    sheet = read(received).active
    assert sheet.max_row == 1 + total
    assert sheet.cell(row=sheet.max_row, column=1).value == f"Leerling {total - 1}"
