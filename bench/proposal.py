"""The proposal solver (issue 19) at the size of the issue: 5,000 unplaced students, 100
services with 3,000 free places between them, every pair allowed (round 3 shows every
unplaced student to every service), 1-3 preferred services per student, real great-circle
distances between random points of Flanders, a fitting transport mode for about half the
pairs. Time and peak memory of `proposals.solver.solve`: in this process (median of the
repetitions) and in a fresh process (its whole peak RSS: Python, NumPy and OR-Tools
included), targets < 10 s and < 500 MB.

Runs without a database: `python -m bench.proposal` prints the fresh process's figures."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .stats import Line, median

STUDENTS = 5000
SERVICES = 100
PLACES = 3000


def problem(seed: int = 19):
    """(pairs, free places) of the issue's size; deterministic for a seed."""
    import random

    from matching.geo import haversine_km
    from proposals.solver import Pair

    rng = random.Random(seed)

    def point():
        return rng.uniform(50.70, 51.35), rng.uniform(2.60, 5.90)

    services = [point() for _ in range(SERVICES)]
    free = dict.fromkeys(range(SERVICES), 0)
    for _ in range(PLACES):
        free[rng.randrange(SERVICES)] += 1
    pairs = []
    for student in range(STUDENTS):
        lat, lon = point()
        preferred = set(rng.sample(range(SERVICES), rng.randint(1, 3)))
        for service, (s_lat, s_lon) in enumerate(services):
            pairs.append(
                Pair(
                    student=student,
                    service=service,
                    preferred=service in preferred,
                    distance_km=round(haversine_km(lat, lon, s_lat, s_lon)),
                    transport_fits=rng.random() < 0.5,
                )
            )
    return pairs, free


def _peak_kb() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def fresh() -> dict:
    """Build the problem and solve it once in this (fresh) process."""
    from proposals.solver import solve

    pairs, free = problem()
    built_kb = _peak_kb()
    started = time.perf_counter()
    chosen = solve(pairs, free)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "placed": len(chosen),
        "preferred": sum(p.preferred for p in chosen),
        "pairs": len(pairs),
        "peak_rss_mb": (_peak_kb() or 0) / 1024,
        "peak_rss_before_solve_mb": (built_kb or 0) / 1024,
    }


def _fresh_process() -> dict | None:
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    out = subprocess.run(
        [sys.executable, "-m", "bench.proposal"], cwd=root, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_proposal(ctx) -> list[Line]:
    from proposals.solver import solve

    pairs, free = problem()
    runs = []
    placed = None
    for _ in range(max(1, min(ctx.repeat, 3))):
        started = time.perf_counter()
        placed = len(solve(pairs, free))
        runs.append(time.perf_counter() - started)
    alone = _fresh_process()
    value = median(runs)
    note = (
        f"{STUDENTS:,} students, {SERVICES} services, {PLACES:,} free places, "
        f"{len(pairs):,} pairs; {placed:,} placed"
    )
    if alone:
        note += (
            f"; fresh process: {alone['seconds']:.2f} s, peak RSS {alone['peak_rss_mb']:.0f} MB "
            f"(problem built: {alone['peak_rss_before_solve_mb']:.0f} MB)"
        )
    return [
        Line(
            key="proposal_solver",
            title="Proposal solver: 5,000 unplaced students, 100 services, 3,000 places",
            value=value * 1000,
            unit="ms",
            note=note,
            details={
                "runs_s": runs,
                "placed": placed,
                "pairs": len(pairs),
                "fresh_seconds": alone and alone["seconds"],
                "peak_rss_mb": alone and alone["peak_rss_mb"],
                "preferred": alone and alone["preferred"],
            },
        )
    ]


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(fresh()))
