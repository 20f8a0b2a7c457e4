"""Reading a school's student file: CSV (UTF-8, UTF-8 with BOM or Windows-1252; `;` or `,`)
or XLSX, mapped onto the Dutch headers of the template. No rules about students here —
school_services.import_validate decides what a value means.

Cells come back as text. Formula cells of an XLSX come back as their formula text
("=1+1"): the workbook is opened with data_only=False, so nothing is ever evaluated, and
the cached result a spreadsheet may have stored is never read.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.errors import DomainError
from matching.models import REGISTRABLE_FIELDS

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


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


class ImportFileError(DomainError):
    """The file as a whole cannot be read; `message` says why, in Dutch."""

    def __init__(self, message):
        super().__init__(str(message))


@dataclass
class ParsedFile:
    keys: list[str]  # column keys in file order (None for an ignored empty header)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


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


def _text(value, key: str | None) -> str:
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
    if isinstance(value, int):
        text = str(value)
        if key in ("phone", "supervisor_phone") and not text.startswith("0"):
            return "0" + text  # a spreadsheet drops the leading zero of 0470...
        return text
    return str(value).strip()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def _parse_rows(raw_rows, max_rows: int) -> ParsedFile:
    raw_rows = iter(raw_rows)
    header = None
    for header in raw_rows:
        if any(_text(v, None) for v in header):
            break
    else:
        header = None
    if header is None:
        raise ImportFileError(_("Het bestand is leeg."))
    keys = map_headers(header)
    parsed = ParsedFile(keys=keys)
    row_number = 1
    for raw in raw_rows:
        row_number += 1
        values = {}
        for key, value in zip(keys, raw, strict=False):
            if key is not None:
                values[key] = _text(value, key)
        if not any(values.values()):
            continue
        if len(parsed.rows) >= max_rows:
            raise ImportFileError(
                _(
                    "Het bestand bevat meer dan %(max)s leerlingen. Splits het op in "
                    "bestanden van hoogstens %(max)s rijen."
                )
                % {"max": f"{max_rows:,}".replace(",", ".")}
            )
        parsed.rows.append((row_number, values))
    return parsed


def parse_file(data: bytes, *, max_rows: int) -> ParsedFile:
    """Read the rows of a CSV or XLSX file (detected from its content, not its name)."""
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(
            _("Oude Excel-bestanden (.xls) worden niet ondersteund. Bewaar als .xlsx of .csv.")
        )
    if data.startswith(XLSX_MAGIC):
        return _parse_xlsx(data, max_rows)
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("Dit bestand is geen CSV- of XLSX-bestand."))
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return _parse_rows(reader, max_rows)
    except csv.Error:
        raise ImportFileError(_("Dit CSV-bestand kan niet gelezen worden."))


def _parse_xlsx(data: bytes, max_rows: int) -> ParsedFile:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise ImportFileError(_("Dit Excel-bestand kan niet gelezen worden."))
    try:
        sheet = workbook.worksheets[0]
        return _parse_rows(sheet.iter_rows(values_only=True), max_rows)
    finally:
        workbook.close()


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
