"""XLSX writers A/B, same run, same rows: the product's streamed writer against XlsxWriter
(constant_memory) and openpyxl's write-only workbook with lxml.

Each write runs in a fresh process (`python -m bench.xlsx_ab WRITER`): it loads the rows of
the operator export (the product's selector, all students of the bench year) into memory
first, then takes its RSS baseline, so the figure is the writer's own: rows/s, the time to
the first byte a client could receive, and the peak RSS growth. The writers alternate
(A, B, C, A, B, C, …) so a burst of load hits them alike.

XlsxWriter and openpyxl write the whole file before its first byte can leave (their zip is
closed at the end), so their first byte is the end of the write plus the first read.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from time import perf_counter

from .stats import Line, median, ms, not_available

ROOT = Path(__file__).resolve().parent.parent
WRITERS = ("streamed", "xlsxwriter", "openpyxl")
CHUNK = 1 << 16


def _load_rows():
    from matching.models import SchoolYear
    from reporting import export_selectors as selectors

    from . import data

    year = SchoolYear.objects.get(name=data.SCHOOL_YEAR_NAME)
    header = [str(name) for name in selectors.export_header()]
    rows = [row for chunk in selectors.export_chunks(school_year=year) for row in chunk.rows]
    return header, rows, year.name


def _streamed(header, rows, title, t0):
    from core.exports import xlsx_chunks

    first, nbytes = None, 0
    for chunk in xlsx_chunks(header, rows, title=title):
        if chunk and first is None:
            first = perf_counter() - t0
        nbytes += len(chunk)
    return first, nbytes


def _naive(row):
    """What the streamed writer does inside its cells, done for the libraries: aware
    datetimes in local time without tzinfo (Excel has no time zones)."""
    from django.utils import timezone

    return [
        timezone.localtime(v).replace(tzinfo=None) if isinstance(v, dt.datetime) and v.tzinfo else v
        for v in row
    ]


def _read_back(path, t0):
    first, nbytes = None, 0
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            if first is None:
                first = perf_counter() - t0
            nbytes += len(block)
    return first, nbytes


def _xlsxwriter(header, rows, title, t0):
    import xlsxwriter

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "export.xlsx")
        book = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                "tmpdir": tmp,
                "default_date_format": "dd/mm/yyyy",
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        sheet = book.add_worksheet(title[:31])
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, header, book.add_format({"bold": True}))
        for number, row in enumerate(rows, 1):
            sheet.write_row(number, 0, _naive(row))
        book.close()
        return _read_back(path, t0)


def _openpyxl(header, rows, title, t0):
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if not openpyxl.LXML:
        raise RuntimeError("openpyxl runs without lxml: not the comparison asked for")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "export.xlsx")
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append(_naive(row))
        book.save(path)
        return _read_back(path, t0)


def child(writer: str) -> dict:
    import django

    django.setup()
    from .measure import _reset_peak_rss, _rss_kb

    header, rows, title = _load_rows()
    write = {"streamed": _streamed, "xlsxwriter": _xlsxwriter, "openpyxl": _openpyxl}[writer]
    # Import the writer's modules before the baseline (a warm server has them loaded).
    if writer == "xlsxwriter":
        import xlsxwriter  # noqa: F401
    elif writer == "openpyxl":
        import openpyxl  # noqa: F401
    rss_before = _rss_kb()
    peak_reset = _reset_peak_rss()
    t0 = perf_counter()
    first, nbytes = write(header, rows, title, t0)
    seconds = perf_counter() - t0
    peak = _rss_kb("VmHWM") if peak_reset else None
    return {
        "writer": writer,
        "rows": len(rows),
        "seconds": seconds,
        "rows_per_s": len(rows) / seconds if seconds else None,
        "ttfb": first,
        "bytes": nbytes,
        "rss_growth_mb": (peak - rss_before) / 1024 if peak and rss_before else None,
    }


def _run_child(writer: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.xlsx_ab", writer],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        return {"writer": writer, "error": (proc.stderr or proc.stdout).strip()[-600:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_xlsx_writers(ctx) -> list[Line]:
    runs = {writer: [] for writer in WRITERS}
    for _ in range(ctx.heavy_repeat):
        for writer in WRITERS:
            runs[writer].append(_run_child(writer))
    summary = {}
    for writer, results in runs.items():
        good = [r for r in results if "error" not in r]
        if not good:
            summary[writer] = {"error": results[0].get("error", "no run")}
            continue
        summary[writer] = {
            "rows": good[0]["rows"],
            "rows_per_s": median([r["rows_per_s"] for r in good]),
            "ttfb_ms": ms(median([r["ttfb"] for r in good])),
            "rss_growth_mb_max": max(
                (r["rss_growth_mb"] for r in good if r["rss_growth_mb"] is not None), default=None
            ),
            "bytes": good[0]["bytes"],
            "runs": results,
        }
    ours = summary["streamed"]
    if "error" in ours:
        return [not_available("xlsx_ab", "XLSX writers A/B", ours["error"][-200:])]
    lines = []
    for rival in ("xlsxwriter", "openpyxl"):
        theirs = summary[rival]
        key, title = f"xlsx_vs_{rival}", f"XLSX: streamed writer vs {rival}, same rows"
        if "error" in theirs:
            line = not_available(key, title, theirs["error"][-200:])
            lines.append(line)
            continue
        lines.append(
            Line(
                key=key,
                title=title,
                value=ours["rows_per_s"],
                unit="rows/s",
                baseline=theirs["rows_per_s"],
                baseline_title=(
                    "XlsxWriter, constant_memory"
                    if rival == "xlsxwriter"
                    else "openpyxl write-only with lxml"
                ),
                ratio=ours["rows_per_s"] / theirs["rows_per_s"] if theirs["rows_per_s"] else None,
                note=(
                    f"{ours['rows']} rows, fresh process each; first byte "
                    f"{ours['ttfb_ms']:.0f} ms vs {theirs['ttfb_ms']:.0f} ms; peak RSS growth "
                    f"{_mb(ours['rss_growth_mb_max'])} vs {_mb(theirs['rss_growth_mb_max'])}"
                ),
                details={"streamed": ours, rival: theirs},
            )
        )
    return lines


def _mb(value):
    return "—" if value is None else f"{value:.1f} MB"


if __name__ == "__main__":
    from .env import configure

    configure()
    print(json.dumps(child(sys.argv[1])))
