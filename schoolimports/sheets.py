"""Opening a school's upload safely: what kind of file it is, and the cells of an XLSX
workbook read as a bounded stream.

Every bound is checked before the work it protects: the zip's declared uncompressed sizes
before anything is unpacked (zipfile never inflates a part past its declared size), each
sheet's declared dimension before its rows are read, and while streaming the row and column
of every <row> and <c> element, empty ones included, so a sheet that lies about its size is
stopped at the first row or column past the limit instead of being read to its end.

Formula cells give the value the spreadsheet stored with them (the workbook is read with
data_only=True, so nothing is ever evaluated here). A formula without a stored value and a
stored error value (#NAME?, #DIV/0!) come back as CellProblem, for a row error.

The streaming reader is openpyxl's own worksheet parser (openpyxl.worksheet._reader, pinned in
requirements.lock): it already knows shared strings, inline strings, rich text and date
styles; the subclass only keeps apart "formula without a value" from "empty cell".
"""

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.errors import DomainError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls, and password-protected OOXML
# Excel's own limit for the text of one cell; longer text cannot come from a spreadsheet.
MAX_CELL_CHARS = 32_767
# The kolomkoppen may stand a few rows down (a title row, a blank line), not further.
HEADER_SEARCH_ROWS = 20


class ImportFileError(DomainError):
    """The file as a whole cannot be read; `message` says why, in Dutch."""

    def __init__(self, message):
        super().__init__(str(message))


@dataclass(frozen=True)
class CellProblem:
    """A cell whose value cannot be used; `message` is the row error, in Dutch."""

    message: str


def number(value: int) -> str:
    """10000 -> "10.000", as a Belgian reader writes it."""
    return f"{value:,}".replace(",", ".")


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def save_as_advice() -> str:
    return _(
        "Open het bestand in uw rekenprogramma, kies „Opslaan als” en bewaar het als "
        "Excel-werkmap (.xlsx) of als CSV-bestand (.csv)."
    )


def _refuse(message) -> ImportFileError:
    return ImportFileError(f"{message} {save_as_advice()}")


# What kind of file ---------------------------------------------------------------------


def detect_kind(data: bytes) -> str:
    """ "xlsx" or "csv", judged from the content (a name can lie); any other format is
    refused with its name and the advice to save it as .xlsx or .csv."""
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportFileError(
                _(
                    "Dit Excel-bestand is beveiligd met een wachtwoord en kan daardoor niet "
                    "gelezen worden. Open het, verwijder het wachtwoord (Bestand > Info > "
                    "Werkmap beveiligen) en bewaar het opnieuw als .xlsx."
                )
            )
        raise _refuse(_("Dit is een oud Excel-bestand (.xls); dat wordt niet ondersteund."))
    if data.startswith(XLSX_MAGIC):
        return _zip_kind(data)
    if data.startswith(b"%PDF"):
        raise _refuse(_("Dit is een PDF-bestand, geen rekenblad."))
    head = data[:4096]
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text_head.startswith(b"<"):
        if b"opendocument" in head.lower() or b"office:document" in head.lower():
            raise _refuse(
                _("Dit is een OpenDocument-rekenblad in XML (.fods); dat wordt niet ondersteund.")
            )
        raise _refuse(
            _(
                "Dit is een webpagina of XML-bestand (bijvoorbeeld een „Excel”-export uit een "
                "ander programma), geen CSV- of Excel-bestand."
            )
        )
    if b"\x00" in head:
        raise _refuse(_("Dit bestand is geen CSV- of Excel-bestand."))
    return "csv"


_ZIP_KINDS = [
    # (a part that identifies the format, its message)
    (
        "xl/workbook.bin",
        gettext_lazy("Dit is een binaire Excel-werkmap (.xlsb); die wordt niet ondersteund."),
    ),
    ("word/document.xml", gettext_lazy("Dit is een Word-document, geen rekenblad.")),
    ("ppt/presentation.xml", gettext_lazy("Dit is een PowerPoint-presentatie, geen rekenblad.")),
    (
        "Index/Document.iwa",
        gettext_lazy("Dit is een Numbers-bestand (.numbers); dat wordt niet ondersteund."),
    ),
]
_ODF_KINDS = {
    "application/vnd.oasis.opendocument.spreadsheet": gettext_lazy(
        "Dit is een OpenDocument-rekenblad (.ods), zoals LibreOffice het bewaart; dat wordt "
        "niet ondersteund."
    ),
    "application/vnd.oasis.opendocument.text": gettext_lazy(
        "Dit is een tekstdocument (.odt), geen rekenblad."
    ),
}


def _zip_kind(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ImportFileError(
            _(
                "Dit bestand is beschadigd of onvolledig opgeladen. Bewaar het opnieuw in uw "
                "rekenprogramma en laad het opnieuw op."
            )
        )
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            mimetype = archive.read("mimetype") if info.file_size < 200 else b""
            message = _ODF_KINDS.get(mimetype.decode("ascii", "replace").strip())
            raise _refuse(message or _("Dit is een OpenDocument-bestand, geen Excel-werkmap."))
        if "xl/workbook.xml" in names:
            return "xlsx"
        for part, message in _ZIP_KINDS:
            if part in names:
                raise _refuse(message)
    raise _refuse(_("Dit is een zip-bestand, geen Excel-werkmap."))


# Reading an XLSX workbook ---------------------------------------------------------------


def check_container(archive: zipfile.ZipFile, *, max_unpacked: int) -> None:
    """Refuse a workbook whose XML parts would unpack to more than `max_unpacked` bytes,
    from the sizes the zip declares (the reader never inflates a part past them)."""
    unpacked = sum(
        info.file_size
        for info in archive.infolist()
        if info.filename.lower().endswith((".xml", ".rels", ".vml"))
    )
    if unpacked > max_unpacked:
        raise ImportFileError(
            _(
                "Dit Excel-bestand is uitgepakt %(size)s groot; hoogstens %(max)s kan "
                "ingelezen worden. Kopieer enkel de leerlingen naar een nieuwe werkmap, "
                "of bewaar ze als CSV-bestand (.csv)."
            )
            % {"size": megabytes(unpacked), "max": megabytes(max_unpacked)}
        )


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _make_parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class CachedValueParser(WorkSheetParser):
        """openpyxl's parser with data_only=True, telling "formula without value" and
        error values apart from an empty cell."""

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["data_type"] == "e" and cell["value"] is not None:
                cell["value"] = CellProblem(
                    _(
                        "Deze cel bevat de foutwaarde %s (van een formule). Verbeter de "
                        "formule of typ de waarde zelf in."
                    )
                    % cell["value"]
                )
            elif cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = CellProblem(
                    _(
                        "Deze cel bevat een formule zonder berekende waarde. Typ de waarde "
                        "zelf in, of open het bestand in uw rekenprogramma en bewaar het "
                        "opnieuw (dan wordt de waarde mee bewaard)."
                    )
                )
            return cell

    return CachedValueParser


class SheetTooLarge(ImportFileError):
    pass


def check_bounds(sheet: str, *, rows: int | None, columns: int | None, max_rows, max_columns):
    """One rule for the declared dimension and for what the stream meets: at most
    `max_columns` columns and `max_rows` rows under the kolomkoppen, empty ones counted."""
    if columns is not None and columns > max_columns:
        raise SheetTooLarge(
            _(
                "Werkblad „%(sheet)s” gebruikt kolommen tot kolom %(letter)s (lege opgemaakte "
                "cellen tellen mee); een importbestand mag hoogstens %(max)s kolommen "
                "gebruiken, tot kolom %(last)s. Verwijder wat rechts van uw gegevens staat, of "
                "kopieer de leerlingen naar een nieuwe werkmap."
            )
            % {
                "sheet": sheet,
                "letter": column_letter(columns),
                "max": max_columns,
                "last": column_letter(max_columns),
            }
        )
    if rows is not None and rows > max_rows + HEADER_SEARCH_ROWS:
        raise SheetTooLarge(
            _(
                "Werkblad „%(sheet)s” loopt tot rij %(rows)s (lege rijen tellen mee); een "
                "bestand mag hoogstens %(max)s rijen onder de kolomkoppen tellen."
            )
            % {"sheet": sheet, "rows": number(rows), "max": number(max_rows)}
            + " "
            + rows_advice(max_rows)
        )


def rows_advice(max_rows: int) -> str:
    return _(
        "Verwijder de lege rijen onderaan, of splits het bestand op in bestanden van "
        "hoogstens %(max)s leerlingen."
    ) % {"max": number(max_rows)}


def too_many_rows(max_rows: int, *, sheet: str = "") -> str:
    """The message for a file with more than `max_rows` rows under its kolomkoppen."""
    if sheet:
        message = _(
            "Werkblad „%(sheet)s” telt meer dan %(max)s rijen onder de kolomkoppen (lege "
            "rijen tellen mee)."
        ) % {"sheet": sheet, "max": number(max_rows)}
    else:
        message = _(
            "Het bestand telt meer dan %(max)s rijen onder de kolomkoppen (lege rijen tellen mee)."
        ) % {"max": number(max_rows)}
    return f"{message} {rows_advice(max_rows)}"


@dataclass
class Sheet:
    title: str
    rows: object  # iterator of (row number, [cell value, ...]) with gaps left out


def xlsx_sheets(data: bytes, *, max_rows: int, max_columns: int, max_unpacked: int):
    """Yield every worksheet of the workbook in tab order as a Sheet whose rows stream.

    Raises ImportFileError for a file that is not a readable workbook or is out of bounds.
    The caller decides which sheet to read; it must exhaust or drop one before the next."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ImportFileError(_("Dit Excel-bestand kan niet gelezen worden."))
    check_container(archive, max_unpacked=max_unpacked)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(
            _(
                "Dit Excel-bestand kan niet gelezen worden. Open het in uw rekenprogramma "
                "en bewaar het opnieuw als Excel-werkmap (.xlsx)."
            )
        )
    parser_class = _make_parser_class()
    try:
        sheets = list(workbook.worksheets)
        # The declared dimension of every sheet is checked before any row is read.
        for sheet in sheets:
            check_bounds(
                sheet.title,
                rows=sheet.max_row,
                columns=sheet.max_column,
                max_rows=max_rows,
                max_columns=max_columns,
            )
        for sheet in sheets:
            yield Sheet(
                sheet.title,
                _stream(workbook, sheet, parser_class, max_rows=max_rows, max_columns=max_columns),
            )
    finally:
        workbook.close()


def _stream(workbook, sheet, parser_class, *, max_rows, max_columns):
    source = workbook._archive.open(sheet._worksheet_path)
    try:
        parser = parser_class(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        # The row limit counts from the top: the reader of the rows (imports._parse_rows)
        # refines it from the header's row; here a sheet is never read past that bound.
        hard_limit = max_rows + HEADER_SEARCH_ROWS
        for row_number, cells in parser.parse():
            if row_number > hard_limit:
                check_bounds(
                    sheet.title,
                    rows=row_number,
                    columns=None,
                    max_rows=max_rows,
                    max_columns=max_columns,
                )
            if not cells:
                yield row_number, []  # an empty row still counts toward the row limit
                continue
            widest = max(c["column"] for c in cells)
            if widest > max_columns:
                check_bounds(
                    sheet.title,
                    rows=None,
                    columns=widest,
                    max_rows=max_rows,
                    max_columns=max_columns,
                )
            values = [None] * widest
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield row_number, values
    finally:
        source.close()
