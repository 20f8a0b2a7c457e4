"""Delivery by a real Celery worker on the real Redis, against committed PostgreSQL rows.

Run: DATABASE_URL=postgres://root@127.0.0.1:5432/h_notify REDIS_URL=redis://127.0.0.1:6379/7
.venv/bin/python -m pytest tests/notifications/test_worker.py"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from email import message_from_string
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

from accounts.models import User
from config.celery_app import app as celery_app
from matching.mailings import round_mailings_sweep
from matching.models import Province, Scope, ServiceUserObjectPermission, Status, Track
from matching.services import decision_set_status
from notifications.models import Outbox
from notifications.retry import CLAIM_LEASE
from notifications.services import outbox_retry_sweep
from tests import factories
from tests.logins import make_school_user

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT_BROKER = "redis://127.0.0.1:6390/7"
UTC = dt.UTC


@pytest.fixture
def broker(real_redis, postgres, transactional_db):
    """The test process publishes to the real Redis (not eagerly), on a clean private db."""
    import redis

    redis.Redis.from_url(real_redis).flushdb()
    # A transactional test starts from an emptied database: restore the reference row we use.
    Province.objects.get_or_create(code="ANT", defaults={"name": "Antwerpen"})
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    use_broker(real_redis)
    yield real_redis
    use_broker(real_redis)
    celery_app.conf.task_always_eager = eager
    redis.Redis.from_url(real_redis).flushdb()


def use_broker(url):
    """Point this process's publishing at `url` (pools are built lazily from the config)."""
    celery_app.conf.broker_url = url
    celery_app.conf.broker_write_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


WORKER_CONCURRENCY = 4


class Worker:
    def __init__(self, broker_url, mail_dir: Path, *, log_path: Path | None = None, **env):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "0",
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            ),
            "REDIS_URL": broker_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "VAR_DIR": str(mail_dir.parent),
            "LOG_LEVEL": "INFO" if log_path else "WARNING",
            **env,
        }
        self.log_path = log_path
        self.process = None

    def start(self):
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                f"--concurrency={WORKER_CONCURRENCY}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-notify-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,  # its own process group: kill -9 takes the pool too
            stdout=log,
            stderr=log,
        )
        if self.log_path:
            log.close()  # the worker holds its own descriptor

    def kill_9(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@contextmanager
def worker(broker_url, mail_dir, **kwargs):
    w = Worker(broker_url, mail_dir, **kwargs)
    w.start()
    try:
        yield w
    finally:
        w.stop()


def wait_until(condition, timeout=120, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def delivered_messages(mail_dir: Path) -> list[tuple[int, str]]:
    """(outbox id, Message-ID) of every message the worker wrote, duplicates included."""
    found = []
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if "X-Stagematching-Outbox" in chunk:
                message = message_from_string(chunk.strip())
                found.append((int(message["X-Stagematching-Outbox"]), message["Message-ID"]))
    return found


def delivered_ids(mail_dir: Path) -> list[int]:
    return [outbox_id for outbox_id, _message_id in delivered_messages(mail_dir)]


def sent():
    return Outbox.objects.filter(status=Outbox.Status.SENT).count()


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


def open_school_year():
    today = dt.date.today()
    return factories.SchoolYearFactory(
        name="test", starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(300)
    )


@pytest.fixture
def round_with_300_logins():
    """One secondary round that started a minute ago, and 300 active service logins."""
    now = dt.datetime.now(UTC)
    year = open_school_year()
    round_ = factories.RoundFactory(
        school_year=year,
        track=Track.SECONDARY,
        scope=Scope.ALL,
        starts_at=now - dt.timedelta(minutes=1),
    )
    services = [factories.ServiceFactory() for _ in range(30)]
    users = User.objects.bulk_create(
        [User(email=f"login{i}@dienst.be", username=f"login{i}@dienst.be") for i in range(300)]
    )
    permission = Permission.objects.get(codename="act_for_service")
    ServiceUserObjectPermission.objects.bulk_create(
        [
            ServiceUserObjectPermission(
                user=user, permission=permission, content_object=services[i % 30]
            )
            for i, user in enumerate(users)
        ]
    )
    return round_


def test_round_mailing_to_300_logins_is_delivered_once(broker, mail_dir, round_with_300_logins):
    with worker(broker, mail_dir):
        assert round_mailings_sweep() == 300
        assert round_mailings_sweep() == 0  # the next beat tick
        wait_until(lambda: sent() == 300, what="300 mails sent")
        assert outbox_retry_sweep(now=timezone.now() + CLAIM_LEASE) == 0  # nothing left queued
    ids = delivered_ids(mail_dir)
    assert len(ids) == 300
    assert sorted(ids) == sorted(Outbox.objects.values_list("pk", flat=True))


def test_worker_killed_mid_mailing_completes_after_restart_and_skips_nothing(
    broker, mail_dir, round_with_300_logins
):
    first = Worker(broker, mail_dir)
    first.start()
    try:
        assert round_mailings_sweep() == 300
        wait_until(lambda: sent() >= 40, what="the mailing to be under way")
        first.kill_9()
    finally:
        first.stop()
    done_at_kill = sent()
    assert done_at_kill < 300, "the worker finished before it was killed; kill earlier"
    with worker(broker, mail_dir):
        # What the dead worker held unacknowledged waits for its claim's lease to end;
        # then beat's retry sweep publishes it again (the old messages, redelivered by
        # Redis after the visibility timeout, would do nothing).
        outbox_retry_sweep(now=timezone.now() + CLAIM_LEASE)
        wait_until(lambda: sent() == 300, what="the rest of the mailing")
    delivered = delivered_messages(mail_dir)
    ids = [outbox_id for outbox_id, _message_id in delivered]
    # Nothing skipped, and no row written twice to the outbox.
    assert len(set(ids)) == 300
    assert Outbox.objects.exclude(status=Outbox.Status.SENT).count() == 0
    # A repeat is possible only for a mail a killed process had handed to the mail server
    # but not yet marked sent (README, "At most once per recipient"): at most one per
    # process of the killed worker, and it carries the same Message-ID, so mail clients
    # show it once.
    assert len(ids) - 300 <= WORKER_CONCURRENCY
    message_ids: dict[int, set[str]] = {}
    for outbox_id, message_id in delivered:
        message_ids.setdefault(outbox_id, set()).add(message_id)
    assert all(len(found) == 1 for found in message_ids.values())


def test_redis_down_acceptance_still_works_and_mail_waits_in_the_outbox(broker, mail_dir):
    school_year = open_school_year()
    factories.RoundFactory(school_year=school_year, track=Track.SECONDARY, scope=Scope.ALL)
    service = factories.ServiceFactory()
    student = factories.StudentFactory(school_year=school_year)
    login = make_school_user(student.school)
    mentor = factories.ContactPersonFactory(service=service)

    use_broker(CLOSED_PORT_BROKER)  # Redis is down
    started = time.monotonic()
    decision = decision_set_status(
        service=service,
        student_id=student.pk,
        status=Status.ACCEPTED,
        user=None,
        mentor=mentor,
        period_start=dt.date.today(),
        period_end=dt.date.today() + dt.timedelta(days=30),
    )
    assert time.monotonic() - started < 1  # the request does not hang on the broker
    assert decision.status == Status.ACCEPTED
    row = Outbox.objects.get(to=login.email)
    assert row.status == Outbox.Status.QUEUED

    use_broker(broker)  # Redis is back
    with worker(broker, mail_dir):
        assert outbox_retry_sweep() == 1  # its failed publish left it due
        wait_until(lambda: sent() == 1, what="the waiting mail")
    assert delivered_ids(mail_dir) == [row.pk]
