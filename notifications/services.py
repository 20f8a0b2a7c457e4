"""The outbox: mail as a side effect of a change. Render, write an outbox row in the
caller's transaction, deliver after commit, retry, cancel. Which mails a change causes
(round mailings, reminders, the acceptance notice) is decided by the domain that causes it
(matching.mailings); this module knows nothing of it. tasks.py only calls these."""

import datetime as dt
import logging
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template import Context
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .defaults import DEFAULTS
from .links import LINK_PLACEHOLDER, link_mint
from .models import MailTemplate, Outbox
from .rendering import compile_text, plain_context

logger = logging.getLogger(__name__)

# Queued rows younger than this still have their own delivery message on the way.
RETRY_GRACE = dt.timedelta(minutes=2)
ENQUEUE_BATCH = 500
# Mails whose text holds a sign-in secret or a student's personal data: once sent, only
# the fact that they were sent is kept.
REDACT_AFTER_SENDING = {
    "accounts_invitation",
    "accounts_password_reset",
    "student_accepted_school",
    "student_withdrawn_school",
}
REDACTED = gettext_lazy("(inhoud verwijderd na verzending)")
LINK_GONE = gettext_lazy(
    "Niet verzonden: de link kan niet meer aangemaakt worden (uitnodiging ingetrokken of "
    "gebruikt, of login gedeactiveerd)."
)
# Delivery attempts of one row (over all tasks and sweeps) before it is marked failed.
MAX_ATTEMPTS = 6


# Rendering ---------------------------------------------------------------------------


def mail_renderer(template_key: str):
    """A function rendering (subject, body) of `template_key` for a context.

    The editable row is read and both texts compiled once, so a mailing to a thousand
    logins pays for that once; the shipped text stands in if the row is missing."""
    template = MailTemplate.objects.filter(key=template_key).first()
    if template is not None:
        subject_text, body_text = template.subject, template.body
    else:
        _name, _placeholders, subject_text, body_text = DEFAULTS[template_key]
    subject_template, body_template = compile_text(subject_text), compile_text(body_text)
    base = {"site_url": settings.SITE_URL, "site_name": settings.WAGTAIL_SITE_NAME}

    def render(context: dict) -> tuple[str, str]:
        plain = Context(plain_context({**base, **context}), autoescape=False)
        subject = " ".join(subject_template.render(plain).split())[:255]
        return subject, body_template.render(plain)

    return render


def mail_render(*, template_key: str, context: dict) -> tuple[str, str]:
    """Subject and body of `template_key` with `context`."""
    return mail_renderer(template_key)(context)


# Queue and deliver -------------------------------------------------------------------


def outbox_queue(
    *,
    to: str,
    template_key: str,
    context: dict,
    dedup_key: str | None = None,
    student=None,
    enqueue: bool = True,
    link: tuple[str, str, int] | None = None,
) -> Outbox | None:
    """Write one mail to the outbox in the caller's transaction and deliver it after commit.

    Returns None when a mail with this `dedup_key` already exists (at most once). If the
    caller's transaction rolls back, the row and its delivery vanish together. A caller
    queueing several rows passes enqueue=False and enqueues them together after commit, so
    an unreachable broker costs one connect timeout, not one per row.

    `link=(placeholder, kind, ref)` for a mail with a one-time sign-in link: the context
    value `placeholder` (e.g. "activation_url") is rendered as LINK_PLACEHOLDER and the
    worker mints the real link at delivery (notifications/links.py); it is never stored.
    """
    link_kind, link_ref = "", None
    if link is not None:
        placeholder, link_kind, link_ref = link
        context = {**context, placeholder: LINK_PLACEHOLDER}
    subject, body = mail_render(template_key=template_key, context=context)
    row = Outbox(
        to=to,
        subject=subject,
        body=body,
        template_key=template_key,
        dedup_key=dedup_key,
        student=student,
        link_kind=link_kind,
        link_ref=link_ref,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        if dedup_key and Outbox.objects.filter(dedup_key=dedup_key).exists():
            return None
        raise
    if enqueue:
        outbox_id = row.pk
        transaction.on_commit(lambda: outbox_enqueue([outbox_id]))
    return row


def outbox_enqueue(outbox_ids) -> int:
    """Send delivery messages for these rows. Never raises: with the broker down the rows
    stay queued and `outbox_retry_sweep` enqueues them later. Returns how many went out."""
    from .tasks import deliver_outbox

    sent = 0
    for outbox_id in outbox_ids:
        try:
            # No publish retries: a request must not hang on a dead broker; the sweep retries.
            deliver_outbox.apply_async((outbox_id,), retry=False)
        except Exception as exc:  # broker unreachable: kombu/redis/OS errors alike
            logger.warning(
                "outbox: could not enqueue delivery of %s more row(s) (%s); the sweep retries",
                len(outbox_ids) - sent,
                type(exc).__name__,
            )
            break
        sent += 1
    return sent


def outbox_enqueue_prefix(prefix: str) -> None:
    """Hand every queued row whose dedup key starts with `prefix` to the workers, in
    batches; if the broker is down the retry sweep takes over."""
    ids = list(
        Outbox.objects.filter(status=Outbox.Status.QUEUED, dedup_key__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), ENQUEUE_BATCH):
        batch = ids[start : start + ENQUEUE_BATCH]
        if outbox_enqueue(batch) < len(batch):
            return  # broker down: the retry sweep takes over


def _message_id_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "stagematching"


def _send(row: Outbox, *, subject: str, body: str) -> None:
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        # A stable Message-ID: should a mail ever go out twice, clients show it once.
        headers={
            "Message-ID": f"<outbox-{row.pk}@{_message_id_domain()}>",
            "X-Stagematching-Outbox": str(row.pk),
        },
    ).send()


def outbox_deliver(*, outbox_id: int, final_attempt: bool = False) -> str:
    """Send one queued row and mark it sent.

    The row is locked (skip_locked) and already updated to `sent` before the mail leaves;
    the commit follows the send immediately. So a second delivery of the same row (a
    redelivered message, a second worker) finds it locked or no longer queued and sends
    nothing, and a worker killed before the commit leaves the row queued for a retry. The
    only moment a kill can cause a repeat is between the mail server's "accepted" and that
    commit. On failure the attempt is recorded and the error re-raised for the task to
    retry; after MAX_ATTEMPTS (or on the task's final retry) the row is marked failed.
    Returns the row's resulting status, or "skipped".
    """
    try:
        with transaction.atomic():
            row = (
                Outbox.objects.select_for_update(skip_locked=True)
                .filter(pk=outbox_id, status=Outbox.Status.QUEUED)
                .first()
            )
            if row is None:
                return "skipped"
            row.attempts += 1
            subject, body = row.subject, row.body
            if row.link_kind:
                # Minted now, in this transaction, and put only into the outgoing message.
                url = link_mint(row.link_kind, row.link_ref)
                if url is None:
                    # Revoked, used or deactivated since: there is no link left to send.
                    row.status = Outbox.Status.CANCELLED
                    row.subject = row.body = str(REDACTED)
                    row.last_error = str(LINK_GONE)
                    row.save(update_fields=["attempts", "status", "subject", "body", "last_error"])
                    return row.status
                subject = subject.replace(LINK_PLACEHOLDER, url)
                body = body.replace(LINK_PLACEHOLDER, url)
            row.status = Outbox.Status.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
            row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
            _send(row, subject=subject, body=body)
            if row.template_key in REDACT_AFTER_SENDING:
                # A sign-in link or a student's name has no business staying in the outbox.
                row.subject = row.body = str(REDACTED)
                row.save(update_fields=["subject", "body"])
        return row.status
    except Exception as exc:
        with transaction.atomic():
            row = (
                Outbox.objects.select_for_update()
                .filter(pk=outbox_id, status=Outbox.Status.QUEUED)
                .first()
            )
            if row is not None:
                row.attempts += 1
                # The class and message of a transport error, never the mail itself.
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if final_attempt or row.attempts >= MAX_ATTEMPTS:
                    row.status = Outbox.Status.FAILED
                row.save(update_fields=["attempts", "last_error", "status"])
        raise


def outbox_retry_sweep(*, now=None, grace: dt.timedelta = RETRY_GRACE) -> int:
    """Enqueue delivery again for rows still queued after `grace` (broker was down, a worker
    died). Duplicated messages are harmless: delivery sends a row only while it is queued."""
    now = now or timezone.now()
    ids = list(
        Outbox.objects.filter(status=Outbox.Status.QUEUED, created_at__lte=now - grace)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return outbox_enqueue(ids)


def outbox_retry(*, outbox: Outbox) -> Outbox:
    """Operator action: put a failed mail back in the queue (a sent or cancelled one stays)."""
    with transaction.atomic():
        row = Outbox.objects.select_for_update().get(pk=outbox.pk)
        if row.status in (Outbox.Status.QUEUED, Outbox.Status.FAILED):
            row.status = Outbox.Status.QUEUED
            row.attempts = 0
            row.save(update_fields=["status", "attempts"])
            transaction.on_commit(lambda: outbox_enqueue([row.pk]))
    return row


def outbox_cancel_for_school_year(*, school_year) -> int:
    """Cancel and empty every unsent mail that names a student of `school_year` (part of
    anonymising the year): it will not leave, and its text is gone. Returns how many."""
    return (
        Outbox.objects.filter(student__school_year=school_year)
        .exclude(status__in=[Outbox.Status.SENT, Outbox.Status.CANCELLED])
        .update(
            status=Outbox.Status.CANCELLED,
            subject=str(REDACTED),
            body=str(REDACTED),
            last_error="",
        )
    )


__all__ = [
    "mail_render",
    "outbox_cancel_for_school_year",
    "outbox_deliver",
    "outbox_enqueue",
    "outbox_enqueue_prefix",
    "outbox_queue",
    "outbox_retry",
    "outbox_retry_sweep",
]
