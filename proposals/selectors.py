"""Reads of the proposals: when a proposal may be asked for, the problem the solver gets
(which pairs, how many places) and what became of each line.

Every rule a proposal respects is read from matching, where it lives: the round in force
(matching.timetable), which students a service may see (matching.selectors.visible_q),
refusals (the services' own statuses), free places (matching.capacity) and distances
(matching.geo). Nothing here decides them anew."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from matching import capacity, geo
from matching.models import Decision, Round, Service, Status, Student, Track
from matching.selectors import visible_q
from matching.timetable import round_in_force

from .models import ProposalLine, ProposalRun
from .solver import Pair

# A service that gave one of these statuses refused the student: never proposed again.
REFUSED_STATUSES = (Status.NOT_ACCEPTED, Status.NOT_INVITED, Status.NO_SHOW)
# The round from which proposals may be asked for (the operator decides when, after that).
PROPOSAL_ROUND = 3
# How far each transport mode reasonably takes a student to a placement (km); a mode
# "fits" a pair when it reaches that far. The shortest fitting one is named as the reason.
TRANSPORT_REACH_KM = {
    "te-voet": 3,
    "fiets": 15,
    "bromfiets": 25,
    "openbaar-vervoer": 40,
    "auto": 80,
}


def proposal_round(*, track: str, now=None) -> Round | None:
    """The round in force for `track` if proposals may be asked for now: round 3 (or a
    later one) has started. The dual track, which places after an interview and has no
    round 3, gets none."""
    if track == Track.DUAL:
        return None
    current = round_in_force(track=track, now=now or timezone.now())
    if current is None or current.number < PROPOSAL_ROUND:
        return None
    return current


def fitting_transport(codes, km) -> str | None:
    """The student's transport mode (code) with the shortest reach that covers `km`."""
    if km is None:
        return None
    fitting = [c for c in codes if TRANSPORT_REACH_KM.get(c, -1) >= km]
    return min(fitting, key=lambda c: TRANSPORT_REACH_KM[c]) if fitting else None


@dataclass
class Problem:
    """What the solver gets, with what a line needs to say why."""

    pairs: list[Pair] = field(default_factory=list)
    free_places: dict[int, int] = field(default_factory=dict)
    student_ids: set[int] = field(default_factory=set)
    transport: dict[tuple[int, int], str | None] = field(default_factory=dict)


def refused_pairs(*, school_year, track: str) -> set[tuple[int, int]]:
    """(student, service) pairs the service refused with a status, or declined in an
    earlier proposal of the year."""
    statuses = Decision.objects.filter(
        status__in=REFUSED_STATUSES, student__school_year=school_year, student__track=track
    ).values_list("student_id", "service_id")
    declined = ProposalLine.objects.filter(
        state=ProposalLine.State.DECLINED, run__school_year=school_year, run__track=track
    ).values_list("student_id", "service_id")
    return set(statuses) | set(declined)


def proposal_problem(*, round_: Round, now) -> Problem:
    """The pairs a proposal for `round_`'s track may use at `now`: every active service with
    free places, and each unplaced student it may see under the round's rules, minus the
    pairs it refused. A service that stated no capacity has no free places."""
    school_year, track = round_.school_year, round_.track
    places = capacity.places_by_service(school_year=school_year, track=track)
    free = {pk: p.free for pk, p in places.items() if p.free}
    services = list(
        Service.objects.filter(pk__in=list(free), is_active=True).only(
            "pk", "latitude", "longitude", "location_precision"
        )
    )
    problem = Problem(free_places={s.pk: free[s.pk] for s in services})
    if not services:
        return problem
    refused = refused_pairs(school_year=school_year, track=track)
    candidates = Student.objects.filter(visible_q(service=None, round=round_, now=now))
    students = {
        s.pk: s
        for s in candidates.only(
            "pk", "latitude", "longitude", "location_precision"
        ).prefetch_related("transport_modes", "preferred_services")
    }
    modes = {pk: [m.code for m in s.transport_modes.all()] for pk, s in students.items()}
    preferred = {pk: {p.pk for p in s.preferred_services.all()} for pk, s in students.items()}
    for service in services:
        visible = Student.objects.filter(visible_q(service=service, round=round_, now=now))
        for pk in visible.values_list("pk", flat=True):
            student = students.get(pk)
            if student is None or (pk, service.pk) in refused:
                continue
            distance = geo.distance_between(student, service)
            km = None if distance is None else round(distance.km)
            mode = fitting_transport(modes[pk], km)
            problem.pairs.append(
                Pair(
                    student=pk,
                    service=service.pk,
                    preferred=service.pk in preferred[pk],
                    distance_km=km,
                    transport_fits=mode is not None,
                )
            )
            problem.transport[(pk, service.pk)] = mode
            problem.student_ids.add(pk)
    return problem


def open_run(*, school_year, track: str) -> ProposalRun | None:
    """The run of this year and track that is not closed (a draft or one sent), if any."""
    return (
        ProposalRun.objects.filter(school_year=school_year, track=track)
        .exclude(status=ProposalRun.Status.CLOSED)
        .first()
    )


def runs_with_year() -> QuerySet[ProposalRun]:
    """Every proposal run, with its school year (one run's page names it)."""
    return ProposalRun.objects.select_related("school_year")


def runs(*, school_year, track: str | None = None) -> QuerySet[ProposalRun]:
    qs = ProposalRun.objects.filter(school_year=school_year)
    if track:
        qs = qs.filter(track=track)
    return qs.annotate(line_count=Count("lines", filter=~Q(lines__state="dropped")))


# Outcomes -----------------------------------------------------------------------------

OPEN = "open"
PLACED_ELSEWHERE = ProposalLine.State.SUPERSEDED.value


def with_placement(lines: QuerySet[ProposalLine]) -> QuerySet[ProposalLine]:
    """Annotate `placed_by`: the service that holds the line's student accepted, if any."""
    accepted = Decision.objects.filter(student=OuterRef("student_id"), status=Status.ACCEPTED)
    return lines.annotate(placed_by=Subquery(accepted.values("service_id")[:1]))


def line_outcome(line: ProposalLine, *, now) -> str:
    """What became of a line (annotated by `with_placement`): its frozen state, or for a
    line still proposed: accepted (its service placed the student, also from its list),
    placed elsewhere, expired (the deadline passed) or open."""
    if line.state != ProposalLine.State.PROPOSED:
        return line.state
    if line.placed_by == line.service_id:
        return ProposalLine.State.ACCEPTED.value
    if line.placed_by is not None:
        return PLACED_ELSEWHERE
    run = line.run
    if run.status == ProposalRun.Status.DRAFT:
        return ProposalLine.State.PROPOSED.value
    if run.deadline is not None and now >= run.deadline:
        return ProposalLine.State.EXPIRED.value
    return OPEN


def run_lines(run: ProposalRun) -> QuerySet[ProposalLine]:
    """A run's lines with what its screens show, by province, service and name."""
    return with_placement(
        run.lines.select_related(
            "run", "service", "student__province", "student__school", "transport_mode"
        )
    ).order_by("student__province__name", "service__name", "student__last_name", "pk")


def outcome_counts(lines, *, now) -> dict[str, dict[str, int]]:
    """{province name: {outcome: count}} over `lines` (annotated), dropped lines aside."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        if line.state == ProposalLine.State.DROPPED:
            continue
        counts[line.student.province.name][line_outcome(line, now=now)] += 1
    return {name: dict(per) for name, per in sorted(counts.items())}


def lines_for_service(*, service: Service) -> QuerySet[ProposalLine]:
    """The lines a service may open: its own, of runs that were sent. Any other id is a 404
    (the same as one that does not exist)."""
    return with_placement(
        ProposalLine.objects.filter(service=service)
        .exclude(run__status=ProposalRun.Status.DRAFT)
        .exclude(state=ProposalLine.State.DROPPED)
        .select_related("run", "student__province", "student__school", "transport_mode")
        .prefetch_related("student__transport_modes")
    ).order_by("-run__sent_at", "student__last_name", "student__first_name", "pk")
