"""The five measurements, each beside its baseline from the same run.

Every function returns a list of `Line`s and never raises for a missing piece of the
product: a view or service that does not exist (yet) gives a line "not available".
"""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from time import perf_counter

from django.db import close_old_connections, connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import data, mail
from .stats import Line, median, ms, not_available, percentile

ROOT = Path(__file__).resolve().parent.parent
LIST_TRACK = "secondary"
LIST_ORDER = "name"
LIST_PAGES = (1, 50)


# Shared context ---------------------------------------------------------------------------


class Context:
    """What the measurements share: the service whose screens are measured, its login, the
    operator, the filters of the list page."""

    def __init__(
        self,
        *,
        repeat: int,
        heavy_repeat: int,
        race_mode: str = "processes",
        race_release: str = "pipe",
        rush_logins: int = 300,
        rush_window: float = 60.0,
    ):
        from accounts.models import User
        from matching.models import SchoolYear, Service

        self.repeat = repeat
        self.heavy_repeat = heavy_repeat
        self.race_mode = race_mode
        self.race_release = race_release
        self.rush_logins = rush_logins
        self.rush_window = rush_window
        self.service = Service.objects.select_related("province").order_by("pk").first()
        self.service_user = User.objects.get(email=f"svc{self.service.pk}-1@bench.example")
        self.operator = User.objects.get(email=data.OPERATOR_EMAIL)
        self.school_year = SchoolYear.objects.get(name=data.SCHOOL_YEAR_NAME)
        self.flemish = sorted(data.FLEMISH)  # province codes, as the list filter takes them

    def client(self, user):
        from .login import signed_in_client

        return signed_in_client(user)


def _explain_ms(sql: str) -> tuple[float, float, str]:
    """(execution ms, planning ms, plan text) of one captured statement."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]
    return top["Execution Time"], top.get("Planning Time", 0.0), json.dumps(top["Plan"])[:4000]


def _sql_from_python_s(statements: list[str]) -> float:
    """The same statements executed and fetched from Python through Django's connection:
    parsing, planning, execution and the transfer of the rows included (the database's whole
    share of the page, as the page itself pays it)."""
    t0 = perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
    return perf_counter() - t0


def _explain_text(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def _by_table(queries) -> dict[str, int]:
    """How many of a page's queries touch each (first) table: where the count comes from."""
    import re

    counts: dict[str, int] = {}
    for query in queries:
        found = re.search(r'(?:FROM|UPDATE|INTO)\s+"(\w+)"', query["sql"])
        name = found.group(1) if found else query["sql"].split()[0].upper()
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _slowest(queries, n=3):
    ranked = sorted(queries, key=lambda q: float(q.get("time") or 0), reverse=True)
    return [{"ms": float(q["time"]) * 1000, "sql": q["sql"][:600]} for q in ranked[:n]]


# 1. Service list page ----------------------------------------------------------------------


def _list_url(ctx):
    try:
        return reverse("service_students", args=[LIST_TRACK])
    except NoReverseMatch:
        return None


def _list_params(ctx, page: int) -> dict:
    return {"province": [str(p) for p in ctx.flemish], "order": LIST_ORDER, "p": str(page)}


def _list_page_size() -> int:
    try:
        from matching.service.forms import DEFAULT_PAGE_SIZE
    except ImportError:
        return 25
    return DEFAULT_PAGE_SIZE


def _list_baseline(ctx, page: int, size: int):
    """EXPLAIN ANALYZE of the SQL that yields this page of the visible set: the count and
    the page's rows, from the same selector the view calls."""
    from matching.selectors import StudentFilters, service_students

    filters = StudentFilters(provinces=tuple(ctx.flemish), order=LIST_ORDER)
    qs = service_students(
        service=ctx.service, track=LIST_TRACK, tab="open", filters=filters, now=timezone.now()
    )
    with CaptureQueriesContext(connection) as captured:
        total = qs.order_by().count()
        last = max(1, -(-total // size))
        page = min(page, last)
        rows = list(qs.prefetch_related(None)[(page - 1) * size : page * size])
    statements = [q["sql"] for q in captured.captured_queries if "EXPLAIN" not in q["sql"]]
    return total, page, len(rows), statements


def measure_list_pages(ctx) -> list[Line]:
    url = _list_url(ctx)
    size = _list_page_size()
    lines = []
    for page in LIST_PAGES:
        key, title = f"list_page_{page}", f"Service list page {page} (filtered, sorted by name)"
        total, real_page, nrows, statements = _list_baseline(ctx, page, size)
        _sql_from_python_s(statements)  # warm: the same caches the page's warm-up fills
        base_runs = [ms(_sql_from_python_s(statements)) for _ in range(ctx.repeat)]
        baseline = median(base_runs)
        explain_runs = [sum(_explain_ms(sql)[0] for sql in statements) for _ in range(3)]
        plans = {sql[:200]: _explain_text(sql) for sql in statements}
        if url is None:
            line = not_available(key, title, "URL 'service_students' does not resolve")
            line.baseline, line.baseline_title = baseline, "the selector's SQL from Python"
            lines.append(line)
            continue
        client = ctx.client(ctx.service_user)
        params = _list_params(ctx, page)
        response = client.get(url, params)  # warm-up: caches, first-request costs
        if response.status_code != 200:
            lines.append(not_available(key, title, f"HTTP {response.status_code} from {url}"))
            continue
        times = []
        for _ in range(ctx.repeat):
            t0 = perf_counter()
            response = client.get(url, params)
            _ = response.content
            times.append(perf_counter() - t0)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        queries = captured.captured_queries
        value = ms(median(times))
        lines.append(
            Line(
                key=key,
                title=title,
                value=value,
                baseline=baseline,
                baseline_title=(
                    "the selector's SQL (count + page) executed and fetched from Python, "
                    "planning included"
                ),
                ratio=value / baseline if baseline else None,
                note=f"{len(queries)} queries; page {real_page} of {-(-total // size)}",
                details={
                    "url": url,
                    "params": params,
                    "page_size": size,
                    "visible_rows": total,
                    "page_served": real_page,
                    "rows_on_page": nrows,
                    "p95_ms": ms(percentile(times, 95)),
                    "runs_ms": [ms(t) for t in times],
                    "queries": len(queries),
                    "sql_ms_total": sum(float(q.get("time") or 0) for q in queries) * 1000,
                    "slowest_queries": _slowest(queries),
                    "queries_by_table": _by_table(queries),
                    "baseline_runs_ms": base_runs,
                    "explain_execution_ms_median": median(explain_runs),
                    "baseline_plans": plans,
                    "bytes": len(response.content),
                },
            )
        )
    return lines


def measure_list_vs_django_admin(ctx) -> list[Line]:
    """The service list page beside Django's own admin changelist of the same rows (same
    visible set, page size, order by name), both through the test client, same process."""
    from django.contrib.auth import get_user_model

    from matching.selectors import StudentFilters

    from . import djadmin

    size = _list_page_size()
    filters = StudentFilters(provinces=tuple(ctx.flemish), order=LIST_ORDER)
    djadmin.MEASURED.update(service=ctx.service, track=LIST_TRACK, filters=filters, page_size=size)
    url = _list_url(ctx)
    if url is None:
        return [not_available("list_vs_django_admin", "List page vs Django admin", "no URL")]
    User = get_user_model()
    admin_user, _ = User.objects.get_or_create(
        email="django-admin@bench.example",
        defaults={"username": "django-admin@bench.example", "is_staff": True,
                  "is_superuser": True},
    )  # fmt: skip
    ours, theirs = ctx.client(ctx.service_user), ctx.client(admin_user)
    lines = []
    for page in LIST_PAGES:
        params = _list_params(ctx, page)
        admin_params = {"p": str(page)}
        admin_url = reverse("benchadmin:matching_student_changelist")
        warm = theirs.get(admin_url, admin_params)
        if warm.status_code != 200:
            lines.append(
                not_available(
                    f"list_page_{page}_vs_django_admin",
                    f"List page {page} vs Django admin",
                    f"Django admin answered HTTP {warm.status_code}",
                )
            )
            continue
        ours.get(url, params)
        ours_runs, theirs_runs = [], []
        for _ in range(ctx.repeat):  # interleaved, so a load burst hits both alike
            t0 = perf_counter()
            _ = ours.get(url, params).content
            ours_runs.append(perf_counter() - t0)
            t0 = perf_counter()
            _ = theirs.get(admin_url, admin_params).content
            theirs_runs.append(perf_counter() - t0)
        with CaptureQueriesContext(connection) as captured:
            theirs.get(admin_url, admin_params)
        value, baseline = ms(median(ours_runs)), ms(median(theirs_runs))
        lines.append(
            Line(
                key=f"list_page_{page}_vs_django_admin",
                title=f"Service list page {page} vs Django's admin changelist, same rows",
                value=value,
                baseline=baseline,
                baseline_title="Django admin changelist of the same visible set and page",
                ratio=value / baseline if baseline else None,
                note=f"Django admin: {len(captured.captured_queries)} queries",
                details={
                    "ours_runs_ms": [ms(t) for t in ours_runs],
                    "django_admin_runs_ms": [ms(t) for t in theirs_runs],
                    "django_admin_queries": len(captured.captured_queries),
                    "django_admin_p95_ms": ms(percentile(theirs_runs, 95)),
                },
            )
        )
    return lines


# 2. Detail page -----------------------------------------------------------------------------


def _visible_student_pk(ctx):
    from matching.selectors import students_visible_to

    return (
        students_visible_to(service=ctx.service, track=LIST_TRACK)
        .exclude(import_key=data.RACE_KEY)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def measure_detail_page(ctx) -> list[Line]:
    key, title = "detail_page", "Student detail page ('Meer info')"
    pk = _visible_student_pk(ctx)
    base_runs = []
    for _ in range(max(ctx.repeat, 20)):
        with connection.cursor() as cursor:
            t0 = perf_counter()
            cursor.execute("SELECT * FROM matching_student WHERE id = %s", [pk])
            cursor.fetchall()
            base_runs.append(perf_counter() - t0)
    baseline = ms(median(base_runs))
    try:
        url = reverse("service_student_detail", args=[pk])
    except NoReverseMatch:
        line = not_available(key, title, "URL 'service_student_detail' does not resolve")
        line.baseline, line.baseline_title = baseline, "primary-key SELECT round trip"
        return [line]
    client = ctx.client(ctx.service_user)
    response = client.get(url)
    if response.status_code != 200:
        return [not_available(key, title, f"HTTP {response.status_code} from {url}")]
    times = []
    for _ in range(ctx.repeat):
        t0 = perf_counter()
        response = client.get(url)
        _ = response.content
        times.append(perf_counter() - t0)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    value = ms(median(times))
    return [
        Line(
            key=key,
            title=title,
            value=value,
            baseline=baseline,
            baseline_title="primary-key SELECT round trip from Python",
            ratio=value / baseline if baseline else None,
            note=f"{len(captured.captured_queries)} queries",
            details={
                "url": url,
                "p95_ms": ms(percentile(times, 95)),
                "runs_ms": [ms(t) for t in times],
                "queries": len(captured.captured_queries),
                "slowest_queries": _slowest(captured.captured_queries),
                "queries_by_table": _by_table(captured.captured_queries),
            },
        )
    ]


# 3. Accept race -----------------------------------------------------------------------------


def _free_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting::int FROM pg_settings WHERE name = 'max_connections'")
        limit = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_stat_activity")
        used = cursor.fetchone()[0]
    # Keep room for the engineers' own test databases and the superuser reserve.
    return limit - used - 8


def _acceptors():
    from accounts.models import User
    from matching.models import ContactPerson, Service

    services = list(Service.objects.order_by("pk")[:100])
    users = {u.email: u for u in User.objects.filter(email__startswith="svc")}
    mentors = {c.service_id: c for c in ContactPerson.objects.filter(service__in=services)}
    return [(s, users[f"svc{s.pk}-1@bench.example"], mentors[s.pk]) for s in services]


def _accept(service, user, mentor, student_id):
    from matching.errors import DomainError
    from matching.services import decision_set_status

    today = timezone.localdate()
    c0 = time.thread_time()  # this thread's CPU: the Python side of one accept
    t0 = perf_counter()
    try:
        decision_set_status(
            service=service,
            student_id=student_id,
            status="accepted",
            user=user,
            mentor=mentor,
            period_start=today + dt.timedelta(days=30),
            period_end=today + dt.timedelta(days=90),
        )
        outcome = "won"
    except DomainError:
        outcome = "refused"
    except Exception as exc:  # a deadlock or a lost connection must show, not pass
        outcome = f"error: {type(exc).__name__}: {exc}"[:200]
    return outcome, perf_counter() - t0, time.thread_time() - c0


def _race(acceptors, student_id, mode="processes", *, warm=None, body=None, release="pipe"):
    """One race: every contender (a forked process, or a thread) calls `body` (an accept by
    default) for `student_id` at the same instant. Returns a `_RaceRun`."""
    if mode == "processes":
        return _race_processes(acceptors, student_id, warm=warm, body=body, release=release)
    return _race_threads(acceptors, student_id, body=body, release=release)


class _RaceRun:
    """What one race gives: per contender (outcome, seconds of its own call, its Python CPU)
    and (wake-up, end) instants; the release instant all times count from; how many
    contenders were seen parked at the line; each contender's PostgreSQL backend CPU."""

    def __init__(self, n):
        self.results = [("error: no answer", None, None)] * n
        self.timings = [None] * n
        self.backend_cpu = [None] * n
        self.released = None
        self.ready = None
        self.parked = None
        self.machine_cpu = None  # (busy, idle) CPU seconds of the whole machine meanwhile

    def spans(self):
        return [t for t in self.timings if t is not None]

    def release_instant(self):
        """The start line's release; for the barrier (which has none) the first
        contender out of it, as the bench counted before the start line."""
        if self.released is not None:
            return self.released
        spans = self.spans()
        return min(r for r, _e in spans) if spans else None


class _BarrierLine:
    """The release before the start line, kept for an A/B of the release alone
    (`--race-release barrier`): a barrier of the contenders themselves, which wakes them
    one after another and has no release instant (the first one out stands in for it)."""

    def __init__(self, barrier):
        self.barrier = barrier
        self.ready = self.parked = None

    def forked(self):
        pass

    def wait(self):
        self.barrier.wait(timeout=120)
        return perf_counter()

    def withdraw(self):
        self.barrier.abort()

    def release(self, **_kw):
        return None

    def close(self):
        pass


def _start_line(release, n, barrier_factory):
    from .startline import StartLine

    return StartLine(n) if release == "pipe" else _BarrierLine(barrier_factory(n))


def _noop(service, user, mentor, student_id):
    """The harness alone: one round trip to the database instead of an acceptance."""
    c0 = time.thread_time()
    t0 = perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "refused", perf_counter() - t0, time.thread_time() - c0


def _backend_cpu_s() -> float | None:
    """CPU time so far of this connection's PostgreSQL backend (/proc/<pid>/schedstat, in
    ns), when the server runs on this machine and /proc lets us read it; else None."""
    try:
        pid = connection.connection.info.backend_pid
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9
    except (AttributeError, OSError, ValueError, IndexError):
        return None


def _machine_cpu_s() -> tuple[float, float] | None:
    """(busy, idle) CPU seconds of the whole machine since boot (/proc/stat), all cores."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / tick, idle / tick


def _cpu_between(before, after) -> tuple[float, float] | None:
    if before is None or after is None:
        return None
    return after[0] - before[0], after[1] - before[1]


def _race_child(acceptors, i, student_id, line, finish, warm, body):
    """One contender in its own forked process: its own connection, its own interpreter
    (no GIL shared with the other 99), like a request in its own worker process. `warm`:
    a student another service placed; the contender's refused attempt on it before the
    start line makes it a worker that has served a request (a forked child's first call
    also pays for copying the parent's pages and filling its caches), as the sequential
    baseline's process is. After its answer it stays alive until all have answered."""
    try:
        line.forked()
        finish.forked()
        try:
            connection.ensure_connection()  # a new connection: the parent closed its own
            if warm is not None:
                _accept(*acceptors[i], warm[i])
            backend_before = _backend_cpu_s()
        except Exception:
            line.withdraw()
            raise
        woke = line.wait()  # CLOCK_MONOTONIC: comparable across processes
        outcome = (body or _accept)(*acceptors[i], student_id)
        end = perf_counter()
        backend = _backend_cpu_s()
        backend = backend - backend_before if None not in (backend, backend_before) else None
        finish.answer((i, *outcome, (woke, end), backend))
    except threading.BrokenBarrierError:
        finish.answer((i, "error: barrier", None, None, None, None))
    except Exception as exc:  # noqa: BLE001 - reported, never swallowed
        finish.answer((i, f"error: {type(exc).__name__}: {exc}"[:200], None, None, None, None))
    finally:
        finish.wait()
        connections.close_all()


def _race_processes(acceptors, student_id, *, warm=None, body=None, release="pipe"):
    import multiprocessing

    from .startline import FinishLine

    forked = multiprocessing.get_context("fork")
    n = len(acceptors)
    run = _RaceRun(n)
    line = _start_line(release, n, forked.Barrier)
    finish = FinishLine()
    # A child must never reuse (and then close) the parent's socket: close it before fork.
    connections.close_all()
    procs = [
        forked.Process(
            target=_race_child,
            args=(acceptors, i, student_id, line, finish, warm, body),
        )
        for i in range(n)
    ]
    try:
        for proc in procs:
            proc.start()
        # Every contender forked, connected, warmed and asleep at the line: release them all.
        run.released = line.release()
        machine_before = _machine_cpu_s()
        run.ready, run.parked = line.ready, line.parked
        for i, outcome, seconds, cpu, timing, backend in finish.answers(n, timeout=300):
            run.results[i] = (outcome, seconds, cpu)
            run.timings[i] = timing
            run.backend_cpu[i] = backend
        if run.released is not None:  # the barrier has no release instant to count from
            run.machine_cpu = _cpu_between(machine_before, _machine_cpu_s())
    finally:
        line.close()
        finish.close()
    for proc in procs:
        proc.join(timeout=30)
    return run


def _race_threads(acceptors, student_id, *, body=None, release="pipe"):
    n = len(acceptors)
    run = _RaceRun(n)
    line = _start_line(release, n, threading.Barrier)

    def contend(i):
        try:
            try:
                connection.ensure_connection()  # connect before the start line
                backend_before = _backend_cpu_s()
            except Exception:
                line.withdraw()
                raise
            woke = line.wait()
            run.results[i] = (body or _accept)(*acceptors[i], student_id)
            run.timings[i] = (woke, perf_counter())
            backend = _backend_cpu_s()
            if None not in (backend, backend_before):
                run.backend_cpu[i] = backend - backend_before
        except threading.BrokenBarrierError:
            run.results[i] = ("error: barrier", None, None)
        except Exception as exc:  # noqa: BLE001 - reported, never swallowed
            run.results[i] = (f"error: {type(exc).__name__}: {exc}"[:200], None, None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(n)]
    try:
        for thread in threads:
            thread.start()
        run.released = line.release()
        machine_before = _machine_cpu_s()
        run.ready, run.parked = line.ready, line.parked
        for thread in threads:
            thread.join()
        if run.released is not None:
            run.machine_cpu = _cpu_between(machine_before, _machine_cpu_s())
    finally:
        line.close()
    return run


def _cleanup_accepts():
    data.reset_race_pool()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM notifications_outbox WHERE template_key = 'student_accepted_school'"
        )


def _race_figures(run) -> dict | None:
    """One race's figures, every time counted from the release instant."""
    spans = run.spans()
    if not spans:
        return None
    released = run.release_instant()
    ran = [
        (r, t, b) for r, t, b in zip(run.results, run.timings, run.backend_cpu, strict=True) if t
    ]

    def cpu(outcomes, which):
        values = [r[2] if which == "python" else b for r, _t, b in ran if r[0] in outcomes]
        return [v for v in values if v is not None]

    # The backends' CPU is known only when the server runs here (None: not measured).
    backend_known = any(b is not None for b in run.backend_cpu)
    return {
        "from_release": [e - released for _w, e in spans],
        "wall": max(e for _w, e in spans) - released,
        "wake_spread": max(w for w, _e in spans) - released,
        "parked": run.parked,
        "machine_cpu": run.machine_cpu,
        "python_won": cpu(("won",), "python"),
        "python_refused": cpu(("refused",), "python"),
        "backend_won": cpu(("won",), "backend") if backend_known else None,
        "backend_refused": cpu(("refused",), "backend") if backend_known else None,
    }


def _cpu_sum(figures, *names) -> float | None:
    """The CPU of one race's contenders in `names` (default: all, Python and backend);
    None when a part of it was not measured."""
    names = names or ("python_won", "python_refused", "backend_won", "backend_refused")
    parts = [figures[name] for name in names]
    return None if any(p is None for p in parts) else sum(sum(p) for p in parts)


def measure_accept_race(ctx) -> list[Line]:
    from matching.models import Decision

    key, title = "accept_race", "100 concurrent accepts of one student (100 services)"
    release = ctx.race_release
    pool = data.race_pool()
    acceptors = _acceptors()
    free = _free_connections()
    concurrency = min(len(acceptors), free)
    note = ""
    if concurrency < len(acceptors):
        note = f"concurrency reduced to {concurrency}: PostgreSQL max_connections"
        acceptors = acceptors[:concurrency]
    _cleanup_accepts()
    races = min(ctx.repeat, len(pool) - 100)
    winners_per_run, latencies, errors, contenders_per_run = [], [], [], []
    won_latencies, per_race, harness = [], [], []
    try:
        # The sequential baseline first: it also warms this process (imports, templates,
        # lazily built caches) before the contenders are forked from it.
        sequential, sequential_cpu = [], []
        for i, student_id in enumerate(pool[100:200]):
            service, user, mentor = _acceptors_cycle(acceptors, i)
            outcome, seconds, cpu = _accept(service, user, mentor, student_id)
            sequential_cpu.append(cpu)
            if outcome != "won":
                errors.append(f"sequential: {outcome}")
            sequential.append(seconds)
        # Each contender first tries a student the baseline placed (pool[100 + k] went to
        # contender k): a refused attempt, so every contender starts as a worker that has
        # served a request, like the baseline's process.
        n = len(acceptors)
        warm = [pool[100 + (i + 1) % n] for i in range(n)]
        # The harness alone (same processes, start line and timing; one SELECT 1 instead
        # of an acceptance): what release to last answer costs before any product code.
        for _ in range(2):
            run = _race(acceptors, None, ctx.race_mode, warm=warm, body=_noop, release=release)
            figures = _race_figures(run)
            if figures:
                harness.append(figures)
        for student_id in pool[:races]:
            run = _race(acceptors, student_id, ctx.race_mode, warm=warm, release=release)
            figures = _race_figures(run)
            if figures:
                # Every contender's time counts from the one release instant, so the wait
                # for a core after it (100 processes, 2 cores) is included.
                per_race.append(figures)
            results = run.results
            # A contender ran when its call of decision_set_status returned (won, refused
            # or an error of its own); a barrier break or a lost child did not run.
            contenders_per_run.append(sum(1 for _o, t, _c in results if t is not None))
            winners = sum(1 for outcome, _t, _c in results if outcome == "won")
            held = Decision.objects.filter(student_id=student_id, status="accepted").count()
            winners_per_run.append(winners if winners == held else f"{winners} (db: {held})")
            latencies += [t for _o, t, _c in results if t is not None]
            won_latencies += [t for o, t, _c in results if o == "won" and t is not None]
            errors += [o for o, _t, _c in results if o.startswith("error")]
    finally:
        close_old_connections()
        _cleanup_accepts()
    one_winner = all(w == 1 for w in winners_per_run)
    contenders = min(contenders_per_run) if contenders_per_run else 0
    if contenders < 100:
        short = f"only {contenders} of 100 contenders ran in the smallest race"
        note = f"{note}; {short}" if note else short
    from_release = [t for f in per_race for t in f["from_release"]]
    race_walls = [f["wall"] for f in per_race]
    harness_walls = [f["wall"] for f in harness]
    p95 = ms(percentile(from_release, 95))
    base_p95 = ms(percentile(sequential, 95))
    last_answer = ms(max(race_walls)) if race_walls else None
    cores = os.cpu_count() or 1

    def each(figures, name):
        return [v for f in figures for v in (f[name] or ())]

    def per_race_median(*names):
        return ms(median([_cpu_sum(f, *names) for f in per_race]))

    cpu_per_race = [_cpu_sum(f) for f in per_race]
    losers_cpu = [_cpu_sum(f, "python_refused", "backend_refused") for f in per_race]
    released_how = (
        "one release instant (all parked at the start line, woken at once)"
        if release == "pipe"
        else "the first contender out of the barrier (--race-release barrier)"
    )
    return [
        Line(
            key=key,
            title=title,
            value=p95,
            unit="ms p95",
            baseline=base_p95,
            baseline_title="p95 of 100 sequential uncontended accepts (different students)",
            ratio=p95 / base_p95 if p95 and base_p95 else None,
            note=(
                f"timed from {released_how}; release to last answer: worst "
                f"{_fmt_ms(last_answer)}, median {_fmt_ms(ms(median(race_walls)))} "
                f"(harness alone, no-op contenders: "
                f"{_fmt_ms(ms(max(harness_walls)) if harness_walls else None)}); "
                f"CPU per race {_fmt_ms(ms(median(cpu_per_race)))}, of which losers "
                f"{_fmt_ms(ms(median(losers_cpu)))}; "
                f"{races} races ({ctx.race_mode}, {contenders} contenders), "
                f"one winner in every run: "
                f"{'yes' if one_winner else 'NO'}"
                + (f"; {note}" if note else "")
                + (f"; {len(errors)} errors" if errors else "")
            ),
            details={
                "mode": ctx.race_mode,
                # "pipe": all contenders parked in one read, released by closing its write
                # end at one instant (bench/startline.py); "barrier": the old harness.
                "release": release,
                "concurrency": concurrency,
                "free_connections": free,
                "contenders_per_run": contenders_per_run,
                "contenders_min": contenders,
                "races": races,
                "winners_per_run": winners_per_run,
                "one_winner_every_run": one_winner,
                # From the release (what a contender feels when all click at once):
                "p50_ms": ms(percentile(from_release, 50)),
                "p95_ms": p95,
                "max_ms": ms(max(from_release) if from_release else None),
                "release_to_last_answer_ms_max": last_answer,
                "release_to_last_answer_ms_median": ms(median(race_walls)),
                # The same harness with a no-op body (worst of 2): the floor of the figure
                # above on this machine at this moment.
                "harness_release_to_last_answer_ms_max": ms(
                    max(harness_walls) if harness_walls else None
                ),
                "harness_release_to_last_answer_ms_per_run": [ms(w) for w in harness_walls],
                "harness_p95_ms": ms(percentile(each(harness, "from_release"), 95)),
                "harness_wake_spread_ms_per_run": [ms(f["wake_spread"]) for f in harness],
                "harness_cpu_ms_per_race_median": ms(median([_cpu_sum(f) for f in harness])),
                "contenders_warmed": ctx.race_mode == "processes",
                # Contenders seen asleep at the start line before the release (pipe only).
                "parked_before_release_per_run": [f["parked"] for f in per_race],
                # Each call from its own start (the database's and Python's work alone):
                "own_start_p50_ms": ms(percentile(latencies, 50)),
                "own_start_p95_ms": ms(percentile(latencies, 95)),
                "winner_ms_median": ms(median(won_latencies)),
                # CPU accounting. Python CPU per contender (thread_time) and its PostgreSQL
                # backend's CPU (/proc/<pid>/schedstat; None when the server is elsewhere):
                # 100 contenders on `cpu_count` cores cannot all finish sooner than the
                # sum of their CPU divided by the cores (cpu_floor_ms_per_race_median).
                "contender_cpu_ms_won_median": ms(median(each(per_race, "python_won"))),
                "contender_cpu_ms_refused_median": ms(median(each(per_race, "python_refused"))),
                "contender_cpu_ms_sum_per_race_median": per_race_median(
                    "python_won", "python_refused"
                ),
                "backend_cpu_ms_won_median": ms(median(each(per_race, "backend_won"))),
                "backend_cpu_ms_refused_median": ms(median(each(per_race, "backend_refused"))),
                "backend_cpu_ms_sum_per_race_median": per_race_median(
                    "backend_won", "backend_refused"
                ),
                "cpu_ms_per_race_median": ms(median(cpu_per_race)),
                "losers_cpu_ms_per_race_median": ms(median(losers_cpu)),
                "winner_cpu_ms_per_race_median": per_race_median("python_won", "backend_won"),
                "cpu_floor_ms_per_race_median": ms(
                    median([c / cores for c in cpu_per_race if c is not None])
                ),
                # The whole machine's CPU from the release to the last answer (/proc/stat,
                # all cores, 10 ms ticks): the contenders' share of it says how much other
                # work (and the contenders' own wake-ups and exits) ran meanwhile.
                "machine_busy_cpu_ms_per_run": [
                    ms(f["machine_cpu"][0]) if f["machine_cpu"] else None for f in per_race
                ],
                "machine_idle_cpu_ms_per_run": [
                    ms(f["machine_cpu"][1]) if f["machine_cpu"] else None for f in per_race
                ],
                "contenders_share_of_machine_cpu_median": median(
                    [
                        c / f["machine_cpu"][0]
                        for c, f in zip(cpu_per_race, per_race, strict=True)
                        if c is not None and f["machine_cpu"] and f["machine_cpu"][0] > 0
                    ]
                ),
                "race_wall_ms_per_run": [ms(w) for w in race_walls],
                # From the release to the last contender's wake-up (its wait for a core).
                "release_spread_ms_per_run": [ms(f["wake_spread"]) for f in per_race],
                "sequential_cpu_ms_median": ms(median(sequential_cpu)),
                "sequential_p50_ms": ms(percentile(sequential, 50)),
                "sequential_p95_ms": base_p95,
                "errors": errors[:10],
            },
        )
    ]


def _fmt_ms(value):
    return "—" if value is None else f"{value:.0f} ms"


def _acceptors_cycle(acceptors, i):
    return acceptors[i % len(acceptors)]


# 4. Operator export -------------------------------------------------------------------------

# One statement that yields what the operator export writes (the round-of-visibility column,
# computed in Python from the timetable, aside): the COPY baseline.
EXPORT_SQL = """
SELECT s.id, s.first_name, s.last_name, s.track, sc.name, p.name, s.postcode, s.municipality,
    s.education, s.registered_at, s.registered_at,
    (SELECT string_agg(sv.name, ', ' ORDER BY sv.name)
        FROM matching_student_preferred_services ps
        JOIN matching_service sv ON sv.id = ps.service_id WHERE ps.student_id = s.id),
    asv.name, cp.name, d.period_start, d.period_end,
    c.undecided, c.not_invited, c.invited, c.accepted, c.not_accepted, c.no_show
FROM matching_student s
JOIN matching_school sc ON sc.id = s.school_id
JOIN matching_province p ON p.id = s.province_id
LEFT JOIN matching_decision d ON d.student_id = s.id AND d.status = 'accepted'
LEFT JOIN matching_service asv ON asv.id = d.service_id
LEFT JOIN matching_contactperson cp ON cp.id = d.mentor_id
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE to_status = 'undecided') AS undecided,
        count(*) FILTER (WHERE to_status = 'not_invited') AS not_invited,
        count(*) FILTER (WHERE to_status = 'invited') AS invited,
        count(*) FILTER (WHERE to_status = 'accepted') AS accepted,
        count(*) FILTER (WHERE to_status = 'not_accepted') AS not_accepted,
        count(*) FILTER (WHERE to_status = 'no_show') AS no_show
    FROM matching_statuschange WHERE student_id = s.id) c ON true
WHERE s.school_year_id = {year}
ORDER BY s.id
"""


def _rss_kb(field="VmRSS") -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _copy_baseline(year_id: int):
    """COPY of the same rows to CSV from this process, through psycopg's copy on the same
    (already open) connection: no process start, no second connection in the figure."""
    sql = " ".join(EXPORT_SQL.format(year=int(year_id)).split())
    connection.ensure_connection()
    raw = connection.connection  # the psycopg connection behind Django's
    t0 = perf_counter()
    rows = 0
    first = None
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV") as copy:
        for block in copy:
            if first is None:
                first = perf_counter() - t0
            rows += bytes(block).count(b"\n")
    return rows, perf_counter() - t0, first


def _export_once(ctx, *, traced: bool, fmt: str = "csv"):
    from reporting.exports import operator_export_response
    from reporting.models import OperatorExport

    rss_before = _rss_kb()
    peak_reset = _reset_peak_rss()
    if traced:
        tracemalloc.start()
    t0 = perf_counter()
    first = None
    nbytes = 0
    response = operator_export_response(school_year=ctx.school_year, user=ctx.operator, fmt=fmt)
    returned = perf_counter() - t0  # XLSX: the workbook is written before the response
    for chunk in response.streaming_content:
        if first is None:
            first = perf_counter() - t0
        nbytes += len(chunk)
    response.close()  # XLSX: releases the spooled temporary file
    elapsed = perf_counter() - t0
    traced_peak = None
    if traced:
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    rss_peak = _rss_kb("VmHWM") if peak_reset else None
    audit = OperatorExport.objects.order_by("-pk").values("format", "row_count").first()
    # The rows the export counted itself (its audit row): csv_rows yields rows in batches.
    rows = audit["row_count"] if audit and audit["format"] == fmt else None
    return {
        "rows": rows,
        "response": type(response).__name__,
        "audit_row_count": audit["row_count"] if audit else None,
        "seconds": elapsed,
        "response_returned_s": returned,
        "ttfb": first,
        "bytes": nbytes,
        "rss_growth_mb": (rss_peak - rss_before) / 1024 if rss_peak and rss_before else None,
        "tracemalloc_peak_mb": traced_peak / 1024 / 1024 if traced_peak else None,
    }


def _export_fresh(fmt: str) -> dict:
    """One export in a fresh process (bench/probe.py): its peak RSS growth is not hidden by
    memory this process freed earlier."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.probe", fmt],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout).strip()[-500:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _export_line(key, title, runs, traced, fresh, copies, copy_rate, *, extra_note="") -> Line:
    rows = runs[0]["rows"]
    rate = median([r["rows"] / r["seconds"] for r in runs if r["rows"] is not None])
    growths = [r["rss_growth_mb"] for r in runs + [fresh] if r.get("rss_growth_mb") is not None]
    rss = max(growths, default=None)  # the largest of the in-process runs and the fresh one
    ttfb = median([r["ttfb"] for r in runs])
    note = f"{rows} rows; {median([r['seconds'] for r in runs]):.1f} s; TTFB {ttfb * 1000:.0f} ms"
    note += f"; peak RSS growth {rss:.1f} MB" if rss is not None else "; peak RSS not readable"
    if fresh.get("rss_growth_mb") is not None:
        note += f" (fresh process: {fresh['rss_growth_mb']:.1f} MB)"
    elif fresh.get("error"):
        note += "; fresh-process probe failed"
    if extra_note:
        note += f"; {extra_note}"
    return Line(
        key=key,
        title=title,
        value=rate,
        unit="rows/s",
        baseline=copy_rate,
        baseline_title=(
            "COPY (same rows, one SQL statement) TO STDOUT WITH CSV, psycopg, same process"
        ),
        ratio=rate / copy_rate if rate and copy_rate else None,
        note=note,
        details={
            "rows": rows,
            "copy_rows": copies[0][0],
            "seconds_median": median([r["seconds"] for r in runs]),
            "copy_seconds_median": median([s for _n, s, _f in copies]),
            "ttfb_ms": ms(ttfb),
            "copy_ttfb_ms": ms(median([f for _n, _s, f in copies])),
            "rss_growth_mb_max": rss,
            "rss_growth_mb_in_process_max": max(
                (r["rss_growth_mb"] for r in runs if r["rss_growth_mb"] is not None), default=None
            ),
            "rss_growth_mb_fresh_process": fresh.get("rss_growth_mb"),
            "tracemalloc_peak_mb": traced["tracemalloc_peak_mb"],
            "bytes": runs[0]["bytes"],
            "runs": runs,
            "traced_run": traced,
            "fresh_process_run": fresh,
        },
    )


def measure_export(ctx) -> list[Line]:
    key, title = "export", "Operator export, CSV, all students of the year"
    xkey, xtitle = "export_xlsx", "Operator export, XLSX, all students of the year"
    try:
        from reporting.exports import operator_export_response  # noqa: F401
    except ImportError as exc:
        return [not_available(key, title, f"reporting.exports: {exc}")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM reporting_operatorexport")
        before = cursor.fetchone()[0] or 0
    try:
        runs = [_export_once(ctx, traced=False) for _ in range(ctx.heavy_repeat)]
        traced = _export_once(ctx, traced=True)
        xlsx_runs = [_export_once(ctx, traced=False, fmt="xlsx") for _ in range(ctx.heavy_repeat)]
        xlsx_traced = _export_once(ctx, traced=True, fmt="xlsx")
        fresh = {fmt: _export_fresh(fmt) for fmt in ("csv", "xlsx")}
        copies = [_copy_baseline(ctx.school_year.pk) for _ in range(ctx.heavy_repeat)]
    finally:
        with connection.cursor() as cursor:  # the audit rows the benchmark opened
            cursor.execute("DELETE FROM reporting_operatorexport WHERE id > %s", [before])
    copy_rate = median([n / s for n, s, _f in copies])
    return [
        _export_line(key, title, runs, traced, fresh["csv"], copies, copy_rate),
        _export_line(
            xkey,
            xtitle,
            xlsx_runs,
            xlsx_traced,
            fresh["xlsx"],
            copies,
            copy_rate,
            extra_note=(
                "the workbook is written whole before the first byte (FileResponse)"
                if xlsx_runs[0]["response"] == "FileResponse"
                else f"streamed ({xlsx_runs[0]['response']})"
            ),
        ),
    ]


# 5. Round mailing through a real worker ----------------------------------------------------


class Worker:
    """A Celery worker subprocess on the bench's Redis database; stopped by its own pid."""

    def __init__(self, concurrency: int):
        self.concurrency = concurrency
        self.proc = None
        self.log = ROOT / "bench" / "results" / "worker.log"

    def __enter__(self):
        from config.celery_app import app

        app.control.purge()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config.celery_app",
                "worker",
                "--loglevel",
                "WARNING",
                "--concurrency",
                str(self.concurrency),
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"bench-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=dict(os.environ),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited ({self.proc.returncode}); see {self.log}")
            replies = app.control.ping(
                destination=[f"bench-{os.getpid()}@{os.uname().nodename}"], timeout=0.5
            )
            if replies:
                return self
        raise RuntimeError(f"worker did not answer within 60 s; see {self.log}")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            import signal

            os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: only this worker
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _clear_mailing(round_id):
    """Forget the mailing of the round's boundary: every round of its school year starting
    at the same moment is mailed together (one mail per login), so all are unmarked."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM notifications_roundmailing WHERE round_id IN ("
            " SELECT other.id FROM matching_round other JOIN matching_round this"
            " ON other.school_year_id = this.school_year_id AND other.starts_at = this.starts_at"
            " WHERE this.id = %s)",
            [round_id],
        )
        cursor.execute(
            "DELETE FROM notifications_outbox WHERE dedup_key LIKE %s", [f"round:{round_id}:%"]
        )


def measure_round_mailing(ctx, recipients: int = 1000) -> list[Line]:
    key, title = "round_mailing", f"Round mailing to {recipients} logins via a Celery worker"
    try:
        from matching import mailings
        from notifications import services as notifications
    except ImportError as exc:
        return [not_available(key, title, f"matching.mailings: {exc}")]
    write = getattr(mailings, "round_mailing_write", None)
    if write is None or getattr(notifications, "outbox_deliver", None) is None:
        return [not_available(key, title, "round_mailing_write / outbox_deliver missing")]
    try:
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=1).ping()
    except Exception as exc:
        return [not_available(key, title, f"Redis at {os.environ['REDIS_URL']}: {exc}")]
    from matching.models import Round

    round_ = Round.objects.select_related("school_year").get(
        school_year=ctx.school_year, track=LIST_TRACK, number=3
    )
    logins = data.add_mail_logins(recipients)
    deliver = getattr(notifications, "outbox_deliver", None)
    # Baseline: the same work without the queue: the same function writes the same 1,000
    # outbox rows, then this process delivers them one by one in a plain loop through the
    # same delivery function and the same mail backend. What the figure adds is the queue
    # (publish, Redis, the worker's pick-up), and what it gains is the worker's processes.
    from config.celery_app import app
    from notifications.models import Outbox

    base_runs, base_written_s = [], []
    try:
        for _ in range(ctx.heavy_repeat):
            _clear_mailing(round_.pk)
            mail.reset()
            t0 = perf_counter()
            write(round_=round_, event="started")
            base_written_s.append(perf_counter() - t0)
            ids = list(
                Outbox.objects.filter(dedup_key__startswith=f"round:{round_.pk}:started:")
                .order_by("pk")
                .values_list("pk", "claim")
            )
            # Each row under the claim its publication carries, as the worker receives it.
            for outbox_id, claim in ids:
                deliver(outbox_id=outbox_id, claim=claim)
            base_runs.append(perf_counter() - t0)
            app.control.purge()  # the tasks the write published: no worker runs them
    finally:
        _clear_mailing(round_.pk)
    runs, written_s, counts = [], [], []
    try:
        with Worker(concurrency=os.cpu_count() or 2):
            for _ in range(ctx.heavy_repeat):
                _clear_mailing(round_.pk)
                mail.reset()
                t0 = perf_counter()
                created = write(round_=round_, event="started")
                written_s.append(perf_counter() - t0)
                deadline = time.monotonic() + 300
                while mail.sent() < created and time.monotonic() < deadline:
                    time.sleep(0.02)
                runs.append(perf_counter() - t0)
                counts.append((created, mail.sent()))
    except RuntimeError as exc:
        return [not_available(key, title, str(exc))]
    finally:
        _clear_mailing(round_.pk)
        data.remove_mail_logins()
    value = median(runs)
    baseline = median(base_runs)
    complete = all(created == recipients and sent >= created for created, sent in counts)
    return [
        Line(
            key=key,
            title=title,
            value=value,
            unit="s",
            baseline=baseline,
            baseline_title=(
                f"the same write, then the same {recipients} rows delivered in a plain loop "
                "in this process (same delivery function, same backend, no queue)"
            ),
            ratio=value / baseline if baseline else None,
            note=(
                f"{logins} logins; all handed to the backend in every run: "
                f"{'yes' if complete else 'NO'}; outbox written in "
                f"{median(written_s):.2f} s"
            ),
            details={
                "recipients": recipients,
                "runs_s": runs,
                "outbox_write_s": written_s,
                "created_and_sent": counts,
                "worker_concurrency": os.cpu_count() or 2,
                "baseline_runs_s": base_runs,
                "baseline_outbox_write_s": base_written_s,
                "all_delivered": complete,
            },
        )
    ]
