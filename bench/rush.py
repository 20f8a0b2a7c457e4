"""The 12:00 rush through the real HTTP stack.

gunicorn with the production settings and the worker shape of config/gunicorn.conf.py (the
same file the Dockerfile and docker-compose start), PostgreSQL, Redis. `ctx.rush_logins`
service logins (300) are signed in beforehand; from "12:00:00" each one's first list
request arrives at a random moment within `ctx.rush_window` seconds (open loop), then it
opens a student, 100 of them try one acceptance (10 per student on the same 10 students),
and each reloads its list. locust (headless, bench/locustfile.py) sends the requests.

Baseline, same run, same server, same client: the same kinds of request sent one at a time
by one user (20 sessions: list, detail, an acceptance — one winner and one loser per
student —, list reload). The server's own CPU per request comes from a Server-Timing header
(bench/servertiming.py); the whole server's CPU (all gunicorn processes) from psutil.
"""

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .stats import Line, median, not_available, percentile

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_HTTP_PORT", "28765"))  # below the ephemeral range
SETTINGS = "bench.settings_production"
CONTESTED = 10
ACCEPTORS = 100
SINGLE_SESSIONS = 20
KINDS = ("list", "detail", "accept", "list_reload")


def _server_env() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"https://127.0.0.1:{PORT}",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{PORT}",
    )
    return env


class Gunicorn:
    def __init__(self):
        self.proc = None
        self.log = ROOT / "bench" / "results" / "gunicorn.log"

    def __enter__(self):
        env = _server_env()
        collect = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if collect.returncode != 0:
            raise RuntimeError(f"collectstatic failed: {collect.stderr.strip()[-300:]}")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "config/gunicorn.conf.py",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        import requests

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {self.log}")
            try:
                answer = requests.get(
                    f"http://127.0.0.1:{PORT}/admin/login/",
                    headers={"X-Forwarded-Proto": "https"},
                    timeout=5,
                )
                if answer.status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer within 90 s; see {self.log}")

    def cpu_seconds(self) -> float | None:
        try:
            import psutil
        except ImportError:
            return None
        try:
            root = psutil.Process(self.proc.pid)
            total = 0.0
            for proc in [root, *root.children(recursive=True)]:
                times = proc.cpu_times()
                total += times.user + times.system
            return total
        except psutil.Error:
            return None

    def workers(self) -> int:
        try:
            import psutil

            return len(psutil.Process(self.proc.pid).children())
        except Exception:  # noqa: BLE001
            return 0

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _signed_in(users) -> dict:
    """A session per login, made by Django's own login (so the one-session rule's sign-in
    record is there too), and a CSRF secret: what each browser would hold at 11:59."""
    from django.conf import settings
    from django.utils.crypto import get_random_string

    from .login import signed_in_client

    sessions = {}
    for user in users:
        client = signed_in_client(user)
        sessions[user.pk] = {
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "csrf": get_random_string(32),
        }
    return sessions


def _plans(ctx, students):
    """Who does what: (logins, plan entries) for the rush and for the single baseline."""
    from django.urls import reverse

    from accounts.models import User
    from matching.models import ContactPerson, Service

    services = list(Service.objects.order_by("pk")[:ACCEPTORS])
    mentors = {c.service_id: c.pk for c in ContactPerson.objects.filter(service__in=services)}
    wanted = [f"svc{s.pk}-{n}@bench.example" for n in (1, 2, 3) for s in services]
    users = {u.email: u for u in User.objects.filter(email__in=wanted)}
    logins = [users[e] for e in wanted if e in users][: ctx.rush_logins]
    service_of = {f"svc{s.pk}-{n}@bench.example": s for n in (1, 2, 3) for s in services}
    list_url = reverse("service_students", args=["secondary"])
    today = dt.date.today()

    def session(user, student_id, accept: bool, arrive_at: float):
        detail = reverse("service_student_detail", args=[student_id])
        steps = [
            {"method": "GET", "url": list_url, "name": "list"},
            {"method": "GET", "url": detail, "name": "detail"},
        ]
        if accept:
            steps.append(
                {
                    "method": "POST",
                    "url": reverse("service_student_status", args=[student_id]),
                    "name": "accept",
                    "data": {
                        "status": "accepted",
                        "mentor": str(mentors[service_of[user.email].pk]),
                        "period_start": (today + dt.timedelta(days=30)).isoformat(),
                        "period_end": (today + dt.timedelta(days=90)).isoformat(),
                        "note": "",
                        "next": list_url,
                    },
                }
            )
        steps.append({"method": "GET", "url": list_url, "name": "list_reload"})
        return {"user": user.pk, "arrive_at": arrive_at, "steps": steps}

    rng = random.Random(1200)
    contested, single_students = students[:CONTESTED], students[CONTESTED : CONTESTED * 2]
    rush = []
    for i, user in enumerate(logins):
        accept = i < ACCEPTORS  # the first login of each service: 10 services per student
        rush.append(
            session(user, contested[i % CONTESTED], accept, rng.uniform(0, ctx.rush_window))
        )
    single = [
        session(logins[i], single_students[i // 2], True, 0.0)
        for i in range(min(SINGLE_SESSIONS, len(logins)))
    ]
    return logins, rush, single, contested


def _locust(plan_entries, sessions, *, sequential: bool, timeout: float) -> list[dict]:
    from django.conf import settings

    headers = {
        "X-Forwarded-Proto": "https",  # the TLS-terminating proxy of production
        "Origin": f"https://127.0.0.1:{PORT}",
        "Referer": f"https://127.0.0.1:{PORT}/admin/",
    }
    logins = [{**entry, **sessions[entry["user"]]} for entry in plan_entries]
    plan = {
        "logins": logins,
        "expected": 1 if sequential else len(logins),
        "sequential": sequential,
        "headers": headers,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }
    with tempfile.TemporaryDirectory() as tmp:
        plan_path, out_path = Path(tmp) / "plan.json", Path(tmp) / "out.json"
        plan_path.write_text(json.dumps(plan))
        users = 1 if sequential else len(logins)
        env = dict(os.environ, BENCH_RUSH_PLAN=str(plan_path), BENCH_RUSH_OUT=str(out_path))
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--run-time",
                f"{int(timeout)}s",
                "--stop-timeout",
                "30",
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout + 120,
        )
        if not out_path.exists():
            raise RuntimeError(f"locust wrote no records: {proc.stderr.strip()[-400:]}")
        return json.loads(out_path.read_text())


def _summary(records) -> dict:
    out = {}
    for kind in KINDS:
        rows = [r for r in records if r["name"] == kind]
        if not rows:
            continue
        times = [r["ms"] for r in rows]
        span = max(r["at"] for r in rows) - min(r["at"] for r in rows)
        out[kind] = {
            "count": len(rows),
            "errors": sum(1 for r in rows if r["error"]),
            "statuses": sorted({r["status"] for r in rows if r["status"] is not None}),
            "throughput_per_s": len(rows) / span if span > 0 else None,
            "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99),
            "max_ms": max(times),
            "server_cpu_ms_median": median([r["cpu_ms"] for r in rows]),
            "server_cpu_ms_p95": percentile([r["cpu_ms"] for r in rows], 95),
        }
    return out


def measure_rush(ctx) -> list[Line]:
    from django.db import connection

    from matching.models import Decision

    from . import data

    key, title = "http_rush", f"12:00 rush through gunicorn: {ctx.rush_logins} logins"
    import importlib.util

    # Never imported here: locust monkey-patches the process with gevent on import.
    if importlib.util.find_spec("locust") is None:
        return [not_available(key, title, "locust is not installed (bench/requirements.lock)")]
    pool = data.race_pool()
    if len(pool) < CONTESTED * 2:
        return [not_available(key, title, "the race pool is too small")]
    data.reset_race_pool()
    logins, rush_plan, single_plan, contested = _plans(ctx, pool)
    sessions = _signed_in(logins)
    connection.close()  # gunicorn's workers need the connections, not this process
    try:
        with Gunicorn() as server:
            single = _locust(single_plan, sessions, sequential=True, timeout=600)
            data.reset_race_pool()
            cpu_before = server.cpu_seconds()
            started = time.monotonic()
            rushed = _locust(rush_plan, sessions, sequential=False, timeout=ctx.rush_window + 300)
            wall = time.monotonic() - started
            cpu_after = server.cpu_seconds()
            workers = server.workers()
        winners = {
            sid: Decision.objects.filter(student_id=sid, status="accepted").count()
            for sid in contested
        }
    except RuntimeError as exc:
        return [not_available(key, title, str(exc))]
    finally:
        data.reset_race_pool()
        from config.celery_app import app

        app.control.purge()
    rush_s, single_s = _summary(rushed), _summary(single)
    ratios = {
        kind: rush_s[kind]["p95_ms"] / single_s[kind]["p95_ms"]
        for kind in KINDS
        if kind in rush_s and kind in single_s and single_s[kind]["p95_ms"]
    }
    errors = sum(s["errors"] for s in rush_s.values())
    one_winner = all(n == 1 for n in winners.values())
    lines = []
    for kind in KINDS:
        if kind not in rush_s:
            continue
        r, s = rush_s[kind], single_s.get(kind, {})
        lines.append(
            Line(
                key=f"rush_{kind}",
                title=f"Rush: {kind.replace('_', ' ')} ({r['count']} requests)",
                value=r["p95_ms"],
                unit="ms p95",
                baseline=s.get("p95_ms"),
                baseline_title="p95 of the same kind sent one at a time (same server, client)",
                ratio=ratios.get(kind),
                note=(
                    f"p50 {r['p50_ms']:.0f} / p99 {r['p99_ms']:.0f} ms; "
                    f"{r['throughput_per_s'] or 0:.1f}/s; errors {r['errors']}; "
                    f"server CPU median {_f(r['server_cpu_ms_median'])} ms"
                ),
                details={"rush": r, "single": s},
            )
        )
    lines.append(
        Line(
            key=key,
            title=title,
            value=wall,
            unit="s",
            note=(
                f"{len(rushed)} requests; errors {errors}; one winner per contested student: "
                f"{'yes' if one_winner else 'NO'}; gunicorn {workers} workers; server CPU "
                f"{_f((cpu_after or 0) - (cpu_before or 0))} s"
            ),
            details={
                "logins": len(logins),
                "window_s": ctx.rush_window,
                "requests": len(rushed),
                "errors": errors,
                "winners_per_student": {str(k): v for k, v in winners.items()},
                "one_winner_per_student": one_winner,
                "gunicorn_workers": workers,
                "server_cpu_s": None if cpu_before is None else round(cpu_after - cpu_before, 2),
                "p95_ratio_by_kind": ratios,
                "rush": rush_s,
                "single": single_s,
                "error_samples": [r for r in rushed if r["error"]][:10],
            },
        )
    )
    return lines


def _f(value):
    return "—" if value is None else f"{value:.1f}"
