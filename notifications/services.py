"""The outbox: mail as a side effect of a change. Render, write an outbox row in the
caller's transaction, deliver after commit, retry, cancel. Which mails a change causes
(round mailings, reminders, the acceptance notice) is decided by the domain that causes it
(matching.mailings); this module knows nothing of it. tasks.py only calls these."""

import logging
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import Context
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .defaults import DEFAULTS
from .links import LINK_PLACEHOLDER, link_mint
from .models import MailTemplate, Outbox
from .rendering import compile_text, plain_context
from .retry import CLAIM_LEASE, MAX_ATTEMPTS, describe, is_permanent, retry_delay

logger = logging.getLogger(__name__)

ENQUEUE_BATCH = 500
# Mails whose text holds a sign-in secret or a student's personal data: once sent, only
# the fact that they were sent is kept.
REDACT_AFTER_SENDING = {
    "accounts_invitation",
    "accounts_password_reset",
    "student_accepted_school",
    "student_withdrawn_school",
    "student_reoffered_service",
}
REDACTED = gettext_lazy("(inhoud verwijderd na verzending)")
LINK_GONE = gettext_lazy(
    "Niet verzonden: de link kan niet meer aangemaakt worden (uitnodiging ingetrokken of "
    "gebruikt, of login gedeactiveerd)."
)


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
    """Publish delivery messages for these rows (those still queued and due). Never raises
    and never waits long: the broker's connect and socket timeouts bound a publish
    (settings: CELERY_BROKER_TRANSPORT_OPTIONS) and there is no publish retry, so with the
    broker down or frozen the caller loses at most one timeout; the rows stay queued and
    the sweep publishes them once the broker answers. Returns how many went out."""
    try:
        ids = list(outbox_ids)
        claimed = _outbox_claim(ids=ids, limit=max(len(ids), 1))
    except Exception as exc:  # the database itself is gone: the sweep finds the rows later
        logger.warning("outbox: could not claim rows for delivery (%s)", type(exc).__name__)
        return 0
    return _outbox_publish(claimed)


def _due(now):
    return Outbox.objects.filter(status=Outbox.Status.QUEUED, next_attempt_at__lte=now)


def _outbox_claim(*, ids=None, now=None, limit=ENQUEUE_BATCH) -> list[tuple[int, int]]:
    """Claim due queued rows for one publication each: (pk, claim) pairs.

    Rows are locked with SKIP LOCKED and re-checked by PostgreSQL after any wait, and the
    claim moves `next_attempt_at` past `now`: two sweeps (or a sweep and a request's
    after-commit publish) never claim the same row for the same attempt."""
    now = now or timezone.now()
    rows = _due(now)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    with transaction.atomic():
        pks = list(
            rows.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not pks:
            return []
        Outbox.objects.filter(pk__in=pks).update(
            claim=F("claim") + 1, next_attempt_at=now + CLAIM_LEASE
        )
        return list(Outbox.objects.filter(pk__in=pks).order_by("pk").values_list("pk", "claim"))


def _outbox_publish(claimed: list[tuple[int, int]]) -> int:
    from .tasks import deliver_outbox

    for sent, (outbox_id, claim) in enumerate(claimed):
        try:
            # retry=False: kombu's publish retries would hold the caller for seconds.
            deliver_outbox.apply_async((outbox_id, claim), retry=False)
        except Exception as exc:  # broker unreachable: kombu/redis/OS errors alike
            logger.warning(
                "outbox: could not publish delivery of %s row(s) (%s); the sweep retries",
                len(claimed) - sent,
                type(exc).__name__,
            )
            _outbox_release(claimed[sent:])
            return sent
    return len(claimed)


def _outbox_release(claimed: list[tuple[int, int]]) -> None:
    """Make rows whose publish failed due again at once (not only after the lease), so the
    next sweep after the broker is back publishes them."""
    try:
        match = Q()
        for outbox_id, claim in claimed:
            match |= Q(pk=outbox_id, claim=claim)
        Outbox.objects.filter(match, status=Outbox.Status.QUEUED).update(
            next_attempt_at=timezone.now()
        )
    except Exception as exc:  # then the lease runs out and the sweep takes them anyway
        logger.warning("outbox: could not release claims (%s)", type(exc).__name__)


def outbox_enqueue_prefix(prefix: str) -> None:
    """Hand every queued row whose dedup key starts with `prefix` to the workers, in
    batches; if the broker is down the retry sweep takes over."""
    ids = list(
        Outbox.objects.filter(status=Outbox.Status.QUEUED, dedup_key__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), ENQUEUE_BATCH):
        claimed = _outbox_claim(ids=ids[start : start + ENQUEUE_BATCH])
        if _outbox_publish(claimed) < len(claimed):
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


def outbox_deliver(*, outbox_id: int, claim: int | None) -> str:
    """Send one queued row under `claim` and mark it sent.

    The row is locked (skip_locked) and already updated to `sent` before the mail leaves;
    the commit follows the send immediately. A message whose row is locked, no longer
    queued, or claimed again since (a newer publication, an operator's retry) sends
    nothing; a message without a claim (published before claims existed) neither — the
    sweep publishes its row anew. A worker killed before the commit leaves the row queued
    under its claim; the sweep takes it again when the lease ends. The only moment a kill
    can cause a repeat is between the mail server's "accepted" and that commit.

    A failed send is recorded on the row (attempts, a redacted last_error) and scheduled
    by `next_attempt_at` (retry.retry_delay); a permanent refusal (5xx) or the last of
    MAX_ATTEMPTS marks it failed. Nothing is re-raised: the row, not the broker, holds the
    retry. Returns "sent", "retry", "failed" or "skipped".
    """
    if claim is None:
        return "skipped"
    try:
        with transaction.atomic():
            row = (
                Outbox.objects.select_for_update(skip_locked=True)
                .filter(pk=outbox_id, status=Outbox.Status.QUEUED, claim=claim)
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
        return _outbox_record_failure(outbox_id=outbox_id, claim=claim, exc=exc)


def _outbox_record_failure(*, outbox_id: int, claim: int, exc: Exception) -> str:
    reason = describe(exc)
    with transaction.atomic():
        row = (
            Outbox.objects.select_for_update()
            .filter(pk=outbox_id, status=Outbox.Status.QUEUED, claim=claim)
            .first()
        )
        if row is None:  # an operator retried it meanwhile: theirs is the live sequence
            return "skipped"
        row.attempts += 1
        row.last_error = reason
        now = timezone.now()
        if is_permanent(exc) or row.attempts >= MAX_ATTEMPTS:
            row.status = Outbox.Status.FAILED
            outcome = "failed"
        else:
            row.next_attempt_at = now + retry_delay(row.attempts)
            outcome = "retry"
        row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    if outcome == "failed":
        logger.warning("outbox %s: failed after %s attempt(s): %s", outbox_id, row.attempts, reason)
    else:
        logger.warning(
            "outbox %s: attempt %s failed (%s); next attempt at %s",
            outbox_id,
            row.attempts,
            reason,
            row.next_attempt_at.isoformat(timespec="seconds"),
        )
    return outcome


def outbox_retry_sweep(*, now=None) -> int:
    """Beat runs this every minute: publish every queued row that is due — its retry time
    has come, its publish failed (broker down), or its claim's lease ran out (a message
    lost with the broker, a worker killed). Rows waiting between retries are not due, so
    each row keeps one retry sequence; concurrent sweeps claim disjoint rows. Stops at the
    first failed publish. Returns how many messages went out."""
    now = now or timezone.now()
    published = 0
    while True:
        claimed = _outbox_claim(now=now)
        if not claimed:
            return published
        done = _outbox_publish(claimed)
        published += done
        if done < len(claimed):
            return published


def outbox_retry(*, outbox: Outbox) -> Outbox:
    """Operator action: put a failed (or still queued) mail back in the queue with a fresh
    retry sequence; a sent or cancelled one stays."""
    outbox_retry_many(ids=[outbox.pk])
    return Outbox.objects.get(pk=outbox.pk)


def outbox_retry_many(*, ids=None) -> int:
    """Operator action on several rows (`ids`; None: every failed row): each queued or
    failed one starts a fresh sequence — attempts 0, due now, and a new claim, so no
    message of its old sequence can still send, fail or reschedule it. Returns how many."""
    with transaction.atomic():
        rows = Outbox.objects.filter(status__in=[Outbox.Status.QUEUED, Outbox.Status.FAILED])
        if ids is None:
            rows = rows.filter(status=Outbox.Status.FAILED)
        else:
            rows = rows.filter(pk__in=list(ids))
        pks = list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
        Outbox.objects.filter(pk__in=pks).update(
            status=Outbox.Status.QUEUED,
            attempts=0,
            last_error="",
            claim=F("claim") + 1,
            next_attempt_at=timezone.now(),
        )
        for start in range(0, len(pks), ENQUEUE_BATCH):
            batch = pks[start : start + ENQUEUE_BATCH]
            transaction.on_commit(lambda batch=batch: outbox_enqueue(batch))
    return len(pks)


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
    "outbox_retry_many",
    "outbox_retry_sweep",
]
