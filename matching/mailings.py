"""The mails the matching domain decides: the round mailings (a round starts or ends),
the daily reminder of undecided students and the notices to a school that one of its
students was accepted or that an acceptance was taken back. They go out through the
outbox (notifications.services); the texts are notifications' mail templates."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from notifications.models import Outbox, RoundMailing
from notifications.services import (
    mail_renderer,
    outbox_enqueue,
    outbox_enqueue_prefix,
    outbox_queue,
)

from .memberships import school_logins, service_logins
from .models import Decision, Round, School, Track
from .selectors import undecided_counts

# A round event older than this is history: a fresh install must not mail about it.
ROUND_MAILING_WINDOW = dt.timedelta(days=7)
# Which tracks a school registers; a round concerns the schools of its track.
SCHOOL_KINDS_FOR_TRACK = {
    Track.SECONDARY: [School.Kind.SECONDARY],
    Track.DUAL: [School.Kind.SECONDARY],
    Track.ADULT: [School.Kind.CVO],
}


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
    transaction.on_commit(lambda: outbox_enqueue_prefix(prefix))
    return created


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


def notify_school_of_withdrawal(decision: Decision) -> list[Outbox]:
    """Tell the school that `decision`'s service took back its acceptance. Call inside the
    withdrawing transaction: a rolled-back change mails nobody (the outbox row goes too)."""
    student = decision.student
    school = student.school
    context = {
        "school": school.name,
        "leerling": student.full_name,
        "dienst": decision.service.name,
    }
    logins = school_logins(school_ids=[school.pk])
    recipients = [(row.user.email, _name(row.user)) for row in logins]
    if not recipients and school.email:
        recipients = [(school.email, school.name)]
    rows = [
        outbox_queue(
            to=email,
            template_key="student_withdrawn_school",
            context={**context, "naam": name},
            student=student,
            enqueue=False,
        )
        for email, name in recipients
    ]
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: outbox_enqueue(ids))
    return rows
