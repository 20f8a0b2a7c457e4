"""Real files for the import tests: workbooks written by openpyxl and edited at the XML level
(as other programs write them), and files a user's spreadsheet makes: LibreOffice headless
opening a CSV (nl-BE, `;`, UTF-8, formulas evaluated, special numbers detected, as a person
opening it would) and saving it as .xlsx, .ods, .fods or again as .csv."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import _require
from tests.matching.school.conftest import HEADER

# Field separator ;, quote ", UTF-8, from line 1, standard cell formats, language nl-BE,
# quoted fields not forced to text, detect special numbers (dates), evaluate formulas.
CSV_IN = "CSV:59,34,76,1,,2067,false,true,false,false,false,false,true"
CSV_OUT = {"csv": "csv:Text - txt - csv (StarCalc):59,34,76,1"}


NL_BE_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>nl-BE</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse">
<value>nl-BE</value></prop></item>
</oor:items>
"""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """Convert bytes of a CSV file with LibreOffice headless; returns the converted bytes."""
    binary = soffice_path()
    if binary is None:
        _require("REQUIRE_SOFFICE", "LibreOffice (soffice)")
    root = tmp_path_factory.mktemp("soffice")
    profile = root / "profile"
    # A Belgian user's LibreOffice: locale nl-BE (dates written dd/mm/yy, decimal comma).
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(NL_BE_PROFILE, encoding="utf-8")
    counter = iter(range(1_000_000))

    def convert(csv_content: bytes, fmt: str) -> bytes:
        work = root / f"job{next(counter)}"
        work.mkdir()
        source = work / "leerlingen.csv"
        source.write_bytes(csv_content)
        out = work / "out"
        result = subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                f"--infilter={CSV_IN}",
                "--convert-to",
                CSV_OUT.get(fmt, fmt),
                "--outdir",
                str(out),
                str(source),
            ],
            capture_output=True,
            timeout=180,
            env={**os.environ, "HOME": str(root)},
        )
        produced = out / f"leerlingen.{fmt}"
        assert produced.exists(), (result.stdout, result.stderr)
        return produced.read_bytes()

    return convert


def csv_text(rows: list[list[str]], sep=";") -> bytes:
    """A CSV from rows of cells (header included), quoted only where needed."""
    import csv

    handle = io.StringIO()
    csv.writer(handle, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return handle.getvalue().encode("utf-8")


def table(rows: list[dict], header=HEADER) -> list[list[str]]:
    return [list(header)] + [[row.get(h, "") for h in header] for row in rows]


def rezip(data: bytes, replace: dict[str, bytes], *, level: int = 6) -> bytes:
    """The same zip with some parts replaced, every part deflated at `level`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
    return handle.getvalue()


def sheet_xml(data: bytes, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(part)


def workbook_bytes(workbook) -> bytes:
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def header_workbook(rows=(), header=HEADER):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") or None for h in header])
    return workbook


def with_cached_values(data: bytes, values: dict[str, tuple[str, str]]) -> bytes:
    """Give formula cells the value a spreadsheet stores with them: {"B2": ("str", "Jan")}
    turns openpyxl's <c r="B2"><f>…</f><v></v></c> into <c r="B2" t="str"><f>…</f><v>Jan</v>."""
    xml = sheet_xml(data).decode()
    for ref, (kind, value) in values.items():
        xml, count = re.subn(
            rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
            lambda m, ref=ref, kind=kind, value=value: (
                f'<c r="{ref}"{m.group(1)} t="{kind}"><f>{m.group(2)}</f><v>{value}</v>'
            ),
            xml,
        )
        assert count == 1, (ref, xml[-500:])
    return rezip(data, {"xl/worksheets/sheet1.xml": xml.encode()})


def million_empty_rows(*, declared: bool) -> bytes:
    """A workbook of one header and 1,000,000 empty rows with a height (<row ht="15"
    customHeight="1"/>, numbered by their place, as the format allows), about 40 KB deflated.
    `declared`: the dimension says so (A1:R1000001), as Excel and LibreOffice write it;
    otherwise it claims only the header (A1:R1), as openpyxl does for empty rows."""
    data = workbook_bytes(header_workbook())
    xml = sheet_xml(data).decode()
    rows = '<row ht="15" customHeight="1"/>' * 1_000_000
    xml = xml.replace("</row></sheetData>", f"</row>{rows}</sheetData>")
    xml = re.sub(r'<dimension ref="[^"]*"/>', "", xml)
    dimension = "A1:R1000001" if declared else "A1:R1"
    xml = xml.replace("<sheetViews>", f'<dimension ref="{dimension}"/><sheetViews>', 1)
    return rezip(data, {"xl/worksheets/sheet1.xml": xml.encode()}, level=9)


def cell_in_xfd(*, declared: bool) -> bytes:
    """The template's header, 25 students and one cell in column XFD (the last of 16,384).
    `declared`: the dimension says A1:XFD26 (as written by Excel and openpyxl); otherwise
    it claims A1:R26."""
    from tests.matching.school.conftest import good_row

    workbook = header_workbook([good_row(i) for i in range(25)])
    workbook.active["XFD20"] = "x"
    data = workbook_bytes(workbook)
    if declared:
        assert b'<dimension ref="A1:XFD26"/>' in sheet_xml(data)
        return data
    xml = sheet_xml(data).replace(b'<dimension ref="A1:XFD26"/>', b'<dimension ref="A1:R26"/>')
    return rezip(data, {"xl/worksheets/sheet1.xml": xml})


def fake_zip(parts: dict[str, bytes]) -> bytes:
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return handle.getvalue()


def save(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
