"""One operator export in a fresh process, for its peak RSS growth.

`python -m bench.probe csv|xlsx` (started by `measure.measure_export`, with the environment
`env.configure()` set). In the benchmark process the heap is already grown by the earlier
measurements, so an export there can reuse freed memory and its RSS growth reads too low;
here the process has only imported Django, the export's modules (openpyxl included) and
opened its database connection before the baseline is taken. Prints one JSON object.
"""

import json
import sys


def main(fmt: str) -> dict:
    import django

    django.setup()
    import openpyxl  # noqa: F401 - imported before the baseline, like a warm server process
    from django.db import connection

    from accounts.models import User
    from matching.models import SchoolYear
    from reporting.models import OperatorExport

    from . import data
    from .measure import _reset_peak_rss, _rss_kb

    year = SchoolYear.objects.get(name=data.SCHOOL_YEAR_NAME)
    operator = User.objects.get(email=data.OPERATOR_EMAIL)
    connection.ensure_connection()

    from time import perf_counter

    from reporting.exports import operator_export_response

    rss_before = _rss_kb()
    peak_reset = _reset_peak_rss()
    t0 = perf_counter()
    response = operator_export_response(school_year=year, user=operator, fmt=fmt)
    first = None
    nbytes = 0
    for chunk in response.streaming_content:
        if first is None:
            first = perf_counter() - t0
        nbytes += len(chunk)
    response.close()
    seconds = perf_counter() - t0
    peak = _rss_kb("VmHWM") if peak_reset else None
    audit = OperatorExport.objects.order_by("-pk").values("row_count").first()
    return {
        "fmt": fmt,
        "rows": audit["row_count"] if audit else None,
        "seconds": seconds,
        "ttfb": first,
        "bytes": nbytes,
        "rss_before_mb": rss_before / 1024 if rss_before else None,
        "rss_peak_mb": peak / 1024 if peak else None,
        "rss_growth_mb": (peak - rss_before) / 1024 if peak and rss_before else None,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "csv")))
