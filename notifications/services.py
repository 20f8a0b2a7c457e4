"""Mail as a side effect of a change: render, write an outbox row in the caller's
transaction, deliver after commit. Delivery and the sweeps that keep it going live here;
tasks.py only calls them."""

import datetime as dt
import logging
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template import Context
from django.utils import timezone
from django.utils.translation import gettext_lazy

from matching.models import (
    Decision,
    Round,
    School,
    SchoolUserObjectPermission,
    SchoolYear,
    Service,
    ServiceUserObjectPermission,
    Status,
    Student,
    Track,
)

from .defaults import DEFAULTS
from .models import MailTemplate, Outbox, RoundMailing
from .rendering import compile_text, plain_context

logger = logging.getLogger(__name__)

# A round event older than this is history: a fresh install must not mail about it.
ROUND_MAILING_WINDOW = dt.timedelta(days=7)
# Queued rows younger than this still have their own delivery message on the way.
RETRY_GRACE = dt.timedelta(minutes=2)
ENQUEUE_BATCH = 500
# Mails whose text holds a sign-in secret or a student's personal data: once sent, only
# the fact that they were sent is kept.
REDACT_AFTER_SENDING = {"accounts_invitation", "accounts_password_reset", "student_accepted_school"}
REDACTED = gettext_lazy("(inhoud verwijderd na verzending)")
# Delivery attempts of one row (over all tasks and sweeps) before it is marked failed.
MAX_ATTEMPTS = 6
# Which tracks a school registers; a round concerns the schools of its track.
SCHOOL_KINDS_FOR_TRACK = {
    Track.SECONDARY: [School.Kind.SECONDARY],
    Track.DUAL: [School.Kind.SECONDARY],
    Track.ADULT: [School.Kind.CVO],
}


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
    student: Student | None = None,
    enqueue: bool = True,
) -> Outbox | None:
    """Write one mail to the outbox in the caller's transaction and deliver it after commit.

    Returns None when a mail with this `dedup_key` already exists (at most once). If the
    caller's transaction rolls back, the row and its delivery vanish together. A caller
    queueing several rows passes enqueue=False and enqueues them together after commit, so
    an unreachable broker costs one connect timeout, not one per row.
    """
    subject, body = mail_render(template_key=template_key, context=context)
    row = Outbox(
        to=to,
        subject=subject,
        body=body,
        template_key=template_key,
        dedup_key=dedup_key,
        student=student,
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


def _message_id_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "stagematching"


def _send(row: Outbox) -> None:
    EmailMessage(
        subject=row.subject,
        body=row.body,
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
            row.status = Outbox.Status.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
            row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
            _send(row)
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


def outbox_cancel_for_school_year(*, school_year: SchoolYear) -> int:
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


# Recipients --------------------------------------------------------------------------


def service_logins(service_ids=None):
    """(user, service) pairs of every active login of an active service."""
    rows = ServiceUserObjectPermission.objects.filter(
        permission__codename="act_for_service",
        user__is_active=True,
        content_object__is_active=True,
    )
    if service_ids is not None:
        rows = rows.filter(content_object_id__in=service_ids)
    return rows.select_related("user", "content_object").order_by("user_id")


def school_logins(*, school_ids=None, kinds=None):
    rows = SchoolUserObjectPermission.objects.filter(
        permission__codename="act_for_school", user__is_active=True
    )
    if school_ids is not None:
        rows = rows.filter(content_object_id__in=school_ids)
    if kinds is not None:
        rows = rows.filter(content_object__kind__in=kinds)
    return rows.select_related("user", "content_object").order_by("user_id")


def _name(user) -> str:
    return user.get_full_name() or user.email


# Round mailings ----------------------------------------------------------------------


def _round_context(round_: Round) -> dict:
    return {
        "ronde": f"ronde {round_.number}" if not round_.name else round_.name,
        "nummer": round_.number,
        "type": round_.get_track_display(),
        "zichtbaarheid": round_.get_scope_display(),
        "start": round_.starts_at,
        "einde": round_.ends_at,
        "schooljaar": round_.school_year.name,
    }


@transaction.atomic
def round_mailing_write(*, round_: Round, event: str) -> int:
    """Write the outbox rows of one round event: one per recipient, at most once ever
    (dedup key round:<pk>:<event>:<user>, unique). Returns the number of new rows."""
    if RoundMailing.objects.select_for_update().filter(round=round_, event=event).exists():
        return 0
    base = _round_context(round_)
    # Services and schools get their own text (a school gives no statuses).
    for_services = (f"round_{event}", mail_renderer(f"round_{event}"))
    for_schools = (f"round_{event}_school", mail_renderer(f"round_{event}_school"))
    recipients = {}
    for row in service_logins():
        recipients.setdefault(row.user_id, (row.user, for_services))
    for row in school_logins(kinds=SCHOOL_KINDS_FOR_TRACK[round_.track]):
        recipients.setdefault(row.user_id, (row.user, for_schools))
    rows = []
    for user, (template_key, render) in recipients.values():
        context = {**base, "naam": _name(user)}
        subject, body = render(context)
        rows.append(
            Outbox(
                to=user.email,
                subject=subject,
                body=body,
                template_key=template_key,
                dedup_key=f"round:{round_.pk}:{event}:{user.pk}",
            )
        )
    keys = [row.dedup_key for row in rows]
    existing = set(Outbox.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
    Outbox.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    RoundMailing.objects.bulk_create(
        [RoundMailing(round=round_, event=event, recipients=len(rows))], ignore_conflicts=True
    )
    created = len(set(keys) - existing)
    prefix = f"round:{round_.pk}:{event}:"
    transaction.on_commit(lambda: _enqueue_prefix(prefix))
    return created


def _enqueue_prefix(prefix: str):
    ids = list(
        Outbox.objects.filter(status=Outbox.Status.QUEUED, dedup_key__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), ENQUEUE_BATCH):
        batch = ids[start : start + ENQUEUE_BATCH]
        if outbox_enqueue(batch) < len(batch):
            return  # broker down: the retry sweep takes over


def round_events_due(*, now) -> list[tuple[Round, str]]:
    """Round starts and ends of open school years that happened in the last
    ROUND_MAILING_WINDOW and have no mailing yet."""
    since = now - ROUND_MAILING_WINDOW
    rounds = Round.objects.filter(school_year__closed_at__isnull=True).select_related("school_year")
    done = set(RoundMailing.objects.values_list("round_id", "event"))
    due = []
    started = rounds.filter(starts_at__lte=now, starts_at__gt=since).order_by("starts_at")
    for round_ in started:
        if (round_.pk, RoundMailing.Event.STARTED) not in done:
            due.append((round_, RoundMailing.Event.STARTED.value))
    for round_ in rounds.filter(ends_at__lte=now, ends_at__gt=since).order_by("ends_at"):
        if (round_.pk, RoundMailing.Event.ENDED) not in done:
            due.append((round_, RoundMailing.Event.ENDED.value))
    return due


def round_mailings_sweep(*, now=None) -> int:
    """Beat runs this every minute. Each due round event gets its mailing, each in its own
    transaction; a double run or two beats create nothing new. Returns new outbox rows."""
    now = now or timezone.now()
    return sum(round_mailing_write(round_=r, event=e) for r, e in round_events_due(now=now))


# Reminders ---------------------------------------------------------------------------


def undecided_counts(*, service: Service, now) -> dict[str, int]:
    """Per track with an open round: visible students without a decision of `service`."""
    from matching.selectors import students_visible_to

    counts = {}
    open_tracks = (
        Round.objects.filter(
            school_year__closed_at__isnull=True, starts_at__lte=now, ends_at__gt=now
        )
        .values_list("track", flat=True)
        .distinct()
    )
    for track in sorted(set(open_tracks)):
        decided = Decision.objects.filter(service=service).exclude(status=Status.UNDECIDED)
        count = (
            students_visible_to(service=service, track=track, now=now)
            .exclude(pk__in=decided.values("student_id"))
            .count()
        )
        if count:
            counts[track] = count
    return counts


def reminders_send(*, now=None) -> int:
    """Daily reminder to each login of each service with undecided visible students while
    a round is open. At most one per login per day (dedup key)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    created = 0
    by_service = {}
    for row in service_logins():
        by_service.setdefault(row.content_object, []).append(row.user)
    labels = dict(Track.choices)
    for service, users in by_service.items():
        counts = undecided_counts(service=service, now=now)
        if not counts:
            continue
        per_type = [f"{labels[track]}: {count}" for track, count in counts.items()]
        with transaction.atomic():
            for user in users:
                row = outbox_queue(
                    to=user.email,
                    template_key="reminder_undecided",
                    context={
                        "naam": _name(user),
                        "dienst": service.name,
                        "aantal": sum(counts.values()),
                        "per_type": per_type,
                        "datum": day,
                    },
                    dedup_key=f"reminder:{day.isoformat()}:{service.pk}:{user.pk}",
                )
                created += row is not None
    return created


# Acceptance --------------------------------------------------------------------------


def notify_school_of_acceptance(decision: Decision) -> list[Outbox]:
    """Tell the school that one of its students was accepted. Call inside the accepting
    transaction: a rolled-back acceptance mails nothing."""
    student = decision.student
    school = student.school
    context = {
        "school": school.name,
        "leerling": student.full_name,
        "dienst": decision.service.name,
        "mentor": decision.mentor.name if decision.mentor_id else "",
        "stage_start": decision.period_start or "",
        "stage_einde": decision.period_end or "",
    }
    logins = school_logins(school_ids=[school.pk])
    recipients = [(row.user.email, _name(row.user)) for row in logins]
    if not recipients and school.email:
        recipients = [(school.email, school.name)]
    rows = [
        outbox_queue(
            to=email,
            template_key="student_accepted_school",
            context={**context, "naam": name},
            student=student,
            enqueue=False,
        )
        for email, name in recipients
    ]
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: outbox_enqueue(ids))
    return rows


__all__ = [
    "mail_render",
    "notify_school_of_acceptance",
    "outbox_cancel_for_school_year",
    "outbox_deliver",
    "outbox_enqueue",
    "outbox_queue",
    "outbox_retry",
    "outbox_retry_sweep",
    "reminders_send",
    "round_mailings_sweep",
    "round_mailing_write",
]
