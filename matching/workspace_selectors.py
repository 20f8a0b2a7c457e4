"""Reads of the service workspace beyond the lists themselves: safe defaults for an
acceptance, the live list's state, and the service dashboard's figures.

Every student read still goes through matching.selectors (visibility from the clock)."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from . import selectors
from .errors import StudentNotFound
from .models import (
    ContactPerson,
    Decision,
    Round,
    Service,
    Status,
    StatusChange,
    Student,
    Track,
)
from .timetable import year_and_round_in_force


def mentors_for_login(*, service, user) -> tuple[list[ContactPerson], int | None]:
    """The service's mentors with the one this login chose last first, and the mentor to
    preselect: the only one, or else the one this login chose last (one query)."""
    mentors = list(
        selectors.mentors_of(service).annotate(
            last_used=Max(
                "decisions__updated_at",
                filter=Q(decisions__updated_by_id=getattr(user, "pk", None)),
            )
        )
    )
    if len(mentors) == 1:
        return mentors, mentors[0].pk
    used = [m for m in mentors if m.last_used is not None]
    if not used:
        return mentors, None
    last = max(used, key=lambda m: m.last_used)
    return [last] + [m for m in mentors if m.pk != last.pk], last.pk


@dataclass(frozen=True)
class AcceptValues:
    """What an acceptance form of one row shows: the saved decision, a rejected attempt
    being corrected, or else the safe defaults (school's desired period, preselected mentor)."""

    mentor_id: int | None
    period_start: str
    period_end: str
    note: str


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else (value or "")


def accept_values(*, student, decision, default_mentor_id, retry: dict | None = None):
    if retry is not None:
        mentor = retry.get("mentor") or ""
        return AcceptValues(
            mentor_id=int(mentor) if str(mentor).isdigit() else None,
            period_start=retry.get("period_start") or "",
            period_end=retry.get("period_end") or "",
            note=retry.get("note") or "",
        )
    if decision is not None and decision.status == Status.ACCEPTED:
        return AcceptValues(
            mentor_id=decision.mentor_id,
            period_start=_iso(decision.period_start),
            period_end=_iso(decision.period_end),
            note=decision.note or "",
        )
    return AcceptValues(
        mentor_id=(decision.mentor_id if decision and decision.mentor_id else default_mentor_id),
        period_start=_iso(student.requested_start),
        period_end=_iso(student.requested_end),
        note=(decision.note if decision else "") or "",
    )


_HEAD_FIELDS = ["id", "track", "first_name", "last_name"]


def student_or_placed(*, service: Service, pk, now=None, detail=False) -> tuple[Student, bool]:
    """(student, False) when `service` may reach it; (its name and track only, True) when
    another service's acceptance is the only reason it cannot (placed meanwhile: a race's
    loser is told so, never who won); else StudentNotFound whether it exists or not.

    `student_for_service` and `placed_elsewhere` in one: one read of track and acceptance
    and one of the round in force serve both. A student another service took is nobody
    else's to reach (acceptances are exclusive), so its reachability query is skipped.
    `detail`: with what the detail page shows (with_detail), in the same read."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id, s.track, s.first_name, s.last_name, {selectors.TAKEN_SQL}"
            f" FROM {Student._meta.db_table} s WHERE s.id = %s",
            [Status.ACCEPTED.value, service.pk, int(pk)],
        )
        row = cursor.fetchone()
    if row is None:
        raise StudentNotFound()
    head, taken = Student.from_db(None, _HEAD_FIELDS, row[:4]), row[4]
    in_force = year_and_round_in_force(track=head.track, now=now)
    if not taken:
        qs = selectors.students_reachable_by(
            service=service, track=head.track, now=now, in_force=in_force
        )
        qs = with_detail(qs, service=service, track=head.track) if detail else qs
        student = qs.filter(pk=head.pk).first()
        if student is not None:
            return student, False
    if selectors.placed_elsewhere(
        service=service, pk=head.pk, now=now, track=head.track, round=in_force[1]
    ):
        return head, True
    raise StudentNotFound()


def with_detail(qs: QuerySet[Student], *, service: Service, track: str) -> QuerySet[Student]:
    """What a detail page shows of each student: school, province, transport modes and
    preferred services, and for dual `invited_before` (with_invitation_history)."""
    qs = qs.select_related("province", "school").prefetch_related(
        "transport_modes",
        Prefetch("preferred_services", queryset=Service.objects.only("pk", "name")),
    )
    if track == Track.DUAL:
        qs = selectors.with_invitation_history(qs, service=service)
    return qs


def student_named(*, pk) -> Student:
    """A student's name and track only, for the message of an answer matching.services
    gave about it (so one within the service's reach, or placed meanwhile)."""
    return Student.objects.only("pk", "first_name", "last_name", "track").get(pk=pk)


def list_row_student(*, service, pk) -> Student:
    """One student annotated as the service's list annotates its rows (its decision, its
    invitation history), only to re-render the row of an in-place status change that the
    workspace has just answered (matching.service.workspace)."""
    qs = selectors.for_listing(
        selectors.with_service_decision(Student.objects.filter(pk=pk), service=service)
    )
    return selectors.with_invitation_history(qs, service=service).get()


# The live list ----------------------------------------------------------------------


# A status change that made or took back an acceptance (the live version's changes).
ACCEPTANCE_CHANGE_Q = Q(to_status=Status.ACCEPTED) | Q(from_status=Status.ACCEPTED)


def live_version(*, track: str, now) -> str:
    """What a live poll of `track` answers can have changed since this version was given.

    The answer (tab counts, shown students placed or gone) moves when an acceptance of a
    student of `track` is made or taken back, by any service (placed, released, "accepted
    by us"), and when the round in force of `track` changes (scope, school year). Other
    status changes (invited, not accepted, ...) and other tracks' acceptances change none of
    it, so they keep the version and those polls end in a 304. Two index lookups: the
    newest acceptance change of the track (statuschange_acceptance_idx, read backwards)
    and the round in force."""
    last_acceptance = (
        StatusChange.objects.filter(ACCEPTANCE_CHANGE_Q, student__track=track)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    ) or 0
    _year, current = year_and_round_in_force(track=track, now=now)
    return f"{last_acceptance}.{current.pk if current else 0}"


@dataclass(frozen=True)
class LiveState:
    counts: dict
    placed: list  # shown ids another service accepted meanwhile
    gone: list  # shown ids no longer reachable for another reason (round, school year)


def live_state(*, service, track: str, filters, ids, now=None) -> LiveState:
    """Tab counts with the page's filters, and which of the shown students this service can
    no longer reach (placed by another service, or gone otherwise)."""
    now = now or timezone.now()
    school_year, current = year_and_round_in_force(track=track, now=now)
    open_qs = selectors.students_visible_to(service=service, track=track, now=now, round=current)
    accepted_qs = selectors.students_accepted_by(
        service=service, track=track, now=now, school_year=school_year
    )
    counts = {
        "open": filters.apply(open_qs, origin=service).order_by().count(),
        "accepted": filters.apply(accepted_qs, origin=service).order_by().count(),
    }
    ids = sorted(set(ids))
    if not ids:
        return LiveState(counts=counts, placed=[], gone=[])
    reachable = set(open_qs.filter(pk__in=ids).values_list("pk", flat=True)) | set(
        accepted_qs.filter(pk__in=ids).values_list("pk", flat=True)
    )
    missing = [pk for pk in ids if pk not in reachable]
    placed = set(
        Decision.objects.filter(student_id__in=missing, status=Status.ACCEPTED)
        .exclude(service=service)
        .values_list("student_id", flat=True)
    )
    return LiveState(
        counts=counts,
        placed=[pk for pk in missing if pk in placed],
        gone=[pk for pk in missing if pk not in placed],
    )


# The dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrackFigures:
    track: str
    round: Round | None
    next_round: Round | None
    visible: int
    undecided: int
    new: int
    accepted: int


def dashboard_figures(*, service, since, now=None) -> list[TrackFigures]:
    """Per track: visible now, undecided among them, new since `since` (the login's previous
    sign-in; None = everything is new: registered since then, or shown by a round that
    opened since then), accepted by this service; the round in force and the
    next one to open."""
    now = now or timezone.now()
    figures = []
    for track in Track.values:
        school_year, current = year_and_round_in_force(track=track, now=now)
        visible = selectors.students_visible_to(
            service=service, track=track, now=now, round=current
        ).order_by()
        own = Decision.objects.filter(service=service).exclude(status=Status.UNDECIDED)
        if since is None or current is None or current.starts_at > since:
            new_q = Q()  # the round opened since the last visit: all it shows is new
        else:
            # Registered since (one the entry blackout held back shows with round 3, whose
            # start then counts above).
            new_q = Q(registered_at__gt=since)
        counts = visible.aggregate(
            visible=_count(),
            undecided=_count(~Q(pk__in=own.values("student_id"))),
            new=_count(new_q),
        )
        next_round = (
            Round.objects.filter(school_year=school_year, track=track, starts_at__gt=now)
            .order_by("starts_at")
            .first()
            if school_year
            else None
        )
        figures.append(
            TrackFigures(
                track=track,
                round=current,
                next_round=next_round,
                visible=counts["visible"],
                undecided=counts["undecided"],
                new=counts["new"] if current else 0,
                accepted=selectors.students_accepted_by(
                    service=service, track=track, now=now, school_year=school_year
                ).count(),
            )
        )
    return figures


def _count(q: Q | None = None):
    """Count("pk"), filtered by `q` unless it is empty."""
    return Count("pk", filter=q) if q else Count("pk")


__all__ = [
    "AcceptValues",
    "LiveState",
    "TrackFigures",
    "accept_values",
    "dashboard_figures",
    "live_state",
    "live_version",
    "mentors_for_login",
    "student_named",
    "student_or_placed",
    "with_detail",
]
