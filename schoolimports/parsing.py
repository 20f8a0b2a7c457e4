"""Reading a school's student file: CSV (UTF-8, UTF-8 with BOM or Windows-1252; `;` or `,`)
or XLSX, mapped onto the Dutch headers of the template. No rules about students here —
school_services.import_validate decides what a value means.

Cells come back as text, with their spreadsheet row number (the row a person sees, whatever
blank lines stand above the kolomkoppen). An XLSX formula cell gives the value the
spreadsheet stored with it, never its formula text (schoolimports.sheets reads with
data_only=True and nothing is evaluated); a formula without a stored value, data under a
column without a kolomkop and a cell longer than a spreadsheet cell can be are row problems
(ParsedFile.problems), reported with the row and column like any other row error.

Rows and columns are bounded, empty ones included: at most max_rows rows under the
kolomkoppen and IMPORT_MAX_COLUMNS columns, checked on the declared size of every sheet
before reading and on every row while reading (schoolimports.sheets).
"""

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.models import REGISTRABLE_FIELDS
from schoolimports.sheets import (
    HEADER_SEARCH_ROWS,
    MAX_CELL_CHARS,
    CellProblem,
    ImportFileError,
    column_letter,
    detect_kind,
    number,
    too_many_rows,
    xlsx_sheets,
)

__all__ = ["ImportFileError", "ParsedFile", "parse_file", "inspect_file"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    aliases: tuple[str, ...] = ()


_COLUMNS = [
    Column(
        "track",
        "Type leerling",
        False,
        gettext_lazy(
            "secundair, volwassenenonderwijs (CVO) of duaal; mag leeg blijven bij een CVO"
        ),
        ("type", "track", "soort leerling", "onderwijsvorm"),
    ),
    Column("first_name", "Voornaam", True, gettext_lazy("verplicht")),
    Column("last_name", "Achternaam", True, gettext_lazy("verplicht"), ("naam", "familienaam")),
    Column(
        "national_register_number",
        "Rijksregisternummer",
        True,
        gettext_lazy("verplicht; 11 cijfers, met of zonder punten en streepjes"),
        ("rrn", "rijksregisternr", "insz", "nationaal nummer"),
    ),
    Column("email", "E-mail leerling", False, "", ("e-mailadres leerling", "e-mail")),
    Column("phone", "Telefoon leerling", False, "", ("gsm leerling", "telefoon", "gsm")),
    Column("postcode", "Postcode", True, gettext_lazy("verplicht; 4 cijfers")),
    Column(
        "municipality",
        "Gemeente",
        False,
        gettext_lazy("mag leeg blijven: wordt afgeleid van de postcode"),
        ("woonplaats", "deelgemeente"),
    ),
    Column("education", "Opleiding", False, "", ("richting", "studierichting")),
    Column(
        "supervisor_name",
        "Naam stagebegeleider",
        False,
        "",
        ("stagebegeleider", "werkplekbegeleider", "naam werkplekbegeleider"),
    ),
    Column(
        "supervisor_email",
        "E-mail stagebegeleider",
        False,
        "",
        ("e-mailadres stagebegeleider", "e-mail werkplekbegeleider"),
    ),
    Column(
        "supervisor_phone",
        "Telefoon stagebegeleider",
        False,
        "",
        ("telefoon werkplekbegeleider",),
    ),
    Column(
        "transport_modes",
        "Vervoersmiddelen",
        False,
        gettext_lazy("namen gescheiden door een komma of |, bv. Fiets, Openbaar vervoer"),
        ("vervoersmiddel", "mobiliteit"),
    ),
    Column(
        "preferred_services",
        "Voorkeursdiensten",
        False,
        gettext_lazy("naam of code van de dienst; meerdere gescheiden door |"),
        ("voorkeursdienst", "dienst"),
    ),
    Column(
        "requested_start",
        "Gewenste start",
        False,
        gettext_lazy("datum als dd/mm/jjjj"),
        ("start", "startdatum"),
    ),
    Column(
        "requested_end",
        "Gewenst einde",
        False,
        gettext_lazy("datum als dd/mm/jjjj"),
        ("einde", "einddatum"),
    ),
    Column("hours", "Aantal stage-uren", False, gettext_lazy("een geheel getal"), ("uren",)),
    Column("remarks", "Opmerkingen", False, "", ("opmerking",)),
]
# One column per registrable field of a student, in that declaration's order: a field
# added there without a column here stops the app at start-up (KeyError).
_BY_KEY = {c.key: c for c in _COLUMNS}
COLUMNS = [_BY_KEY[key] for key in REGISTRABLE_FIELDS]
if len(COLUMNS) != len(_COLUMNS):
    raise RuntimeError(
        "Import columns without a registrable student field: "
        + ", ".join(sorted(set(_BY_KEY) - set(REGISTRABLE_FIELDS)))
    )
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]


@dataclass
class ParsedFile:
    keys: list[str]  # column keys in file order (None for an ignored empty header)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    # Cells that cannot be used, found while reading: (row, column label, message).
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    sheet: str = ""  # the worksheet that was read (XLSX); "" for a CSV file


def normalise_header(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    text = text.lower().replace("*", "").replace("email", "e-mail")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_HEADER_INDEX = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.key, *_column.aliases):
        _HEADER_INDEX.setdefault(normalise_header(_name), _column.key)


def map_headers(headers) -> list[str | None]:
    """Column keys for a header row; raises ImportFileError for unknown or missing columns."""
    keys: list[str | None] = []
    problems = []
    seen = set()
    for index, header in enumerate(headers, start=1):
        name = normalise_header(header)
        if not name:
            keys.append(None)
            continue
        key = _HEADER_INDEX.get(name)
        if key is None:
            problems.append(_("Kolom %(n)s: onbekende kolom „%(h)s”.") % {"n": index, "h": header})
        elif key in seen:
            problems.append(
                _("Kolom %(n)s: de kolom „%(h)s” komt twee keer voor.") % {"n": index, "h": header}
            )
        seen.add(key)
        keys.append(key)
    missing = [c.header for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        problems.append(_("Verplichte kolommen ontbreken: %s.") % ", ".join(missing))
    if problems:
        problems.append(
            _("Gebruik de kolomkoppen van het sjabloon: %s.") % ", ".join(HEADERS),
        )
        raise ImportFileError(" ".join(problems))
    return keys


def _text(value) -> str:
    """A cell as text; numbers and dates from a spreadsheet as a person typed them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def _is_empty(raw) -> bool:
    return not any(isinstance(v, CellProblem) or _text(v) for v in raw)


def _column_label(index: int, keys) -> str:
    """The header of column `index` (0-based), or its letter when it has none."""
    key = keys[index] if index < len(keys) else None
    if key is not None:
        return COLUMN_BY_KEY[key].header
    return _("kolom %s") % column_letter(index + 1)


def _parse_rows(numbered_rows, *, max_rows: int, sheet: str = "") -> ParsedFile | None:
    """Header and rows from (row number, cells) pairs; None when there is no cell at all."""
    header = header_row = None
    for row_number, raw in numbered_rows:
        if _is_empty(raw):
            continue
        if row_number > HEADER_SEARCH_ROWS:
            raise ImportFileError(_kolomkoppen_missing(sheet))
        header, header_row = raw, row_number
        break
    if header is None:
        return None
    keys = map_headers(["" if isinstance(v, CellProblem) else _text(v) for v in header])
    parsed = ParsedFile(keys=keys, sheet=sheet)
    for row_number, raw in numbered_rows:
        if row_number - header_row > max_rows:
            raise ImportFileError(too_many_rows(max_rows, sheet=sheet))
        values = {}
        for index, value in enumerate(raw):
            key = keys[index] if index < len(keys) else None
            if isinstance(value, CellProblem):
                parsed.problems.append((row_number, _column_label(index, keys), value.message))
                text = ""
            else:
                text = _text(value)
            if not text:
                continue
            if len(text) > MAX_CELL_CHARS:
                parsed.problems.append(
                    (
                        row_number,
                        _column_label(index, keys),
                        _(
                            "Deze cel is te lang: ze telt %(n)s tekens, een cel mag er "
                            "hoogstens %(max)s tellen."
                        )
                        % {"n": number(len(text)), "max": number(MAX_CELL_CHARS)},
                    )
                )
            elif key is None:
                parsed.problems.append(
                    (
                        row_number,
                        _column_label(index, keys),
                        _(
                            "Er staan gegevens in een kolom zonder kolomkop. Geef de kolom een "
                            "kolomkop uit het sjabloon, of maak de cel leeg."
                        ),
                    )
                )
            else:
                values[key] = text
        if values:
            # A row with nothing but problems stands as those problems, not as a student
            # with every required field missing.
            parsed.rows.append((row_number, values))
    return parsed


def _kolomkoppen_missing(sheet: str) -> str:
    if sheet:
        return _(
            "In werkblad „%(sheet)s” zijn de eerste %(n)s rijen leeg: zet de kolomkoppen van "
            "het sjabloon in de eerste rij."
        ) % {"sheet": sheet, "n": HEADER_SEARCH_ROWS}
    return _(
        "De eerste %(n)s rijen van het bestand zijn leeg: zet de kolomkoppen van het sjabloon "
        "in de eerste rij."
    ) % {"n": HEADER_SEARCH_ROWS}


def inspect_file(data: bytes) -> str:
    """The cheap checks of an upload, done before anything is read: its kind ("csv" or
    "xlsx"); other formats are refused by name (schoolimports.sheets.detect_kind)."""
    return detect_kind(data)


def parse_file(data: bytes, *, max_rows: int) -> ParsedFile:
    """Read the rows of a CSV or XLSX file (detected from its content, not its name)."""
    if inspect_file(data) == "xlsx":
        return _parse_xlsx(data, max_rows)
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    max_columns = settings.IMPORT_MAX_COLUMNS
    parsed = _parse_rows(_bounded_csv(reader, max_columns), max_rows=max_rows)
    if parsed is None:
        raise ImportFileError(_("Het bestand is leeg."))
    return parsed


def _bounded_csv(reader, max_columns: int):
    """(row number, fields) of a CSV file; the row number is the record's, as a spreadsheet
    shows it, blank lines included."""
    row_number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise ImportFileError(
                _(
                    "Dit CSV-bestand kan niet gelezen worden vanaf rij %(row)s: daar staat een "
                    "teken dat niet in tekst thuishoort. Bewaar het bestand opnieuw als CSV "
                    "(UTF-8)."
                )
                % {"row": row_number + 1}
            )
        row_number += 1
        used = len(record)
        while used > max_columns and not record[used - 1].strip():
            used -= 1
        if used > max_columns:
            raise ImportFileError(
                _(
                    "Rij %(row)s heeft gegevens in kolom %(letter)s. Een importbestand mag "
                    "hoogstens %(max)s kolommen gebruiken (tot kolom %(last)s)."
                )
                % {
                    "row": row_number,
                    "letter": column_letter(used),
                    "max": max_columns,
                    "last": column_letter(max_columns),
                }
            )
        yield row_number, record[:max_columns]


# A cell may hold up to MAX_CELL_CHARS characters (reported per row when longer); the csv
# module's own limit (131,072) would otherwise stop the whole file with a bare csv.Error.
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))


def _parse_xlsx(data: bytes, max_rows: int) -> ParsedFile:
    """The first worksheet, in tab order, that holds any cell; later sheets are not read."""
    sheets = xlsx_sheets(
        data,
        max_rows=max_rows,
        max_columns=settings.IMPORT_MAX_COLUMNS,
        max_unpacked=settings.IMPORT_MAX_UNPACKED_BYTES,
    )
    try:
        for sheet in sheets:
            parsed = _parse_rows(sheet.rows, max_rows=max_rows, sheet=sheet.title)
            if parsed is not None:
                return parsed
    finally:
        sheets.close()
    raise ImportFileError(_("Het bestand is leeg: geen enkel werkblad bevat gegevens."))


# Templates -------------------------------------------------------------------------------


def template_csv_rows():
    """The CSV template: only the header row (an example row would be imported by mistake)."""
    return HEADERS, []


def template_xlsx(*, transport_modes, services) -> io.BytesIO:
    """The XLSX template: a sheet to fill in, an explanation, and the lists to choose from."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Leerlingen"
    sheet.append(HEADERS)
    for index, cell in enumerate(sheet[1], start=1):
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = max(14, len(HEADERS[index - 1]) + 4)
    # Text format for the columns where a spreadsheet would eat leading zeros.
    for key in ("national_register_number", "phone", "supervisor_phone", "postcode"):
        letter = sheet.cell(row=1, column=HEADERS.index(COLUMN_BY_KEY[key].header) + 1)
        for row in range(2, 1002):
            sheet[f"{letter.column_letter}{row}"].number_format = "@"
    explanation = workbook.create_sheet("Uitleg")
    explanation.append([_("Kolom"), _("Verplicht"), _("Uitleg")])
    for column in COLUMNS:
        explanation.append(
            [column.header, _("ja") if column.required else _("nee"), str(column.help)]
        )
    explanation.column_dimensions["A"].width = 28
    explanation.column_dimensions["C"].width = 80
    lists = workbook.create_sheet("Keuzelijsten")
    lists.append([_("Vervoersmiddelen"), "", _("Dienst"), _("Code")])
    modes = [m.name for m in transport_modes]
    services = [(s.name, s.code) for s in services]
    for index in range(max(len(modes), len(services))):
        mode = modes[index] if index < len(modes) else ""
        name, code = services[index] if index < len(services) else ("", "")
        lists.append([mode, "", name, code])
    for sheet_ in (explanation, lists):
        for cell in sheet_[1]:
            cell.font = bold
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    return handle
