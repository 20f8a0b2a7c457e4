"""The mails the matching domain decides: the round mailings (a round starts or ends),
the daily reminder of undecided students, the notices to a school that one of its
students was accepted or that an acceptance was taken back, and the daily digest to the
services that still had a released student open (re-offer). They go out through the
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
from .models import Decision, ReofferNotice, Round, School, Status, Student, Track
from .selectors import students_visible_to, undecided_counts
from .wording import join_words, mail_day, mail_moment, placement_words, track_label

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


def _round_name(round_: Round) -> str:
    return round_.name.strip() or f"ronde {round_.number}"


def _round_line(round_: Round) -> dict:
    return {
        "type": track_label(round_.track),
        "ronde": _round_name(round_),
        "zichtbaarheid": str(round_.get_scope_display()),
        "start": mail_moment(round_.starts_at),
        "einde": mail_moment(round_.ends_at),
        "duaal": round_.track == Track.DUAL,
    }


def _boundary_context(rounds: list[Round], event: str) -> dict:
    """The context of one boundary (start or end) that `rounds` (one per track) share.

    `rondes` lists each track with its own scope and dates; the single values (`ronde`,
    `type`, `start`, `einde`, `zichtbaarheid`) describe them together."""
    lines = [_round_line(r) for r in rounds]
    names = list(dict.fromkeys(line["ronde"] for line in lines))
    scopes = list(dict.fromkeys(line["zichtbaarheid"] for line in lines))
    first = rounds[0]
    moment = first.starts_at if event == RoundMailing.Event.STARTED else first.ends_at
    ends = list(dict.fromkeys(line["einde"] for line in lines))
    return {
        "ronde": join_words(names),
        "nummer": first.number,
        "type": join_words([line["type"] for line in lines]),
        "types": [line["type"] for line in lines],
        "rondes": lines,
        "aantal_types": len(lines),
        "zichtbaarheid": scopes[0] if len(scopes) == 1 else "",
        "start": mail_moment(first.starts_at),
        "einde": ends[0] if len(ends) == 1 else "",
        "moment": mail_moment(moment),
        "schooljaar": first.school_year.name,
        "duaal": any(line["duaal"] for line in lines),
        "enkel_duaal": all(line["duaal"] for line in lines),
        **_placement_words(lines),
    }


def _placement_words(lines: list[dict]) -> dict:
    """What the tracks of a mail place students in: stageplaats, werkplek, or both."""
    dual = [line["duaal"] for line in lines]
    if all(dual):
        return {"plaats": "werkplek", "plaatsen": "werkplekken"}
    if any(dual):
        return {"plaats": "stageplaats of werkplek", "plaatsen": "stageplaatsen en werkplekken"}
    return {"plaats": "stageplaats", "plaatsen": "stageplaatsen"}


def round_boundary(*, round_: Round, event: str) -> list[Round]:
    """The rounds of `round_`'s school year whose start (or end) is the same moment and that
    have no mailing for it yet: one boundary, one mail per login whatever the number of
    tracks. Ordered by track (secondary, adult, dual) so the mail lists them stably."""
    field = "starts_at" if event == RoundMailing.Event.STARTED else "ends_at"
    done = RoundMailing.objects.filter(event=event).values("round_id")
    rounds = list(
        Round.objects.filter(
            school_year_id=round_.school_year_id, **{field: getattr(round_, field)}
        )
        .exclude(pk__in=done)
        .select_related("school_year")
    )
    order = {track: index for index, track in enumerate(Track.values)}
    return sorted(rounds, key=lambda r: (order.get(r.track, 99), r.pk))


@transaction.atomic
def round_mailing_write(*, round_: Round, event: str) -> int:
    """Write the outbox rows of one round boundary: one per recipient for all the tracks
    whose round starts (or ends) at that moment, at most once ever (dedup key
    round:<first round's pk>:<event>:<user>, unique). Returns the number of new rows."""
    if RoundMailing.objects.select_for_update().filter(round=round_, event=event).exists():
        return 0
    rounds = round_boundary(round_=round_, event=event)
    if not rounds:
        return 0
    key_round = min(r.pk for r in rounds)
    # Services and schools get their own text (a school gives no statuses); a school hears
    # only about the tracks it registers students for.
    for_services = (f"round_{event}", mail_renderer(f"round_{event}"))
    for_schools = (f"round_{event}_school", mail_renderer(f"round_{event}_school"))
    recipients = {}
    for row in service_logins():
        recipients.setdefault(row.user_id, [row.user, for_services, rounds])
    for round_of_track in rounds:
        for row in school_logins(kinds=SCHOOL_KINDS_FOR_TRACK[round_of_track.track]):
            entry = recipients.setdefault(row.user_id, [row.user, for_schools, []])
            if entry[1] is for_schools and round_of_track not in entry[2]:
                entry[2].append(round_of_track)
    contexts = {}
    rows = []
    for user, (template_key, render), tracks in recipients.values():
        signature = tuple(r.pk for r in tracks)
        if signature not in contexts:
            contexts[signature] = _boundary_context(tracks, event)
        subject, body = render({**contexts[signature], "naam": _name(user)})
        rows.append(
            Outbox(
                to=user.email,
                subject=subject,
                body=body,
                template_key=template_key,
                dedup_key=f"round:{key_round}:{event}:{user.pk}",
            )
        )
    keys = [row.dedup_key for row in rows]
    existing = set(Outbox.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
    Outbox.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    RoundMailing.objects.bulk_create(
        [RoundMailing(round=r, event=event, recipients=len(rows)) for r in rounds],
        ignore_conflicts=True,
    )
    created = len(set(keys) - existing)
    prefix = f"round:{key_round}:{event}:"
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
    for service, users in by_service.items():
        counts = undecided_counts(service=service, now=now)
        if not counts:
            continue
        per_type = [f"{track_label(track)}: {count}" for track, count in counts.items()]
        dual = Track.DUAL in counts
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
                        "datum": mail_day(day),
                        "duaal": dual,
                        "enkel_duaal": dual and len(counts) == 1,
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
    words = placement_words(student.track)
    context = {
        "school": school.name,
        "leerling": student.full_name,
        "dienst": decision.service.name,
        "mentor": decision.mentor.name if decision.mentor_id else "",
        "stage_start": mail_day(decision.period_start) if decision.period_start else "",
        "stage_einde": mail_day(decision.period_end) if decision.period_end else "",
        "type": track_label(student.track),
        "duaal": student.track == Track.DUAL,
        "plaats": words["plaats"],
        "een_plaats": words["een_plaats"],
        "mentor_label": words["mentor"],
    }
    return _mail_school(student, "student_accepted_school", context)


def notify_school_of_withdrawal(decision: Decision) -> list[Outbox]:
    """Tell the school that `decision`'s service took back its acceptance. Call inside the
    withdrawing transaction: a rolled-back change mails nobody (the outbox row goes too)."""
    student = decision.student
    school = student.school
    context = {
        "school": school.name,
        "leerling": student.full_name,
        "dienst": decision.service.name,
        "plaats": placement_words(student.track)["plaats"],
    }
    return _mail_school(student, "student_withdrawn_school", context)


def _mail_school(student, template_key: str, context: dict) -> list[Outbox]:
    """One mail per login of `student`'s school (or to the school's own address when it has
    no login), queued in the caller's transaction and published after its commit."""
    school = student.school
    logins = school_logins(school_ids=[school.pk])
    recipients = [(row.user.email, _name(row.user)) for row in logins]
    if not recipients and school.email:
        recipients = [(school.email, school.name)]
    rows = [
        outbox_queue(
            to=email,
            template_key=template_key,
            context={**context, "naam": name},
            student=student,
            enqueue=False,
        )
        for email, name in recipients
    ]
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: outbox_enqueue(ids))
    return rows


# Re-offer ----------------------------------------------------------------------------

# Statuses under which a service still "has the student open" (DESIGN.md: no row is
# undecided too).
OPEN_STATUSES = (Status.UNDECIDED, Status.INVITED)


def reoffer_note(decision: Decision, *, now) -> ReofferNotice:
    """Record that `decision`'s service took back its acceptance. Call inside the
    withdrawing transaction; the daily digest (`reoffer_digest_send`) tells the others."""
    return ReofferNotice.objects.create(
        student_id=decision.student_id, withdrawn_by_id=decision.service_id, withdrawn_at=now
    )


def _reoffer_recipients(notices, *, now) -> dict:
    """service -> students it can see now and still has open (no decision, undecided or
    invited), of the released students in `notices`; never the service that let go."""
    withdrawn_by = {}
    for notice in notices:
        withdrawn_by.setdefault(notice.student_id, set()).add(notice.withdrawn_by_id)
    tracks = set(
        Student.objects.filter(pk__in=withdrawn_by).values_list("track", flat=True).distinct()
    )
    logins = {}
    for row in service_logins():
        logins.setdefault(row.content_object, []).append(row.user)
    result = {}
    for service, users in logins.items():
        decided = Decision.objects.filter(service=service, student_id__in=withdrawn_by).exclude(
            status__in=OPEN_STATUSES
        )
        students = []
        for track in sorted(tracks):
            visible = (
                students_visible_to(service=service, track=track, now=now)
                .filter(pk__in=withdrawn_by, track=track)
                .exclude(pk__in=decided.values("student_id"))
                .order_by("last_name", "first_name", "pk")
            )
            students.extend(s for s in visible if service.pk not in withdrawn_by[s.pk])
        if students:
            result[service] = (users, students)
    return result


def reoffer_digest_send(*, now=None) -> int:
    """Once a day: each login of each service that had a released student open gets one
    mail listing every student released since the previous digest. A second run on the
    same day sends nothing (what was released meanwhile waits for tomorrow's digest);
    dedup keys make a double run harmless too."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    if Outbox.objects.filter(dedup_key__startswith=f"reoffer:{day.isoformat()}:").exists():
        return 0
    created = []
    with transaction.atomic():
        notices = list(
            ReofferNotice.objects.select_for_update()
            .filter(processed_at__isnull=True, withdrawn_at__lte=now)
            .order_by("pk")
        )
        if not notices:
            return 0
        for service, (users, students) in _reoffer_recipients(notices, now=now).items():
            lines = [
                f"{s.last_name}, {s.first_name} ({track_label(s.track)}, "
                f"{s.postcode} {s.municipality})".replace(" )", ")")
                for s in students
            ]
            for user in users:
                row = outbox_queue(
                    to=user.email,
                    template_key="student_reoffered_service",
                    context={
                        "naam": _name(user),
                        "dienst": service.name,
                        "aantal": len(students),
                        "leerlingen": lines,
                        "datum": mail_day(day),
                    },
                    dedup_key=f"reoffer:{day.isoformat()}:{service.pk}:{user.pk}",
                    student=students[0],
                    enqueue=False,
                )
                if row is not None:
                    created.append(row.pk)
        ReofferNotice.objects.filter(pk__in=[n.pk for n in notices]).update(processed_at=now)
        transaction.on_commit(lambda: outbox_enqueue(created))
    return len(created)
