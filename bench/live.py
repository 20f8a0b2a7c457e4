"""6. The live list's update path: what 300 open lists polling every few seconds cost.

Each open list asks `service_students_live` with the ids on its page and the ETag of its
last answer. While nothing changed the answer is a 304 (two index lookups); after any status
change it is a 200 with the tab counts (the list page's own count queries) and which shown
students are gone. Both beside the list page itself, from the same login and filters."""

from time import perf_counter

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from .stats import Line, median, ms, not_available, percentile

OPEN_LISTS = 300  # logins with a list open at 12:00 (issue 15)


def _time(client, url, params, repeat, **headers):
    times, response = [], None
    for _ in range(repeat):
        t0 = perf_counter()
        response = client.get(url, params, **headers)
        _ = response.content
        times.append(perf_counter() - t0)
    return times, response


def _first_page_ids(ctx) -> list[int]:
    """The ids the list page shows on page 1 (what its live poll sends)."""
    from django.utils import timezone

    from matching.selectors import StudentFilters, service_students
    from matching.service.forms import DEFAULT_PAGE_SIZE

    from .measure import LIST_ORDER, LIST_TRACK

    filters = StudentFilters(provinces=tuple(ctx.flemish), order=LIST_ORDER)
    qs = service_students(
        service=ctx.service, track=LIST_TRACK, tab="open", filters=filters, now=timezone.now()
    )
    return list(qs.prefetch_related(None).values_list("pk", flat=True)[:DEFAULT_PAGE_SIZE])


def measure_live_updates(ctx) -> list[Line]:
    from matching.service.workspace import LIVE_INTERVAL_SECONDS

    from .measure import LIST_TRACK, _list_params

    try:
        live_url = reverse("service_students_live", args=[LIST_TRACK])
        list_url = reverse("service_students", args=[LIST_TRACK])
    except NoReverseMatch:
        return [not_available("live_304", "Live list", "URL 'service_students_live' missing")]
    client = ctx.client(ctx.service_user)
    params = _list_params(ctx, 1)
    params.pop("p")
    page = client.get(list_url, params)
    if page.status_code != 200:
        return [not_available("live_304", "Live list", f"HTTP {page.status_code} from list")]
    ids = _first_page_ids(ctx)
    live_params = {**params, "ids": ",".join(map(str, ids))}
    repeat = max(ctx.repeat * 4, 20)  # cheap requests: more samples for a stable p95

    list_times, _ = _time(client, list_url, params, ctx.repeat)
    first = client.get(live_url, live_params)  # warm-up, and the ETag the page would hold
    etag = first["ETag"]
    not_modified, r304 = _time(client, live_url, live_params, repeat, HTTP_IF_NONE_MATCH=etag)
    changed, r200 = _time(client, live_url, live_params, repeat)
    with CaptureQueriesContext(connection) as q304:
        client.get(live_url, live_params, HTTP_IF_NONE_MATCH=etag)
    with CaptureQueriesContext(connection) as q200:
        client.get(live_url, live_params)
    list_median = ms(median(list_times))
    per_second = OPEN_LISTS / LIVE_INTERVAL_SECONDS
    lines = []
    for key, title, times, response, queries in (
        ("live_304", "Live list poll, nothing changed (304)", not_modified, r304, q304),
        ("live_200", "Live list poll after a change (200: counts + gone ids)", changed, r200,
         q200),
    ):  # fmt: skip
        value = ms(median(times))
        busy = per_second * median(times)  # worker-seconds per second if every poll is this
        lines.append(
            Line(
                key=key,
                title=title,
                value=value,
                baseline=list_median,
                baseline_title="the list page itself (page 1, same filters)",
                ratio=value / list_median if list_median else None,
                note=(
                    f"HTTP {response.status_code}; {len(queries.captured_queries)} queries; "
                    f"{1 / median(times):.0f} req/s per worker; {OPEN_LISTS} lists every "
                    f"{LIVE_INTERVAL_SECONDS} s = {per_second:.0f} req/s = {busy:.2f} busy "
                    "workers"
                ),
                details={
                    "url": live_url,
                    "ids": len(ids),
                    "p95_ms": ms(percentile(times, 95)),
                    "runs_ms": [ms(t) for t in times],
                    "requests_per_second_one_worker": 1 / median(times),
                    "requests_per_second_sequential": len(times) / sum(times),
                    "open_lists": OPEN_LISTS,
                    "interval_s": LIVE_INTERVAL_SECONDS,
                    "busy_workers_if_all_like_this": busy,
                    "queries": len(queries.captured_queries),
                    "list_page_p95_ms": ms(percentile(list_times, 95)),
                    "bytes": len(response.content),
                },
            )
        )
    return lines
