"""Streaming tabular exports for Excel with a Belgian locale: CSV (UTF-8 with BOM, `;`,
dd/mm/yyyy, formula-like cells neutralised) and XLSX (a streamed zip, see xlsx_chunks).

National register numbers and phone numbers reach these writers in their written forms
(`matching.validators.format_nrn` / `format_phone`, applied by the callers' rows), which
spreadsheets keep as text: 09.12.01-437.29, 0470 12 34 56.

Memory stays flat: rows are produced by a generator and written as they come; callers pass
querysets through `.iterator(chunk_size=...)`.
"""

import csv
import datetime as dt
import io
import re
import stat
import zlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from stream_zip import NO_COMPRESSION_32, ZIP_32, stream_zip

from .http import set_no_store

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def _date_text(value: dt.date) -> str:
    if value.year < 1000:  # strftime's %Y differs between platforms below 1000
        return value.strftime("%d/%m/%Y")
    return f"{value.day:02}/{value.month:02}/{value.year}"


def _datetime_text(value: dt.datetime) -> str:
    """dd/mm/yyyy HH:MM of a datetime already in local time (strftime's result; an
    f-string is three times faster, and the export writes one or two per row)."""
    if value.year < 1000:
        return value.strftime("%d/%m/%Y %H:%M")
    return f"{value.day:02}/{value.month:02}/{value.year} {value.hour:02}:{value.minute:02}"


def cell_text(value, tz=None) -> str:
    """A value as Belgian users read it, safe to open in a spreadsheet. Aware datetimes
    are shown in `tz`, by default the current time zone."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str or kind is int:
        # Most cells of a large export: skip the isinstance chain below (same result).
        text = value if kind is str else str(value)
        return "'" + text if text.startswith(FORMULA_PREFIXES) else text
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.datetime):
        if value.utcoffset() is not None:  # timezone.is_aware
            value = value.astimezone(tz or timezone.get_current_timezone())
        return _datetime_text(value)
    if isinstance(value, dt.date):
        return _date_text(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        # A leading apostrophe makes Excel show the text instead of evaluating it.
        return "'" + text
    return text


CSV_BATCH_ROWS = 500
_DATE_MEMO_SIZE = 4096


def _csv_cells():
    """A function giving a row's cells as csv.writer should write them: cell_text of each,
    with the current time zone read once, the cells csv.writer writes the same way itself
    (plain text, a non-negative int) passed through, date cells memoised (an export repeats
    a few hundred internship dates) and a datetime written again in the next cell reused."""
    tz = timezone.get_current_timezone()
    dates: dict[dt.date, str] = {}
    last_moment: list = [None, ""]  # a row often holds the same datetime twice, in a row

    def text(value) -> str:
        kind = type(value)
        if kind is dt.date:
            found = dates.get(value)
            if found is None:
                found = _date_text(value)
                if len(dates) < _DATE_MEMO_SIZE:
                    dates[value] = found
            return found
        if kind is dt.datetime:
            if value is not last_moment[0]:
                last_moment[:] = value, cell_text(value, tz)
            return last_moment[1]
        return cell_text(value, tz)

    def cells(row: Sequence) -> list:
        return [
            value
            if ((kind := type(value)) is str and not value.startswith(FORMULA_PREFIXES))
            or (kind is int and value >= 0)
            else ""
            if value is None
            else text(value)
            for value in row
        ]

    return cells


def csv_rows(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV text: the header first (the first byte leaves before any row is read), then
    the rows in pieces of CSV_BATCH_ROWS, each written by one writerows call."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([cell_text(h) for h in header])
    yield BOM + _drain(buffer)
    cells = _csv_cells()
    rows = iter(rows)
    while batch := list(islice(rows, CSV_BATCH_ROWS)):
        writer.writerows(map(cells, batch))
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in csv_rows(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    set_no_store(response)
    return response


# XLSX is written here rather than with openpyxl (which still reads the school imports):
# openpyxl assembles the zip only when the workbook is saved, so the first byte of a
# 50,000-row export waited for the whole file (26 s in `make bench`, past gunicorn's timeout
# at 100,000 rows). This writer streams the zip as rows come, like the CSV: a few files of
# fixed XML and one worksheet with inline strings, dates as serial numbers with a format.
#
# The zip container comes from stream-zip: plain (non-Zip64) entries throughout, version
# 2.0 to extract. The fixed parts are stored with their CRC and sizes in the local header;
# the worksheet, whose size is known only at its end, is deflated with a 32-bit data
# descriptor. Python's zipfile could only stream it with a Zip64 local header under a
# 32-bit central directory, which Excel for the web is reported to reject. A worksheet of
# 4 GiB or more (tens of millions of rows, far beyond a school year) would raise instead
# of writing a broken file.
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Styles: 0 plain, 1 date, 2 date and time, 3 bold (the header row).
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{_MAIN_NS}">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
        '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_EPOCH = dt.datetime(1899, 12, 30)
# Characters XML 1.0 cannot hold at all; they are dropped from cell text.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_CELL_TEXT = 32767  # Excel's limit per cell (UTF-16 code units)
XLSX_FLUSH_ROWS = 500
XLSX_CHUNK_BYTES = 64 * 1024


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def truncation_marker() -> str:
    """What ends a text cut to fit one XLSX cell (the CSV keeps the whole text)."""
    return _(" … [ingekort: te lang voor één cel, de CSV-export bevat de volledige tekst]")


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit_cell(text: str) -> str:
    """`text` within Excel's 32,767 characters per cell, cut with a visible marker."""
    if len(text) <= _MAX_CELL_TEXT // 2 or _utf16_length(text) <= _MAX_CELL_TEXT:
        return text
    marker = truncation_marker()
    room = _MAX_CELL_TEXT - _utf16_length(marker)
    cut = text[:room]
    while _utf16_length(cut) > room:
        cut = cut[: len(cut) - (_utf16_length(cut) - room)]
    return cut + marker


def _xml_text(text: str) -> str:
    if len(text) <= _MAX_CELL_TEXT // 2 and not _XML_SPECIAL.search(text):
        return text  # most cells: nothing to drop, cut or escape (the same result)
    text = _fit_cell(_XML_ILLEGAL.sub("", text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xlsx_text(value) -> str:
    """A cell's text as typed. An XLSX inline string is never a formula, so formula-like
    text is stored as it is: no apostrophe in the data (that neutralisation is the CSV's)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def _xlsx_cell(ref: str, value, style: int = 0, tz=None) -> str:
    """One <c> element: text as an inline string (never a formula), numbers and dates typed.
    Aware datetimes are written in `tz`'s local time, by default the current time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="inlineStr"><is><t>{_xlsx_text(value)}</t></is></c>'
    if isinstance(value, dt.datetime):
        if value.utcoffset() is not None:  # timezone.make_naive(timezone.localtime(value))
            value = value.astimezone(tz or timezone.get_current_timezone()).replace(tzinfo=None)
        serial = (value - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="2"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH.date()).days}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    style_attr = f' s="{style}"' if style else ""
    return (
        f'<c r="{ref}"{style_attr} t="inlineStr"><is><t xml:space="preserve">'
        f"{_xml_text(_xlsx_text(value))}</t></is></c>"
    )


def _sheet_name(title: str) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31] or "Export"
    return _xml_text(name).replace('"', "&quot;")


def _sheet_xml(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The worksheet's XML, a few hundred rows per chunk."""
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN_NS}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews><sheetData>"
    ).encode()
    letters = [_column_letters(i) for i in range(len(header))]
    cells = "".join(
        _xlsx_cell(f"{letters[i]}1", str(name), style=3) for i, name in enumerate(header)
    )
    pending = [f'<row r="1">{cells}</row>']
    number = 1
    tz = timezone.get_current_timezone()
    for row in rows:
        number += 1
        while len(letters) < len(row):
            letters.append(_column_letters(len(letters)))
        # _xlsx_cell's result, with its two commonest cases (text, int) written here.
        cells = []
        for letter, value in zip(letters, row, strict=False):
            kind = type(value)
            if kind is str:
                if value:
                    cells.append(
                        f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">'
                        f"{_xml_text(value)}</t></is></c>"
                    )
            elif kind is int:
                cells.append(f'<c r="{letter}{number}"><v>{value!r}</v></c>')
            elif value is not None:
                cells.append(_xlsx_cell(f"{letter}{number}", value, tz=tz))
        pending.append(f'<row r="{number}">{"".join(cells)}</row>')
        if number % XLSX_FLUSH_ROWS == 0:
            yield "".join(pending).encode()
            pending.clear()
    pending.append("</sheetData></worksheet>")
    yield "".join(pending).encode()


def _fast_deflate():
    # Level 1: the export is CPU-bound on the web worker; level 9 (stream-zip's default)
    # costs several times the time for a few per cent of size.
    return zlib.compressobj(level=1, wbits=-zlib.MAX_WBITS)


def xlsx_chunks(
    header: Sequence[str], rows: Iterable[Sequence], title: str = "Export"
) -> Iterator[bytes]:
    """An XLSX workbook (one sheet, header row in bold and frozen) as a stream of bytes."""
    modified = timezone.localtime().replace(tzinfo=None)
    mode = stat.S_IFREG | 0o644
    parts = {
        **_XLSX_PARTS,
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name="{_sheet_name(title)}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
    }
    members = [
        (name, modified, mode, NO_COMPRESSION_32, (text.encode(),)) for name, text in parts.items()
    ]
    members.append(("xl/worksheets/sheet1.xml", modified, mode, ZIP_32, _sheet_xml(header, rows)))
    yield from stream_zip(
        members,
        chunk_size=XLSX_CHUNK_BYTES,
        get_compressobj=_fast_deflate,
        extended_timestamps=False,
    )


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], title="Export"):
    response = StreamingHttpResponse(
        xlsx_chunks(header, rows, title=title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    set_no_store(response)
    return response


def export_response(fmt: str, filename: str, header, rows, title="Export"):
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, title=title)
    return csv_response(filename, header, rows)


def read_csv_bytes(data: bytes) -> list[list[str]]:
    """Parse what csv_response wrote (tests and round trips)."""
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))
