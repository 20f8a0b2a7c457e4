import pytest
from django.core import mail
from django.db import transaction

from notifications.models import MailTemplate, Outbox
from notifications.services import (
    mail_render,
    outbox_deliver,
    outbox_queue,
    outbox_retry,
    outbox_retry_sweep,
)

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


def test_delivering_a_row_twice_sends_it_once():
    row = queue()
    assert outbox_deliver(outbox_id=row.pk) == Outbox.Status.SENT
    assert outbox_deliver(outbox_id=row.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_failed_send_records_the_attempt_and_the_last_one_marks_failed(settings):
    settings.EMAIL_BACKEND = "tests.notifications.broken_backend.BrokenBackend"
    row = queue()
    with pytest.raises(ConnectionRefusedError):
        outbox_deliver(outbox_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outbox.Status.QUEUED, 1)
    assert "ConnectionRefusedError" in row.last_error
    with pytest.raises(ConnectionRefusedError):
        outbox_deliver(outbox_id=row.pk, final_attempt=True)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Outbox.Status.FAILED, 2)


def test_operator_retry_sends_a_failed_mail(settings, django_capture_on_commit_callbacks):
    row = queue()
    Outbox.objects.filter(pk=row.pk).update(status=Outbox.Status.FAILED, attempts=6)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(outbox=row)
    row.refresh_from_db()
    assert row.status == Outbox.Status.SENT
    assert len(mail.outbox) == 1


def test_retry_sweep_delivers_rows_left_queued_but_not_fresh_ones():
    import datetime as dt

    from django.utils import timezone

    old = queue(to="old@example.be")
    Outbox.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    fresh = queue(to="fresh@example.be")
    assert outbox_retry_sweep() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == Outbox.Status.SENT
    assert fresh.status == Outbox.Status.QUEUED
    assert [m.to for m in mail.outbox] == [["old@example.be"]]


def test_sign_in_links_do_not_stay_in_the_outbox_after_sending():
    row = queue()
    assert "https://example.be/r/abc" in row.body
    assert outbox_deliver(outbox_id=row.pk) == "sent"
    assert "https://example.be/r/abc" in mail.outbox[-1].body  # the mail itself had it
    row.refresh_from_db()
    assert "abc" not in row.body and "abc" not in row.subject
    assert row.status == Outbox.Status.SENT
