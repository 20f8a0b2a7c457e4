"""A large import runs in a real Celery worker (a subprocess on the real Redis and
PostgreSQL) that consumes only the `imports` queue, and the page's progress rows move while
it runs."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from matching.models import Student
from schoolimports import services as import_services
from schoolimports.models import ImportJob
from tests.matching.school.conftest import (
    csv_bytes,
    good_row,
    make_school_user,
    reload_reference_data,
)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def worker(postgres, real_redis, transactional_db, tmp_path):
    """A real `celery worker` process using this test database and broker."""
    import redis

    from config.celery_app import app

    assert app.conf.broker_url == real_redis, "run pytest with REDIS_URL set"
    # The test settings run tasks inline; here they must travel through the broker.
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    redis.Redis.from_url(real_redis).flushdb()
    reload_reference_data()
    settings_dict = connection.settings_dict
    database_url = "postgres://{user}@{host}:{port}/{name}".format(
        user=settings_dict["USER"] or "root",
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        name=settings_dict["NAME"],
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": real_redis,
    }
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            # Only the imports queue, as docker-compose's `importer`: the import is routed there.
            "-Q",
            "imports",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker exited: {log_path.read_text()}")
        if "ready." in log_path.read_text():
            break
        time.sleep(0.2)
    else:
        process.terminate()
        pytest.fail("worker did not start")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    app.conf.task_always_eager = was_eager


def test_5000_row_import_completes_through_the_worker_with_progress(worker, school, year):
    user = make_school_user(school)
    content = csv_bytes([good_row(i, Voornaam=f"Leerling{i}") for i in range(5000)])
    job = import_services.import_start(
        school=school, user=user, filename="groot.csv", content=content
    )
    # Over IMPORT_SYNC_MAX_BYTES: the request did not read it; the worker counts the rows.
    assert job.status == ImportJob.Status.PENDING and job.total == 0

    seen = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        row = ImportJob.objects.values_list("status", "progress").get(pk=job.pk)
        if not seen or seen[-1] != row:
            seen.append(row)
        if row[0] in ("done", "rejected", "failed"):
            break
        time.sleep(0.02)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, (job.errors[:3], seen[-5:])
    assert (
        job.total == 5000
        and job.imported == 5000
        and Student.objects.filter(school=school).count() == 5000
    )
    # The rows changed while the worker ran: both phases, several steps each, never backwards.
    validating = [p for s, p in seen if s == "validating"]
    importing = [p for s, p in seen if s == "importing"]
    assert len([p for p in validating if 0 < p < 5000]) >= 3, seen
    assert len([p for p in importing if 0 < p < 5000]) >= 1, seen
    assert validating == sorted(validating) and importing == sorted(importing)
    assert bytes(job.content) == b""  # the file is not kept once imported

    # Uploading the same file again does not queue a second import.
    with pytest.raises(import_services.AlreadyImported):
        import_services.import_start(
            school=school, user=user, filename="groot.csv", content=content
        )
    assert Student.objects.count() == 5000
