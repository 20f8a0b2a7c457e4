"""Mail under broker and mail-server faults, with a real worker and a Redis of the test's
own (started on a free port, frozen with SIGSTOP, killed and restarted: the shared Redis is
never touched).

Run: DATABASE_URL=postgres://root@127.0.0.1:5432/h_notify REDIS_URL=redis://127.0.0.1:6379/7
.venv/bin/python -m pytest tests/notifications/test_broker_faults.py"""

import base64
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connections
from django.utils import timezone

from config.celery_app import app as celery_app
from notifications.models import Outbox
from notifications.services import outbox_queue, outbox_retry_many, outbox_retry_sweep
from notifications.tasks import deliver_outbox
from tests.notifications.test_worker import delivered_ids, mail_dir, use_broker, wait_until, worker

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
__all__ = ["mail_dir"]  # a fixture used below

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test alone, without persistence: killing it loses what it
    held, as a crashed broker without AOF does."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what="the private redis-server")

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except Exception:
            return False

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2)

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self):
        os.kill(self.process.pid, signal.SIGCONT)  # a stopped process dies only when resumed
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.kill()


@pytest.fixture
def private_redis(tmp_path, postgres, transactional_db):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(tmp_path)
    server.start()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    use_broker(server.url)
    try:
        yield server
    finally:
        server.stop()
        celery_app.conf.task_always_eager = eager
        use_broker(celery_app.conf.broker_url)  # rebuilt pools for the next test


# Requests that queue mail while the broker is frozen, then killed ----------------------


def operator_session(base_url: str, operator) -> requests.Session:
    """A browser-like session of a signed-in operator (second factor passed)."""
    from django.test import Client

    client = Client()
    client.force_login(operator)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.get(f"{base_url}/admin/outbox/", timeout=30)  # sets the CSRF cookie
    return session


def retry_mail(base_url: str, session: requests.Session, outbox_id: int) -> float:
    """The operator's "Opnieuw proberen" of one mail, as the outbox screen posts it: a
    request that queues mail after its commit. Returns how long it took to answer."""
    url = f"{base_url}/admin/outbox/{outbox_id}/retry/"
    started = time.monotonic()
    response = session.post(
        url,
        headers={
            "X-CSRFToken": session.cookies["csrftoken"],
            "Referer": f"{base_url}/admin/outbox/",
        },
        timeout=30,
        allow_redirects=False,
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"] == "/admin/outbox/"  # done, not sent to sign in
    return elapsed


def retry_mails_at_once(base_url, session, ids) -> list[float]:
    """One request per mail, all at once, each on its own connection of the same login
    (the project keeps one session per login)."""

    def one(outbox_id):
        own = requests.Session()
        own.cookies.update(session.cookies)
        return retry_mail(base_url, own, outbox_id)

    with ThreadPoolExecutor(max_workers=len(ids)) as pool:
        return list(pool.map(one, ids))


def test_frozen_then_killed_broker_neither_slows_requests_nor_loses_mail(
    private_redis, live_server, mail_dir, tmp_path
):
    from tests.logins import make_operator

    operator = make_operator()
    rows = [
        Outbox.objects.create(
            to=f"dienst{i:03}@example.be", subject="s", body="b", status=Outbox.Status.FAILED
        )
        for i in range(17)
    ]
    ids = [row.pk for row in rows]
    log = tmp_path / "worker.log"
    with worker(private_redis.url, mail_dir, log_path=log):
        session = operator_session(live_server.url, operator)
        assert retry_mail(live_server.url, session, ids[0]) < 1
        wait_until(lambda: Outbox.objects.filter(status="sent").count() == 1, what="mail 1")

        private_redis.freeze()  # port open, nobody answering
        frozen = retry_mails_at_once(live_server.url, session, ids[1:9])
        private_redis.kill()  # connection refused
        refused = retry_mails_at_once(live_server.url, session, ids[9:])
        assert max(frozen) < 1, frozen
        assert max(refused) < 1, refused
        # The retries stand and the mails wait, due for the sweep.
        waiting = Outbox.objects.filter(status=Outbox.Status.QUEUED)
        assert waiting.count() == 16
        assert not waiting.filter(next_attempt_at__gt=timezone.now()).exists()

        private_redis.start()  # the broker is back (empty: it kept nothing)
        use_broker(private_redis.url)
        wait_until(lambda: outbox_retry_sweep() > 0 or not waiting.exists(), what="a sweep")
        wait_until(lambda: not waiting.exists(), what="every waiting mail to go out")
        # The next sweeps find nothing: no second message for any row.
        assert outbox_retry_sweep() == 0
        time.sleep(2)
        assert private_redis.client().llen("celery") == 0
    delivered = delivered_ids(mail_dir)
    assert sorted(delivered) == sorted(ids)  # once each
    assert not ADDRESS.findall(log.read_text()), "an address in the worker log"


# Concurrent sweeps ------------------------------------------------------------------------


def test_eight_simultaneous_sweeps_publish_each_due_row_once(private_redis):
    for i in range(149):
        outbox_queue(
            to=f"login{i}@example.be",
            template_key="accounts_password_reset",
            context={"reset_url": "https://example.be/r/x"},
            enqueue=False,
        )
    start = threading.Barrier(8)

    def sweep():
        try:
            start.wait()
            return outbox_retry_sweep()
        finally:
            connections.close_all()  # each thread has its own PostgreSQL connection

    with ThreadPoolExecutor(max_workers=8) as pool:
        published = list(pool.map(lambda _: sweep(), range(8)))
    assert sum(published) == 149
    messages = private_redis.client().lrange("celery", 0, -1)
    args = [json.loads(base64.b64decode(json.loads(m)["body"]))[0] for m in messages]
    assert len(args) == 149
    assert sorted(outbox_id for outbox_id, _claim in args) == sorted(
        Outbox.objects.values_list("pk", flat=True)
    )
    # Each row is claimed once: claim 1 everywhere, and the next sweep finds nothing due.
    assert set(Outbox.objects.values_list("claim", flat=True)) == {1}
    assert outbox_retry_sweep() == 0


# A mail server refusing for ten minutes ---------------------------------------------------


def set_mail_server(control_path, code=None, refuse_only=None):
    control_path.write_text(json.dumps({"code": code, "refuse_only": refuse_only or {}}))


def queued():
    return Outbox.objects.filter(status=Outbox.Status.QUEUED)


def test_mail_server_refusing_for_ten_minutes_loses_no_mail_and_logs_no_address(
    private_redis, mail_dir, tmp_path
):
    control = tmp_path / "smtp.json"
    set_mail_server(control, 451, refuse_only={"gone@dienst.be": 550})
    log = tmp_path / "worker.log"
    env = {
        "EMAIL_BACKEND": "tests.notifications.broken_backend.FlakyBackend",
        "FLAKY_SMTP_CONTROL": str(control),
        "FLAKY_SMTP_DELIVER": "django.core.mail.backends.filebased",
    }
    with worker(private_redis.url, mail_dir, log_path=log, **env):
        for i in range(20):
            outbox_queue(
                to=f"dienst{i:03}@dienst.be",
                template_key="reminder_undecided",
                context={"naam": "x", "dienst": "y", "aantal": 1, "per_type": [], "datum": ""},
            )
        gone = outbox_queue(
            to="gone@dienst.be",
            template_key="reminder_undecided",
            context={"naam": "x", "dienst": "y", "aantal": 1, "per_type": [], "datum": ""},
        )
        # The 5xx refusal fails at once; the 4xx ones wait for their next attempt.
        wait_until(
            lambda: Outbox.objects.filter(pk=gone.pk, status=Outbox.Status.FAILED).exists(),
            what="the permanent refusal",
        )
        # Drive the clock by the schedule: each step moves the rows' next attempt to now
        # and adds that wait to the simulated time; beat's sweep then publishes them.
        simulated = dt.timedelta(0)
        attempts = 1
        while True:
            wait_until(
                lambda n=attempts: not queued().exclude(attempts=n).exists(),
                what=f"attempt {attempts} of every row",
            )
            if not queued().exists():
                break
            # Every row waits the same step of the schedule (give or take milliseconds).
            wait = max(queued().values_list("next_attempt_at", flat=True)) - timezone.now()
            assert wait > dt.timedelta(minutes=2 ** (attempts - 1)) - dt.timedelta(seconds=30)
            simulated += wait
            if simulated >= dt.timedelta(minutes=10):
                set_mail_server(control, None)  # the server is back
            assert outbox_retry_sweep() == 0  # nobody is due before their time
            queued().update(next_attempt_at=timezone.now())  # ... which has now come
            assert outbox_retry_sweep() == 20
            attempts += 1
        # Attempts at 0, 1, 3, 7 and 15 minutes: the server came back after 10.
        assert attempts == 5
        assert dt.timedelta(minutes=15) - simulated < dt.timedelta(minutes=1)
    rows = Outbox.objects.exclude(pk=gone.pk)
    assert set(rows.values_list("status", "attempts")) == {(Outbox.Status.SENT, 5)}
    ids = delivered_ids(mail_dir)
    assert sorted(ids) == sorted(rows.values_list("pk", flat=True))  # each once
    text = log.read_text()
    assert "attempt 1 failed (SMTPRecipientsRefused: 451 4.7.1 <***>" in text
    assert f"outbox {gone.pk}: failed after 1 attempt(s)" in text
    assert not ADDRESS.findall(text), "an address in the worker log"


def test_operator_retry_on_the_worker_is_not_undone_by_a_message_of_the_old_sequence(
    private_redis, mail_dir, tmp_path
):
    control = tmp_path / "smtp.json"
    set_mail_server(control, 451)
    env = {
        "EMAIL_BACKEND": "tests.notifications.broken_backend.FlakyBackend",
        "FLAKY_SMTP_CONTROL": str(control),
        "FLAKY_SMTP_DELIVER": "django.core.mail.backends.filebased",
    }
    with worker(private_redis.url, mail_dir, **env):
        row = outbox_queue(
            to="dienst001@dienst.be",
            template_key="reminder_undecided",
            context={"naam": "x", "dienst": "y", "aantal": 1, "per_type": [], "datum": ""},
        )
        wait_until(lambda: queued().filter(attempts=1).exists(), what="the first attempt")
        row.refresh_from_db()
        old_claim = row.claim
        # The operator retries; its fresh sequence's first attempt fails too.
        assert outbox_retry_many(ids=[row.pk]) == 1
        wait_until(lambda: queued().filter(attempts=1, claim__gt=old_claim).exists(), what="retry")
        row.refresh_from_db()
        fresh = (row.status, row.attempts, row.claim, row.next_attempt_at)
        # A message of the old sequence arrives now (a redelivery), twice.
        set_mail_server(control, None)
        deliver_outbox.apply_async((row.pk, old_claim))
        deliver_outbox.apply_async((row.pk, old_claim))
        wait_until(lambda: private_redis.client().llen("celery") == 0, what="the old messages")
        time.sleep(1)
        row.refresh_from_db()
        assert (row.status, row.attempts, row.claim, row.next_attempt_at) == fresh
        # The fresh sequence sends it at its own time, once.
        assert outbox_retry_sweep(now=row.next_attempt_at) == 1
        wait_until(lambda: Outbox.objects.filter(status="sent").exists(), what="the mail")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outbox.Status.SENT, 2)
    assert delivered_ids(mail_dir) == [row.pk]
