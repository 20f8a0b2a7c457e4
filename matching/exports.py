"""Streaming tabular exports for Excel with a Belgian locale: CSV (UTF-8 with BOM, `;`,
dd/mm/yyyy, formula-like cells neutralised) and XLSX (openpyxl write-only).

Memory stays flat: rows are produced by a generator and written as they come; callers pass
querysets through `.iterator(chunk_size=...)`.
"""

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def cell_text(value) -> str:
    """A value as Belgian users read it, safe to open in a spreadsheet."""
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
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        # A leading apostrophe makes Excel show the text instead of evaluating it.
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_rows(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    yield BOM + writer.writerow([cell_text(h) for h in header])
    for row in rows:
        yield writer.writerow([cell_text(v) for v in row])


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in csv_rows(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _xlsx_value(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(timezone.localtime(value))
        return value
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        return value
    return cell_text(value)


def xlsx_file(header: Sequence[str], rows: Iterable[Sequence], title: str = "Export"):
    """Write an XLSX in write-only mode to a spooled temporary file and return it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            value = _xlsx_value(value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            cells.append(cell)
        sheet.append(cells)
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned)
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], title="Export"):
    response = FileResponse(
        xlsx_file(header, rows, title=title),
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response


def export_response(fmt: str, filename: str, header, rows, title="Export"):
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, title=title)
    return csv_response(filename, header, rows)


def read_csv_bytes(data: bytes) -> list[list[str]]:
    """Parse what csv_response wrote (tests and round trips)."""
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))
