"""Environment of a benchmark run: set before Django is imported, shared with the worker."""

import os
import sys
from urllib.parse import urlparse, urlunparse

DEFAULT_DATABASE_URL = "postgres://root@127.0.0.1:5432/stagematching_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
SETTINGS = "bench.settings"
# The race: 100 contenders, the benchmark's own connection, a worker, some room.
RACE_CONNECTIONS_NEEDED = 100 + 12


def configure() -> dict:
    """Environment for this process and the Celery worker it starts."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", SETTINGS)
    os.environ["DEBUG"] = "0"
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["EMAIL_BACKEND"] = "bench.mail.CountingBackend"
    # One key for the benchmark and the gunicorn it starts: sessions signed here hold there.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-in-production")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("CONN_MAX_AGE", "0")  # the project default; try 60
    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"bench: PostgreSQL only; DATABASE_URL is {url.split(':')[0]}://…")
    return dict(os.environ)


def database_name(url: str | None = None) -> str:
    return urlparse(url or os.environ["DATABASE_URL"]).path.lstrip("/")


def maintenance_url(url: str | None = None) -> str:
    parts = urlparse(url or os.environ["DATABASE_URL"])
    return urlunparse(parts._replace(path="/postgres"))


def psql_url(url: str | None = None) -> str:
    """The URL in the form psql accepts (postgresql://)."""
    url = url or os.environ["DATABASE_URL"]
    return "postgresql://" + url.split("://", 1)[1]


def create_database_if_missing() -> bool:
    import psycopg
    from psycopg import sql

    name = database_name()
    with psycopg.connect(psql_url(maintenance_url()), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True
