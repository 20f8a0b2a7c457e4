"""The demo's default: SQLite and Celery on the embedded (filesystem) broker, no server.

A real worker process is started from an unrelated working directory; a mail queued in the
outbox must reach the mail folder through it, and every broker file must land under VAR_DIR
(kombu's filesystem transport otherwise writes a `control/` folder wherever it was started).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

QUEUE_ONE_MAIL = """
from django.db import transaction
from notifications.services import outbox_queue
with transaction.atomic():
    outbox_queue(
        to="dienst@example.org",
        template_key="round_ended",
        context={"naam": "Ingrid", "ronde": "Ronde 1"},
    )
"""


@pytest.fixture
def embedded_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="0",
        VAR_DIR=str(tmp_path / "var"),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *args):
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def test_a_worker_on_the_embedded_broker_delivers_queued_mail(embedded_env, tmp_path):
    (tmp_path / "var").mkdir()  # as `make demo` does
    manage(embedded_env, "migrate", "--noinput", "-v0")
    manage(embedded_env, "shell", "-c", QUEUE_ONE_MAIL)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=elsewhere,
            env=embedded_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            mail_dir = tmp_path / "var" / "mail"
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if worker.poll() is not None:
                    pytest.fail(f"worker exited: {log_path.read_text()}")
                if mail_dir.exists() and any(mail_dir.iterdir()):
                    break
                time.sleep(0.3)
            else:
                pytest.fail(f"no mail delivered: {log_path.read_text()}")
        finally:
            worker.terminate()
            worker.wait(timeout=20)

    sent = next(mail_dir.iterdir()).read_text()
    assert "dienst@example.org" in sent
    assert "Ronde 1" in sent
    # Nothing of the broker in the directory the worker was started from.
    assert list(elsewhere.iterdir()) == []
    assert (tmp_path / "var" / "celery-control").is_dir()
    # Web, worker and beat share the SQLite file: it runs in WAL mode (see config.settings).
    import sqlite3

    with sqlite3.connect(tmp_path / "var" / "db.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
