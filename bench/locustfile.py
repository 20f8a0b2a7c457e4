"""The 12:00 rush for locust (started headless by bench/rush.py, never imported by Django).

The plan (a JSON file named by BENCH_RUSH_PLAN) gives each simulated login its session
cookie, its CSRF token, its URLs and the moment of its first request (seconds after the
start, open-loop: the arrivals do not wait for the server). Each login then opens a
student, maybe tries an acceptance, and reloads its list, each step after the answer of the
one before, as a person would. Every answer is recorded raw (name, ms, status, the
server's own CPU from its Server-Timing header) into BENCH_RUSH_OUT when the run stops.
"""

import itertools
import json
import os
import re
import time

import gevent
from locust import HttpUser, events, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["BENCH_RUSH_PLAN"]).read())  # noqa: SIM115
OUT = os.environ["BENCH_RUSH_OUT"]
_next = itertools.count()
_done = itertools.count(1)
RECORDS = []
START = {}
CPU = re.compile(r"cpu;dur=([0-9.]+)")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response, exception, **kw):
    timing = response.headers.get("Server-Timing", "") if response is not None else ""
    found = CPU.search(timing or "")
    RECORDS.append(
        {
            "name": name,
            "ms": response_time,
            "status": getattr(response, "status_code", None),
            "error": repr(exception)[:200] if exception else None,
            "cpu_ms": float(found.group(1)) if found else None,
            "at": time.monotonic() - START.get("t0", time.monotonic()),
        }
    )


@events.test_start.add_listener
def _start(environment, **kw):
    START["t0"] = time.monotonic()


@events.quitting.add_listener
def _write(environment, **kw):
    with open(OUT, "w") as handle:
        json.dump(RECORDS, handle)


class Login(HttpUser):
    wait_time = staticmethod(lambda: 0)

    def on_start(self):
        START.setdefault("t0", time.monotonic())
        self.client.headers.update(PLAN["headers"])
        if PLAN.get("sequential"):
            # The baseline: one user plays every login's session, one after the other.
            self.plans = PLAN["logins"]
            return
        index = next(_next)
        if index >= len(PLAN["logins"]):
            raise StopUser()
        self.plans = [PLAN["logins"][index]]

    def _as(self, plan):
        self.client.cookies.clear()
        self.client.headers["X-CSRFToken"] = plan["csrf"]
        self.client.cookies.set(PLAN["session_cookie"], plan["session"])
        self.client.cookies.set(PLAN["csrf_cookie"], plan["csrf"])

    def _get(self, url, name):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    @task
    def sessions(self):
        for plan in self.plans:
            self._session(plan)
        if next(_done) >= PLAN["expected"]:
            gevent.spawn_later(0.5, self.environment.runner.quit)
        raise StopUser()

    def _session(self, plan):
        self._as(plan)
        delay = START["t0"] + plan["arrive_at"] - time.monotonic()
        if delay > 0:
            gevent.sleep(delay)
        for step in plan["steps"]:
            if step["method"] == "GET":
                self._get(step["url"], step["name"])
            else:
                with self.client.post(
                    step["url"],
                    data=step["data"],
                    name=step["name"],
                    allow_redirects=False,
                    catch_response=True,
                ) as r:
                    if r.status_code not in (200, 302, 303):
                        r.failure(f"HTTP {r.status_code}")
