"""Bulk imports have their own Celery queue (`imports`), apart from mail (`celery`), and every
way the project runs its workers consumes both: docker-compose and the demo with one worker
per queue, a plain `celery worker` with both queues."""

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.celery_app import app
from notifications.tasks import deliver_outbox
from schoolimports.tasks import school_import_run

ROOT = Path(__file__).resolve().parents[1]


def queue_of(task) -> str:
    return app.amqp.router.route({}, task.name)["queue"].name


def test_the_import_task_has_its_own_queue_and_a_stable_name():
    assert school_import_run.name == "matching.tasks.school_import_run"
    assert queue_of(school_import_run) == "imports"
    assert queue_of(deliver_outbox) == "celery"
    # A worker started without -Q consumes every declared queue.
    assert set(app.amqp.queues) == {"celery", "imports"}


@pytest.mark.redis
def test_an_import_is_published_on_the_imports_queue_not_behind_mail(real_redis):
    import redis

    client = redis.Redis.from_url(real_redis)
    client.delete("celery", "imports")
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        for pk in range(1, 51):
            deliver_outbox.delay(10_000_000 + pk)  # a mailing waiting on the mail queue
        school_import_run.delay(10_000_000)
    finally:
        app.conf.task_always_eager = was_eager
    try:
        assert client.llen("celery") == 50
        assert client.llen("imports") == 1
        assert b"matching.tasks.school_import_run" in client.lindex("imports", 0)
    finally:
        client.delete("celery", "imports")


def test_docker_compose_runs_a_worker_per_queue():
    compose = (ROOT / "docker-compose.yml").read_text()
    commands = re.findall(r"command: (celery -A config worker .*)", compose)
    queues = [re.search(r"-Q (\S+)", command).group(1) for command in commands]
    assert sorted(queues) == ["celery", "imports"]


def test_the_demo_runs_a_worker_per_queue_and_they_take_their_tasks(tmp_path):
    """The demo's own commands on the embedded broker: the import worker takes the import
    task, the mail worker the mail task, neither takes the other's."""
    import importlib.util

    # scripts/demo.py by its path: `demo` is also the name of the demo-data app.
    spec = importlib.util.spec_from_file_location("demo_script", ROOT / "scripts" / "demo.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    import os

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="0",
        VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    (tmp_path / "var").mkdir()
    publish = (
        "from schoolimports.tasks import school_import_run\n"
        "from notifications.tasks import deliver_outbox\n"
        "school_import_run.delay(999999)\n"
        "deliver_outbox.delay(999999)\n"
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", publish],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    workers = [c for c in demo.celery_commands() if "worker" in c]
    logs, processes = [], []
    try:
        for index, command in enumerate(workers):
            log = tmp_path / f"worker{index}.log"
            logs.append(log)
            processes.append(
                subprocess.Popen(
                    [*command, "--pool=solo", "--without-gossip", "--without-mingle"],
                    cwd=ROOT,
                    env=env,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            texts = [log.read_text() for log in logs]
            if all("succeeded" in text for text in texts):
                break
            time.sleep(0.3)
        mail_log, import_log = (log.read_text() for log in logs)
        mail_task = "Task notifications.tasks.deliver_outbox["
        import_task = "Task matching.tasks.school_import_run["
        assert mail_task in mail_log and import_task not in mail_log, mail_log
        assert import_task in import_log and mail_task not in import_log, import_log
        assert "succeeded" in mail_log and "succeeded" in import_log
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
