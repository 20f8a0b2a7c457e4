"""Reads of the matching domain. Every screen and export of students goes through these, so
no screen can forget a rule: visibility is computed from the clock, never from a flag."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from . import geo, reference
from .blackout import released_q
from .errors import StudentNotFound
from .models import (
    DUAL_AFTER_INVITATION,
    PERSONAL_DATA_STATUSES,
    STATUSES_FOR_TRACK,
    ContactPerson,
    Decision,
    Round,
    SchoolYear,
    Scope,
    Service,
    Status,
    StatusChange,
    Student,
    Track,
    TransportMode,
)
from .timetable import round_in_force, rounds_in_force, year_and_round_in_force


def school_year_current(now=None) -> SchoolYear | None:
    """The school year in force at `now`: the latest started one the operator has not closed
    (None between years). Every screen asks this one question the same way."""
    return SchoolYear.objects.current(now or timezone.now())


def visible_q(*, service: Service | None, round: Round | None, now, include_placed=False) -> Q:
    """The unplaced students of `round`'s track that `service` may see at `now`.

    Pairs with `students_visible_to` as Wagtail's `live_q()` pairs with `live()`. Rules 2-4
    of DESIGN.md: nobody's placed student, not one the entry blackout still holds back (the
    release read from the timetable now, `matching.blackout`), and the round's scope.
    Returns an always-false Q when no round is in force. `include_placed` drops rule 2 (only
    to tell a service that lost a race why its action was refused). With `service=None` the
    scope is read as "some service" (the operator's figures): 'preferred' needs any
    preferred service, 'preferred in province' one in the student's own province.
    """
    if round is None:
        return Q(pk__in=[])
    through = Student.preferred_services.through
    q = Q(school_year_id=round.school_year_id, track=round.track, anonymised_at__isnull=True)
    q &= released_q(school_year=round.school_year, track=round.track, now=now)
    if not include_placed:
        q &= ~Exists(Decision.objects.filter(student=OuterRef("pk"), status=Status.ACCEPTED))
    if round.scope not in (Scope.PREFERRED, Scope.PREFERRED_IN_PROVINCE):
        return q
    preferred = through.objects.filter(student_id=OuterRef("pk"))
    if service is not None:
        preferred = preferred.filter(service_id=service.pk)
        if round.scope == Scope.PREFERRED_IN_PROVINCE:
            q &= Q(province_id=service.province_id)
    elif round.scope == Scope.PREFERRED_IN_PROVINCE:
        preferred = preferred.filter(service__province_id=OuterRef("province_id"))
    return q & Exists(preferred)


def rounds_by_track(school_year: SchoolYear) -> dict[str, list[Round]]:
    """The school year's rounds per track, in timetable order (one query)."""
    rounds: dict[str, list[Round]] = {track: [] for track in Track.values}
    for each in Round.objects.filter(school_year=school_year).order_by("starts_at", "number"):
        rounds.setdefault(each.track, []).append(each)
    return rounds


def scope_shows(*, scope: str, preferred_province_ids: Iterable[int], province_id) -> bool:
    """Whether a round of `scope` shows an unplaced student to at least one service: the
    scope part of `visible_q(service=None)` for one student already in memory
    (tests/matching/test_visibility_rule.py holds the two to the same answers)."""
    preferred = list(preferred_province_ids)
    if scope == Scope.ALL:
        return True
    if scope == Scope.PREFERRED:
        return bool(preferred)
    return province_id in preferred  # preferred_in_province


def visibility_round(
    *, rounds: list[Round], visible_from, preferred_province_ids, province_id, released=True
) -> Round | None:
    """The round from which a student was first visible to some service.

    Start at t = max(visible_from, first round's start) and take the round in force at t
    (the latest round with starts_at <= t, as the services' screens do). If that round's
    scope shows the student to nobody — no preferred service, or none in the student's
    province while the scope is 'preferred in province' — the first later round whose scope
    does. None when no round of the track would ever show it, or when the entry blackout
    holds the student back with no release planned yet (`released=False`).
    """
    if not rounds or not released:
        return None
    moment = max(visible_from, rounds[0].starts_at) if visible_from else rounds[0].starts_at
    start = 0
    for index, each in enumerate(rounds):
        if each.starts_at <= moment:
            start = index
    preferred = list(preferred_province_ids)
    for each in rounds[start:]:
        if scope_shows(scope=each.scope, preferred_province_ids=preferred, province_id=province_id):
            return each
    return None


_UNSET = object()


def students_visible_to(
    *, service: Service, track: str, now=None, round=_UNSET
) -> QuerySet[Student]:
    """Tab 'zonder stageplaats': the students `service` may see and claim right now.

    A caller that already looked up the round in force for `track` at `now` may pass it."""
    now = now or timezone.now()
    current = round_in_force(track=track, now=now) if round is _UNSET else round
    return Student.objects.filter(visible_q(service=service, round=current, now=now))


def students_accepted_by(
    *, service: Service, track: str, now=None, school_year=_UNSET
) -> QuerySet[Student]:
    """Tab 'aanvaard door ons': rule 1, whatever the round."""
    if school_year is _UNSET:
        school_year = SchoolYear.objects.current(now or timezone.now())
    if not school_year:
        return Student.objects.none()
    return Student.objects.filter(placements_q(school_year=school_year, track=track)).accepted_by(
        service
    )


def placements_q(*, school_year, track: str, prefix: str = "") -> Q:
    """The students whose acceptance counts as a placement of `school_year` and `track`
    (what the 'aanvaard door ons' tab lists and what fills a service's places,
    matching.capacity): that year's, that track's, not anonymised. `prefix` reads it from
    a related model ("student__" on decisions)."""
    return Q(
        **{
            f"{prefix}school_year": school_year,
            f"{prefix}track": track,
            f"{prefix}anonymised_at__isnull": True,
        }
    )


def students_reachable_by(*, service: Service, track: str | None = None, now=None, in_force=None):
    """Union of both tabs: what a detail page, a status change or an export may touch.

    `in_force`: (school year, round in force) of `track` at `now` when the caller looked
    them up already (year_and_round_in_force)."""
    now = now or timezone.now()
    tracks = [track] if track else list(Track.values)
    if track:
        # One track (a caller that knows the student's): school year and round in one query.
        school_year, current_round = in_force or year_and_round_in_force(track=track, now=now)
        current = {track: current_round}
    else:
        # One school-year lookup and one query for the rounds in force of every track.
        school_year = SchoolYear.objects.current(now)
        current = (
            rounds_in_force(tracks=tracks, now=now, school_year=school_year)
            if school_year
            else dict.fromkeys(tracks)
        )
    q = Q(pk__in=[])
    for each in tracks:
        q |= visible_q(service=service, round=current[each], now=now)
    accepted = Exists(
        Decision.objects.filter(
            student=OuterRef("pk"), service_id=service.pk, status=Status.ACCEPTED
        )
    )
    accepted_q = accepted & Q(school_year=school_year, anonymised_at__isnull=True)
    if track:
        accepted_q &= Q(track=track)
    return Student.objects.filter(q | accepted_q)


def student_for_service(*, service: Service, pk, now=None, track: str | None = None) -> Student:
    """One student `service` may reach, or StudentNotFound whether it exists or not.

    Only the rule of the student's own track is built and run: `track` when the caller read
    it already (a status change does; any other track finds nothing), else it is read first
    (one primary-key look)."""
    if track is None:
        try:
            track = Student.objects.filter(pk=pk).values_list("track", flat=True).first()
        except (ValueError, TypeError):
            track = None
        if track is None:
            raise StudentNotFound()
    try:
        return students_reachable_by(service=service, track=track, now=now).get(pk=pk)
    except (Student.DoesNotExist, ValueError, TypeError):
        raise StudentNotFound() from None


# Whether another service's acceptance of student `s` is committed (params: the accepted
# status, the service's id); matching.services reads it in its lock statement too.
TAKEN_SQL = (
    f"EXISTS (SELECT 1 FROM {Decision._meta.db_table} d"
    " WHERE d.student_id = s.id AND d.status = %s AND d.service_id <> %s)"
)


def placed_elsewhere(
    *, service: Service, pk, now=None, track: str | None = None, round=_UNSET
) -> bool:
    """Whether `service` would see this student but for another service's acceptance.

    Lets the loser of a first-accept-wins race get a clear message instead of a 404; it
    reveals only that a student it could see was placed, never by whom. `track`: the
    student's own track when the caller read it already (saves a query); `round`: the
    round in force of that track at `now`, when the caller looked it up already."""
    now = now or timezone.now()
    if track is None:
        try:
            track = Student.objects.only("pk", "track").get(pk=pk).track
        except (Student.DoesNotExist, ValueError, TypeError):
            return False
    if round is _UNSET:
        _year, round = year_and_round_in_force(track=track, now=now)
    q = visible_q(service=service, round=round, now=now, include_placed=True)
    return Student.objects.filter(q, pk=pk).placed().exists()


def with_service_decision(qs: QuerySet[Student], *, service: Service) -> QuerySet[Student]:
    """Annotate each student with this service's own status (None = undecided)."""
    own = Decision.objects.filter(student=OuterRef("pk"), service_id=service.pk)
    return qs.annotate(
        own_status=Subquery(own.values("status")[:1]),
        own_decision_id=Subquery(own.values("pk")[:1]),
    )


def for_listing(qs: QuerySet[Student]) -> QuerySet[Student]:
    """Everything a list row shows, in a bounded number of queries."""
    return qs.select_related("province", "school").prefetch_related(
        Prefetch("transport_modes", queryset=TransportMode.objects.order_by("position")),
        Prefetch("preferred_services", queryset=Service.objects.only("pk", "name")),
    )


# Province order is the reference order of the provinces (alphabetical by name, see
# matching.reference), so the default sort runs on an index of the student table alone.
ORDERINGS = {
    "default": ("province_id", "postcode", "last_name", "first_name", "pk"),
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "postcode": ("postcode", "last_name", "pk"),
    "-postcode": ("-postcode", "-last_name", "-pk"),
    "registered": ("registered_at", "pk"),
    "-registered": ("-registered_at", "-pk"),
    # Distance from the service (matching.geo); a student without a point comes last.
    "distance": (F("distance_sq").asc(nulls_last=True), "last_name", "pk"),
    "-distance": (F("distance_sq").desc(nulls_last=True), "-last_name", "-pk"),
}
DISTANCE_ORDERS = ("distance", "-distance")


@dataclass(frozen=True)
class StudentFilters:
    name: str = ""
    provinces: tuple = ()  # province codes
    school: int | None = None
    postcode: str = ""
    transport_modes: tuple = ()  # transport mode codes
    within_km: float | None = None  # "binnen X km" of the service (matching.geo)
    order: str = "default"

    def apply(self, qs: QuerySet[Student], *, origin=None) -> QuerySet[Student]:
        """Filter and order; `origin` (the service) is where distances are measured from.
        Without a point of its own, "binnen X km" finds nobody and distance sorts by name."""
        qs = (
            qs.search_name(self.name)
            .in_provinces(reference.province_ids(self.provinces))
            .at_school(self.school)
            .with_postcode(self.postcode)
            .with_transport_modes(self.transport_modes)
        )
        order = self.order if self.order in ORDERINGS else "default"
        located = origin is not None and geo.has_location(origin)
        if located and (self.within_km is not None or order in DISTANCE_ORDERS):
            qs = qs.annotate(
                distance_sq=geo.squared_km_expression(origin.latitude, origin.longitude)
            )
            if self.within_km is not None:
                qs = qs.filter(distance_sq__lte=geo.within_squared(self.within_km))
        elif self.within_km is not None:
            return qs.none()
        elif order in DISTANCE_ORDERS:
            order = "name" if order == "distance" else "-name"
        return qs.order_by(*ORDERINGS[order])


def service_students(
    *,
    service: Service,
    track: str,
    tab: str,
    filters: StudentFilters,
    now=None,
    school_year=_UNSET,
    round=_UNSET,
) -> QuerySet[Student]:
    """The rows of one tab of a service's students screen, filtered and ordered."""
    if tab == "accepted":
        qs = students_accepted_by(service=service, track=track, now=now, school_year=school_year)
    else:
        qs = students_visible_to(service=service, track=track, now=now, round=round)
    qs = for_listing(with_service_decision(filters.apply(qs, origin=service), service=service))
    if track == Track.DUAL:
        qs = with_invitation_history(qs, service=service)
    return qs


def decision_of(*, service: Service, student: Student) -> Decision | None:
    return (
        Decision.objects.filter(service=service, student=student).select_related("mentor").first()
    )


def has_invited(*, service: Service, student: Student) -> bool:
    """Whether this service's history for the student holds `invited` (the dual rule)."""
    return StatusChange.objects.filter(
        service=service, student=student, to_status=Status.INVITED
    ).exists()


def allowed_statuses(*, service: Service, student: Student) -> list[str]:
    """The statuses this service may choose now for this student (DESIGN.md, Statuses)."""
    invited = student.track == Track.DUAL and has_invited(service=service, student=student)
    return allowed_statuses_for(track=student.track, invited=invited)


def allowed_statuses_for(*, track: str, invited: bool) -> list[str]:
    """`allowed_statuses` without a query: `invited` says whether the service's history for
    the student holds `invited` (only matters for dual)."""
    choices = list(STATUSES_FOR_TRACK[Track(track)])
    if track == Track.DUAL and not invited:
        choices = [c for c in choices if c not in DUAL_AFTER_INVITATION]
    return [str(c) for c in choices]


def with_invitation_history(qs: QuerySet[Student], *, service: Service) -> QuerySet[Student]:
    """Annotate `invited_before`: whether `service`'s history for the student holds
    `invited` (the dual rule of `has_invited`, for a whole list page, no query of its own)."""
    return qs.annotate(
        invited_before=Exists(
            StatusChange.objects.filter(
                service=service, student_id=OuterRef("pk"), to_status=Status.INVITED
            )
        )
    )


def personal_data_q() -> Q:
    """Rule 5 as a filter over students annotated by `with_service_decision`."""
    return Q(own_status__in=[str(s) for s in PERSONAL_DATA_STATUSES])


def personal_data_visible(*, status: str | None) -> bool:
    """Rule 5: personal data only while this service's status is invited or accepted."""
    return status in PERSONAL_DATA_STATUSES


def mentors_of(service: Service) -> QuerySet[ContactPerson]:
    return ContactPerson.objects.filter(service=service).order_by("name")


def status_counts(student_ids=None, *, student_range=None) -> dict[int, dict[str, int]]:
    """How often each status was chosen by services, per student, from the history.

    `student_range` (first_pk, last_pk) limits by an index range instead of an id list."""
    from django.db.models import Count

    qs = StatusChange.objects.all()
    if student_ids is not None:
        qs = qs.filter(student_id__in=student_ids)
    if student_range is not None:
        qs = qs.filter(student_id__gte=student_range[0], student_id__lte=student_range[1])
    counts: dict[int, dict[str, int]] = {}
    for row in qs.values("student_id", "to_status").annotate(n=Count("pk")).order_by():
        counts.setdefault(row["student_id"], {})[row["to_status"]] = row["n"]
    return counts


@dataclass(frozen=True)
class TrackRound:
    track: str
    round: Round | None


def round_summary_for_service(service: Service, now=None) -> list[TrackRound]:
    """Per track, the round in force now (for the dashboard greeting)."""
    now = now or timezone.now()
    return [TrackRound(track, round_in_force(track=track, now=now)) for track in Track.values]


def undecided_counts(*, service: Service, now) -> dict[str, int]:
    """Per track with an open round: visible students without a decision of `service`."""
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


# Reads of the service's screens -------------------------------------------------------


def decisions_by_student(*, service: Service, student_ids) -> dict[int, Decision]:
    """`service`'s decisions on these students, with their mentor, by student id."""
    rows = Decision.objects.filter(service=service, student_id__in=student_ids)
    return {d.student_id: d for d in rows.select_related("mentor")}


def status_history(*, service: Service, student: Student) -> QuerySet[StatusChange]:
    """`service`'s own status changes of `student`, newest first."""
    return (
        StatusChange.objects.filter(service=service, student=student)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")
    )


def with_own_decisions(queryset: QuerySet[Student], *, service: Service) -> QuerySet[Student]:
    """Prefetch `service`'s decision (with mentor) of each student as `own_decisions`."""
    return queryset.prefetch_related(
        Prefetch(
            "decisions",
            queryset=Decision.objects.filter(service=service).select_related("mentor"),
            to_attr="own_decisions",
        )
    )


def contact_persons_reachable(*, service: Service | None, operator: bool):
    """The contact persons a login may reach: its own service's, every service's for an
    operator, none for anyone else."""
    if service is not None:
        return ContactPerson.objects.filter(service=service)
    if operator:
        return ContactPerson.objects.select_related("service")
    return ContactPerson.objects.none()
