"""`python -m bench --size realistic|50k|100k|500k --repeat 7` (see bench/__init__.py)."""

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime

from . import env

MEASUREMENTS = [
    "list",
    "detail",
    "live",
    "race",
    "export",
    "xlsx",
    "mailing",
    "rush",
    "proposal",
]


def parse(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=["realistic", "50k", "100k", "500k"], default="realistic")
    parser.add_argument("--repeat", type=int, default=7, help="repetitions per figure")
    parser.add_argument(
        "--heavy-repeat",
        type=int,
        default=None,
        help="repetitions of the export and the mailing (default: min(repeat, 3))",
    )
    parser.add_argument("--regenerate", action="store_true", help="generate the data anew")
    parser.add_argument(
        "--race-mode",
        choices=["processes", "threads"],
        default="processes",
        help="contenders of the accept race as forked processes (default; like requests in "
        "worker processes) or as threads of this process (they then share one GIL)",
    )
    parser.add_argument(
        "--race-release",
        choices=["pipe", "barrier"],
        default="pipe",
        help="how the race's contenders are released: pipe (default; all parked in one read, "
        "woken at one instant by closing its write end, bench/startline.py) or barrier "
        "(the old multiprocessing.Barrier, which wakes them one after another; kept for A/B)",
    )
    parser.add_argument(
        "--only", default=",".join(MEASUREMENTS), help=f"comma list of {MEASUREMENTS}"
    )
    parser.add_argument(
        "--postgres",
        choices=["auto", "configured", "private"],
        default="auto",
        help="auto (default): the configured server when it allows the race's 100 "
        "connections, else a private one (bench/pgserver.py); or force either",
    )
    parser.add_argument(
        "--rush-logins", type=int, default=300, help="service logins of the HTTP rush"
    )
    parser.add_argument(
        "--rush-window", type=float, default=60.0, help="seconds over which they arrive"
    )
    parser.add_argument(
        "--allow-any-database",
        action="store_true",
        help="generate into a database whose name lacks 'bench' (it is truncated!)",
    )
    return parser.parse_args(argv)


def _git_state() -> dict:
    """The commit measured and whether the work tree had uncommitted changes (read-only)."""
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def git(*args):
        try:
            out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        except OSError:
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "head": git("rev-parse", "--short", "HEAD"),
        "modified_files": None if status is None else len(status.splitlines()),
    }


def _server(choice: str):
    """The PostgreSQL server of this run: the configured one, or a private one when the
    configured server cannot give the race its connections (see bench/pgserver.py)."""
    import contextlib

    from . import pgserver

    configured = os.environ.get("DATABASE_URL", env.DEFAULT_DATABASE_URL)
    if choice == "auto":
        limit = pgserver.max_connections(configured)
        enough = limit is not None and limit >= env.RACE_CONNECTIONS_NEEDED
        choice = "configured" if enough else "private"
        if choice == "private":
            print(
                f"bench: the configured PostgreSQL allows {limit} connections; the race needs "
                f"{env.RACE_CONNECTIONS_NEEDED}: starting a private server "
                f"(max_connections={pgserver.MAX_CONNECTIONS}, port {pgserver.PORT})",
                flush=True,
            )
    if choice == "configured":
        return contextlib.nullcontext(), "configured"
    os.environ["DATABASE_URL"] = pgserver.url(env.database_name(configured))
    return pgserver.PrivateServer(), "private"


def main(argv=None) -> int:
    args = parse(argv)
    server, server_kind = _server(args.postgres)
    with server:
        return _run(args, server_kind)


def _run(args, server_kind: str) -> int:
    env.configure()
    name = env.database_name()
    if "bench" not in name and not args.allow_any_database:
        sys.exit(f"bench: refusing to truncate database {name!r}; its name must contain 'bench'")
    created = env.create_database_if_missing()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from . import data, live, machine, measure, proposal, report, rush, xlsx_ab

    started = datetime.now(UTC)
    load_before = os.getloadavg()
    python_unit_ms = machine.python_unit_ms()  # before any measurement
    git_state = _git_state()  # at the start: the other engineers may commit meanwhile
    t0 = time.perf_counter()
    print(f"bench: database {name}{' (created)' if created else ''}; migrating…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print(f"bench: data at size {args.size}…", flush=True)
    dataset = data.ensure(args.size, regenerate=args.regenerate)
    data.analyze()
    how = f"generated in {dataset.seconds:.1f} s" if dataset.generated else "reused"
    print(
        f"bench: {dataset.students:,} students, {dataset.decisions:,} decisions ({how})",
        flush=True,
    )
    heavy = args.heavy_repeat or min(args.repeat, 3)
    ctx = measure.Context(
        repeat=args.repeat,
        heavy_repeat=heavy,
        race_mode=args.race_mode,
        race_release=args.race_release,
        rush_logins=args.rush_logins,
        rush_window=args.rush_window,
    )
    chosen = [m.strip() for m in args.only.split(",") if m.strip()]
    steps = {
        "list": lambda c: measure.measure_list_pages(c) + measure.measure_list_vs_django_admin(c),
        "detail": measure.measure_detail_page,
        "live": live.measure_live_updates,
        "race": measure.measure_accept_race,
        "export": measure.measure_export,
        "xlsx": xlsx_ab.measure_xlsx_writers,
        "mailing": measure.measure_round_mailing,
        "rush": rush.measure_rush,
        "proposal": proposal.measure_proposal,
    }
    lines = []
    for key in MEASUREMENTS:
        if key not in chosen:
            continue
        print(f"bench: measuring {key}…", flush=True)
        step_started = time.perf_counter()
        lines += steps[key](ctx)
        print(f"bench:   {key} took {time.perf_counter() - step_started:.1f} s", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    import django as dj

    meta = {
        "size": args.size,
        "cpu_count": os.cpu_count(),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - t0, 1),
        "repeat": args.repeat,
        "heavy_repeat": heavy,
        "measurements": chosen,
        "race_mode": args.race_mode,
        "race_release": args.race_release,
        "database": name,
        "postgres": pg_version.split()[0],
        "python": platform.python_version(),
        "django": dj.get_version(),
        "machine": platform.machine(),
        "cpu_model": machine.cpu_model(),
        "python_unit_ms": python_unit_ms,
        "dataset": dataset.__dict__,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "conn_max_age": os.environ.get("CONN_MAX_AGE"),
        "postgres_server": server_kind,
        "postgres_max_connections": _max_connections(),
        "git": git_state,
    }
    meta["loaded"] = report.loaded(meta)
    goals = report.targets(lines)
    meta["targets_stated_at"] = report.TARGET_SIZE
    json_path, md_path, text = report.write(meta, lines, goals)
    print()
    print(text)
    print(f"bench: wrote {json_path.relative_to(json_path.parents[2])} and {md_path.name}")
    return 0


def _max_connections():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
