import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.models import MailTemplate, Outbox
from notifications.retry import (
    CLAIM_LEASE,
    MAX_ATTEMPTS,
    describe,
    is_permanent,
    retry_delay,
    retry_schedule,
)
from notifications.services import (
    _outbox_claim,
    _outbox_record_failure,
    mail_render,
    outbox_deliver,
    outbox_queue,
    outbox_retry,
    outbox_retry_many,
    outbox_retry_sweep,
)
from tests.notifications.broken_backend import FlakyBackend

pytestmark = pytest.mark.django_db


def queue(dedup_key=None, to="ann@example.be"):
    return outbox_queue(
        to=to,
        template_key="accounts_password_reset",
        context={"reset_url": "https://example.be/r/abc"},
        dedup_key=dedup_key,
    )


def test_shipped_templates_exist_in_dutch():
    keys = set(MailTemplate.objects.values_list("key", flat=True))
    assert {
        "round_started",
        "round_ended",
        "round_started_school",
        "round_ended_school",
        "reminder_undecided",
        "accounts_invitation",
        "accounts_password_reset",
        "student_accepted_school",
    } <= keys
    assert "ronde" in MailTemplate.objects.get(key="round_started").subject


def test_editor_changes_to_a_template_are_used():
    MailTemplate.objects.filter(key="accounts_password_reset").update(
        subject="Nieuw wachtwoord", body="Klik: {{ reset_url }}"
    )
    subject, body = mail_render(
        template_key="accounts_password_reset", context={"reset_url": "https://x.be/1"}
    )
    assert (subject, body) == ("Nieuw wachtwoord", "Klik: https://x.be/1")


def test_template_sees_only_plain_values_not_model_attributes():
    from tests.factories import UserFactory

    user = UserFactory()
    MailTemplate.objects.filter(key="accounts_password_reset").update(
        body="{{ user.password }}|{{ user }}"
    )
    _subject, body = mail_render(template_key="accounts_password_reset", context={"user": user})
    assert user.password not in body
    assert body == f"|{user}"


def test_template_with_broken_placeholder_is_refused_in_dutch():
    from django.core.exceptions import ValidationError

    template = MailTemplate.objects.get(key="round_started")
    template.body = "Beste {% if naam %}"
    with pytest.raises(ValidationError) as exc:
        template.full_clean()
    assert "fout" in exc.value.message_dict["body"][0]


def test_committed_mail_is_delivered_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = queue()
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT and row.attempts == 1
    assert [m.to for m in mail.outbox] == [["ann@example.be"]]
    assert "https://example.be/r/abc" in mail.outbox[0].body


def test_mail_queued_in_a_rolled_back_transaction_sends_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert Outbox.objects.count() == 0
    assert mail.outbox == []


def test_same_dedup_key_is_queued_at_most_once():
    assert queue(dedup_key="k1") is not None
    assert queue(dedup_key="k1") is None
    assert queue(dedup_key="k2") is not None
    assert Outbox.objects.count() == 2


def claimed(row):
    """Claim `row` for one publication, as the sweep does; returns the claim."""
    [(pk, claim)] = _outbox_claim(ids=[row.pk])
    assert pk == row.pk
    return claim


def test_delivering_a_row_twice_sends_it_once():
    row = queue()
    claim = claimed(row)
    assert outbox_deliver(outbox_id=row.pk, claim=claim) == Outbox.Status.SENT
    assert outbox_deliver(outbox_id=row.pk, claim=claim) == "skipped"
    assert len(mail.outbox) == 1


def test_a_message_of_an_older_claim_or_without_one_sends_nothing():
    row = queue()
    old = claimed(row)
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    new = claimed(row)  # the lease ran out and the sweep published the row again
    assert new == old + 1
    assert outbox_deliver(outbox_id=row.pk, claim=old) == "skipped"
    assert outbox_deliver(outbox_id=row.pk, claim=None) == "skipped"
    assert mail.outbox == []
    assert outbox_deliver(outbox_id=row.pk, claim=new) == "sent"


def test_a_claimed_row_is_not_due_until_its_lease_ends():
    row = queue()
    claimed(row)
    assert _outbox_claim() == []
    assert outbox_retry_sweep(now=timezone.now() + CLAIM_LEASE - dt.timedelta(seconds=5)) == 0
    assert outbox_retry_sweep(now=timezone.now() + CLAIM_LEASE + dt.timedelta(seconds=5)) == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT


def test_temporary_failure_schedules_the_next_attempt_in_the_row(settings):
    settings.EMAIL_BACKEND = "tests.notifications.broken_backend.BrokenBackend"
    row = queue()
    before = timezone.now()
    assert outbox_deliver(outbox_id=row.pk, claim=claimed(row)) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outbox.Status.QUEUED, 1)
    assert row.last_error == "ConnectionRefusedError: mail server down"
    assert before + retry_delay(1) <= row.next_attempt_at <= timezone.now() + retry_delay(1)
    # Waiting between retries is not due: the sweep leaves it alone until its time.
    assert outbox_retry_sweep() == 0
    assert outbox_retry_sweep(now=row.next_attempt_at) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outbox.Status.QUEUED, 2)
    assert row.next_attempt_at - timezone.now() > retry_delay(2) - dt.timedelta(seconds=5)


def test_the_retry_schedule_doubles_from_a_minute_to_an_hour_over_about_ten_hours():
    schedule = retry_schedule()
    assert len(schedule) == MAX_ATTEMPTS - 1 == 15
    assert [d.total_seconds() / 60 for d in schedule[:7]] == [1, 2, 4, 8, 16, 32, 60]
    assert set(schedule[6:]) == {dt.timedelta(hours=1)}
    assert sum(schedule, dt.timedelta()) == dt.timedelta(minutes=603)


def run_sweeps(minutes, start, *, down_until=None, code=451):
    """Beat's sweep once a minute for `minutes` from `start`, on a mail server that answers
    `code` until `down_until` and accepts after. Ticks at which no row is due are skipped
    (they would publish nothing), so a ten-hour outage runs in a moment."""
    end = start + dt.timedelta(minutes=minutes, seconds=1)
    now = start + dt.timedelta(seconds=1)
    while now <= end:
        FlakyBackend.reply(code if down_until and now < down_until else None)
        with time_machine.travel(now, tick=False):
            outbox_retry_sweep()
        due = Outbox.objects.filter(status=Outbox.Status.QUEUED).order_by("next_attempt_at")
        first = due.values_list("next_attempt_at", flat=True).first()
        if first is None:
            return
        ticks = max(1, -(-(first - now) // dt.timedelta(minutes=1)))  # the next tick at/after
        now += dt.timedelta(minutes=ticks)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.broken_backend.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.reply(None)


@pytest.mark.parametrize("outage_minutes", [10, 9 * 60])
def test_a_mail_server_down_for_minutes_or_hours_loses_no_mail(flaky, outage_minutes):
    start = timezone.now()
    flaky.reply(451)
    with time_machine.travel(start, tick=False):
        rows = [queue(to=f"login{i}@dienst.be") for i in range(3)]
    run_sweeps(outage_minutes + 70, start, down_until=start + dt.timedelta(minutes=outage_minutes))
    for row in rows:
        row.refresh_from_db()
        assert row.status == Outbox.Status.SENT
        assert row.sent_at >= start + dt.timedelta(minutes=outage_minutes)
    assert sorted(m.to[0] for m in mail.outbox) == [f"login{i}@dienst.be" for i in range(3)]
    # Attempts at 0, 1, 3, 7 and 15 minutes: the fifth, a minute after the server came back.
    if outage_minutes == 10:
        assert {row.attempts for row in rows} == {5}


def test_a_longer_outage_fails_the_row_after_the_last_attempt(flaky):
    start = timezone.now()
    flaky.reply(421)
    with time_machine.travel(start, tick=False):
        row = queue()
    run_sweeps(11 * 60, start, down_until=start + dt.timedelta(hours=24), code=421)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outbox.Status.FAILED, MAX_ATTEMPTS)
    assert row.last_error.startswith("SMTPRecipientsRefused: 421 4.7.1 <***>")
    assert mail.outbox == []


def test_a_permanent_refusal_fails_at_once_without_the_address(
    flaky, caplog, django_capture_on_commit_callbacks
):
    flaky.reply(550)
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(to="dienst005@example.be")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outbox.Status.FAILED, 1)
    assert row.last_error == ("SMTPRecipientsRefused: 550 5.1.1 <***>: Recipient address rejected")
    assert "dienst005" not in caplog.text
    assert f"outbox {row.pk}: failed after 1 attempt(s)" in caplog.text


@pytest.mark.parametrize(
    ("exc", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b.be": (550, b"no")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b.be": (550, b"no"), "c@d.be": (452, b"full")}), False),
        (smtplib.SMTPRecipientsRefused({"a@b.be": (450, b"greylisted")}), False),
        (smtplib.SMTPDataError(554, b"spam"), True),
        (smtplib.SMTPDataError(451, b"local error"), False),
        (smtplib.SMTPSenderRefused(553, b"not yours", "info@x.be"), True),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(111, "refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_only_5xx_refusals_of_the_mail_are_permanent(exc, permanent):
    assert is_permanent(exc) is permanent
    assert "@" not in describe(exc)


def test_operator_retry_sends_a_failed_mail(settings, django_capture_on_commit_callbacks):
    row = queue()
    Outbox.objects.filter(pk=row.pk).update(status=Outbox.Status.FAILED, attempts=6)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(outbox=row)
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT
    assert len(mail.outbox) == 1


def test_operator_retry_is_never_undone_by_a_message_of_the_old_sequence(
    flaky, django_capture_on_commit_callbacks
):
    flaky.reply(451)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        row = queue()
    run_sweeps(20, start, down_until=start + dt.timedelta(days=1))
    row.refresh_from_db()
    assert row.attempts == 5
    # A message of that sequence is still on its way (the broker redelivers it, a sweep
    # published it just before) when the operator retries.
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    old_claim = claimed(row)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry_many(ids=[row.pk]) == 1  # its own first attempt fails too
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outbox.Status.QUEUED, 1)
    fresh = (row.claim, row.next_attempt_at)
    # The old message arrives: it neither sends, nor counts an attempt, nor reschedules.
    assert outbox_deliver(outbox_id=row.pk, claim=old_claim) == "skipped"
    assert _outbox_record_failure(outbox_id=row.pk, claim=old_claim, exc=OSError()) == "skipped"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claim, row.next_attempt_at) == (
        Outbox.Status.QUEUED,
        1,
        *fresh,
    )
    # Its new sequence goes on by the schedule from attempt 1 and sends when the server is up.
    flaky.reply(None)
    assert outbox_retry_sweep(now=row.next_attempt_at) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outbox.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_operator_bulk_retry_takes_every_failed_row_and_leaves_sent_ones(
    django_capture_on_commit_callbacks,
):
    failed = [queue(to=f"f{i}@example.be") for i in range(3)]
    sent_row = queue(to="sent@example.be")
    Outbox.objects.filter(pk__in=[r.pk for r in failed]).update(status=Outbox.Status.FAILED)
    Outbox.objects.filter(pk=sent_row.pk).update(status=Outbox.Status.SENT, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry_many() == 3
    assert Outbox.objects.filter(status=Outbox.Status.SENT).count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == [
        "f0@example.be",
        "f1@example.be",
        "f2@example.be",
    ]
    sent_row.refresh_from_db()
    assert sent_row.attempts == 1


def test_retry_sweep_delivers_due_rows_but_not_rows_claimed_for_their_first_publish():
    old = queue(to="old@example.be")
    # A row whose after-commit publish failed (the broker was down): released, due now.
    Outbox.objects.filter(pk=old.pk).update(next_attempt_at=timezone.now())
    fresh = queue(to="fresh@example.be")
    claimed(fresh)  # its own message is on the way
    assert outbox_retry_sweep() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == Outbox.Status.SENT
    assert fresh.status == Outbox.Status.QUEUED
    assert [m.to for m in mail.outbox] == [["old@example.be"]]


def test_a_failed_publish_is_swallowed_logged_without_data_and_the_row_released(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from notifications import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379 for ann@example.be")

    monkeypatch.setattr(tasks.deliver_outbox, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()
    row.refresh_from_db()
    assert row.status == Outbox.Status.QUEUED
    assert row.next_attempt_at <= timezone.now()  # due for the next sweep, not after the lease
    assert "could not publish delivery of 1 row(s) (OperationalError)" in caplog.text
    assert "ann@example.be" not in caplog.text


def test_the_task_raises_only_a_redacted_error(monkeypatch):
    from notifications import tasks
    from notifications.retry import DeliveryError

    def broken(**kwargs):
        raise ValueError("no such mailbox: 'dienst005@example.be'")

    monkeypatch.setattr(tasks.services, "outbox_deliver", broken)
    with pytest.raises(DeliveryError) as exc:
        tasks.deliver_outbox.run(1, 1)
    assert str(exc.value) == "ValueError: no such mailbox: '***'"
    assert exc.value.__suppress_context__ and exc.value.__cause__ is None


def test_sign_in_links_do_not_stay_in_the_outbox_after_sending():
    row = queue()
    assert "https://example.be/r/abc" in row.body
    assert outbox_deliver(outbox_id=row.pk, claim=claimed(row)) == "sent"
    assert "https://example.be/r/abc" in mail.outbox[-1].body  # the mail itself had it
    row.refresh_from_db()
    assert "abc" not in row.body and "abc" not in row.subject
    assert row.status == Outbox.Status.SENT


def test_enqueueing_more_rows_than_a_batch_publishes_every_one(monkeypatch):
    from notifications import tasks
    from notifications.services import ENQUEUE_BATCH, outbox_enqueue

    published = []
    monkeypatch.setattr(
        tasks.deliver_outbox, "apply_async", lambda args, **kwargs: published.append(args)
    )
    rows = [
        outbox_queue(
            to=f"l{i}@example.be",
            template_key="accounts_password_reset",
            context={"reset_url": "x"},
            enqueue=False,
        )
        for i in range(ENQUEUE_BATCH + 20)
    ]
    assert outbox_enqueue([row.pk for row in rows]) == ENQUEUE_BATCH + 20
    assert sorted(pk for pk, _claim in published) == sorted(row.pk for row in rows)
