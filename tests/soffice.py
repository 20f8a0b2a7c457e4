"""LibreOffice headless for export tests: open a file as a Belgian user's spreadsheet would
and read back what it made of it.

A CSV is imported with nl-BE settings: `;` separator, `"` text delimiter, UTF-8, language
2067 (nl-BE), special numbers (dates, numbers with leading zeros) detected and formulas
evaluated, the settings under which a spreadsheet drops leading zeros and runs formulas.
The result (or an XLSX as it is) is saved by LibreOffice as XLSX and read with openpyxl.
Without `soffice` the tests skip locally and fail when REQUIRE_SOFFICE=1 (CI: .ci/run
installs Debian's libreoffice-calc-nogui)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

# Tokens: separator 59 (;), text delimiter 34 ("), charset 76 (UTF-8), first line 1,
# default column formats, language 2067 (nl-BE), quoted fields not forced to text,
# detect special numbers, ..., evaluate formulas (token 13).
CSV_NL_BE = "Text - txt - csv (StarCalc):59,34,76,1,,2067,false,true,false,false,false,-1,true"
TO_XLSX = "xlsx:Calc MS Excel 2007 XML"


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class LibreOffice:
    def __init__(self, binary: str, workdir: Path):
        self.binary = binary
        self.workdir = workdir
        # A profile of our own: never share (or lock) another soffice's profile.
        self.profile = (workdir / "profile").as_uri()

    def open_as_xlsx(self, name: str, data: bytes):
        """Open `data` (a .csv or .xlsx named `name`) in LibreOffice, save it as XLSX and
        return the first sheet as openpyxl reads LibreOffice's file."""
        source = self.workdir / name
        source.write_bytes(data)
        out = self.workdir / "out"
        out.mkdir(exist_ok=True)
        command = [self.binary, f"-env:UserInstallation={self.profile}", "--headless"]
        if name.endswith(".csv"):
            command.append(f"--infilter={CSV_NL_BE}")
        command += ["--convert-to", TO_XLSX, "--outdir", str(out), str(source)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=180)
        target = out / (source.stem + ".xlsx")
        assert target.exists(), f"soffice made nothing: {result.stdout} {result.stderr}"
        sheet = load_workbook(target).worksheets[0]
        target.unlink()
        return sheet


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory):
    binary = soffice_binary()
    if binary is None:
        if os.environ.get("REQUIRE_SOFFICE"):
            pytest.fail("LibreOffice is required in this run (REQUIRE_SOFFICE=1) but missing.")
        pytest.skip("LibreOffice (soffice) not available")
    return LibreOffice(binary, tmp_path_factory.mktemp("soffice"))
