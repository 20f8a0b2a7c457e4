"""A private PostgreSQL server for the benchmark, when the configured one is too small.

The accept race of the targets runs 100 contenders, each with its own connection (as 100
requests in 100 worker processes would). PostgreSQL's default `max_connections` is 100, so
on a newcomer's machine only ~90 of them could connect. Rather than reconfiguring and
restarting the user's server, the benchmark then starts its own cluster with the machine's
PostgreSQL binaries (same version as the configured server when it can find them), with
`max_connections = 250` and otherwise PostgreSQL's defaults, under `var/bench-pg/`, and runs
*every* measurement against it, so all figures of one run come from one server.

The cluster is kept between runs (like the data) and stopped at the end of each run.
"""

import glob
import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench-pg"
PORT = int(os.environ.get("BENCH_PG_PORT", "25432"))
MAX_CONNECTIONS = 250
SUPERUSER = "root"


def _bindir() -> Path | None:
    """The newest PostgreSQL server binaries on the machine (Debian: /usr/lib/postgresql/N)."""
    found = shutil.which("pg_config")
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if candidates:
        return Path(candidates[-1]).parent
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True)
        path = Path(out.stdout.strip())
        if (path / "initdb").exists():
            return path
    return None


def _version_key(path: str) -> int:
    try:
        return int(Path(path).parent.parent.name)
    except ValueError:
        return 0


def _as_owner(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the `postgres` user then."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def url(database: str) -> str:
    return f"postgres://{SUPERUSER}@127.0.0.1:{PORT}/{database}"


class PrivateServer:
    """`with PrivateServer() as server:` initialises (once), starts and finally stops it."""

    def __init__(self):
        self.bindir = _bindir()
        if self.bindir is None:
            raise RuntimeError("no PostgreSQL server binaries (initdb) found on this machine")
        self.log = DATA_DIR.parent / "bench-pg.log"

    def _run(self, *cmd: str) -> None:
        proc = subprocess.run(_as_owner(list(cmd)), capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {(proc.stderr or proc.stdout).strip()[-400:]}")

    def _init(self) -> None:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(DATA_DIR, "postgres", "postgres")
            DATA_DIR.chmod(0o700)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(DATA_DIR),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-instructions",
        )

    def __enter__(self):
        if not (DATA_DIR / "PG_VERSION").exists():
            self._init()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.touch()
        if os.geteuid() == 0:
            shutil.chown(self.log, "postgres", "postgres")
        options = (
            f"-c port={PORT} -c listen_addresses=127.0.0.1 -c max_connections={MAX_CONNECTIONS} "
            f"-c unix_socket_directories={DATA_DIR}"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(DATA_DIR),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready = subprocess.run(
                [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(PORT), "-q"]
            )
            if ready.returncode == 0:
                return self
            time.sleep(0.2)
        raise RuntimeError(f"the private PostgreSQL did not start; see {self.log}")

    def __exit__(self, *exc):
        subprocess.run(
            _as_owner([str(self.bindir / "pg_ctl"), "-D", str(DATA_DIR), "-m", "fast", "stop"]),
            capture_output=True,
        )


def max_connections(database_url: str) -> int | None:
    """`max_connections` of the configured server, or None when it cannot be reached."""
    import psycopg

    from .env import maintenance_url, psql_url

    try:
        with psycopg.connect(psql_url(maintenance_url(database_url)), connect_timeout=3) as conn:
            return int(conn.execute("SHOW max_connections").fetchone()[0])
    except psycopg.Error:
        return None
