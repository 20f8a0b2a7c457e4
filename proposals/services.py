"""State changes of the proposals. Views and tasks call these.

Accepting a proposed student is an acceptance like any other: `proposal_accept` calls
matching.services.decision_set_status, whose partial unique index decides first-accept-wins
between a proposal's acceptance and one from the service's ordinary list; there is no
second accept rule here."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.errors import DomainError
from matching.models import ContactPerson, Decision, Service, Status, TransportMode
from matching.services import ALREADY_PLACED, decision_set_status

from . import selectors
from .mailings import notify_services_of_proposal
from .models import ProposalLine, ProposalRun
from .solver import solve

NOT_FOUND = gettext_lazy("Dit voorstel werd niet gevonden.")


class LineNotFound(DomainError):
    """The same answer for another service's line and for an id that does not exist."""


def _freeze_open_lines(run: ProposalRun, *, now) -> None:
    """Write down what became of the run's lines still `proposed` (the clock and the
    acceptances decide it while the run is open)."""
    for line in selectors.with_placement(run.lines.filter(state=ProposalLine.State.PROPOSED)):
        line.run = run
        outcome = selectors.line_outcome(line, now=now)
        if outcome == selectors.OPEN:
            outcome = ProposalLine.State.EXPIRED
        ProposalLine.objects.filter(pk=line.pk).update(state=outcome)


@transaction.atomic
def proposal_run_close(*, run: ProposalRun, user=None, now=None) -> ProposalRun:
    """Close a run: lines without an answer expire (or read as placed elsewhere or accepted
    when that happened meanwhile). A draft that is closed was never sent: its lines stay
    proposed, nobody saw them."""
    now = now or timezone.now()
    run = ProposalRun.objects.select_for_update().get(pk=run.pk)
    if run.status == ProposalRun.Status.CLOSED:
        raise DomainError(_("Dit voorstel is al afgesloten."))
    if run.status == ProposalRun.Status.SENT:
        _freeze_open_lines(run, now=now)
    else:
        run.lines.filter(state=ProposalLine.State.PROPOSED).update(state=ProposalLine.State.DROPPED)
    run.status = ProposalRun.Status.CLOSED
    run.closed_at = now
    run.save(update_fields=["status", "closed_at"])
    return run


@transaction.atomic
def proposal_run_create(*, track: str, user, now=None) -> ProposalRun:
    """Compute a new proposal (a draft) for the unplaced students of `track`.

    Only once round 3 is in force (selectors.proposal_round). A previous run whose deadline
    passed is closed first; a draft or a run still waiting for answers is refused, so no
    place is offered twice. The solver places as many students as possible, then prefers
    their preferred services, shorter distances and a fitting transport mode, and never
    uses a refused or earlier declined pair (proposals.solver, selectors.proposal_problem).
    """
    now = now or timezone.now()
    round_ = selectors.proposal_round(track=track, now=now)
    if round_ is None:
        raise DomainError(
            _("Een voorstel kan pas gevraagd worden zodra ronde 3 voor dit type leerling loopt.")
        )
    school_year = round_.school_year
    previous = (
        ProposalRun.objects.select_for_update()
        .filter(school_year=school_year, track=track)
        .exclude(status=ProposalRun.Status.CLOSED)
        .first()
    )
    if previous is not None:
        if previous.status == ProposalRun.Status.DRAFT:
            raise DomainError(
                _(
                    "Er is al een conceptvoorstel voor dit type leerling. "
                    "Verstuur of sluit het eerst."
                )
            )
        if previous.deadline > now:
            raise DomainError(_("Het vorige voorstel wacht nog op antwoorden. Sluit het eerst af."))
        proposal_run_close(run=previous, user=user, now=now)
    problem = selectors.proposal_problem(round_=round_, now=now)
    chosen = solve(problem.pairs, problem.free_places)
    number = (
        ProposalRun.objects.filter(school_year=school_year, track=track).aggregate(n=Max("number"))[
            "n"
        ]
        or 0
    ) + 1
    run = ProposalRun.objects.create(
        school_year=school_year,
        track=track,
        number=number,
        created_by=user,
        created_at=now,
        students_considered=len(problem.student_ids),
        places_free=sum(problem.free_places.values()),
    )
    modes = dict(TransportMode.objects.values_list("code", "pk"))
    ProposalLine.objects.bulk_create(
        [
            ProposalLine(
                run=run,
                student_id=pair.student,
                service_id=pair.service,
                preferred=pair.preferred,
                distance_km=pair.distance_km,
                transport_mode_id=modes.get(problem.transport.get((pair.student, pair.service))),
            )
            for pair in chosen
        ],
        batch_size=1000,
    )
    return run


@transaction.atomic
def proposal_line_drop(*, run: ProposalRun, line_id: int, user=None) -> ProposalLine:
    """Take a line out of a draft before it is sent (the pair stays proposable later)."""
    run = ProposalRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ProposalRun.Status.DRAFT:
        raise DomainError(_("Enkel een voorstel dat nog niet verstuurd is, kan aangepast worden."))
    line = run.lines.filter(pk=line_id, state=ProposalLine.State.PROPOSED).first()
    if line is None:
        raise LineNotFound(NOT_FOUND)
    line.state = ProposalLine.State.DROPPED
    line.save(update_fields=["state"])
    return line


@transaction.atomic
def proposal_run_send(*, run: ProposalRun, deadline: dt.datetime, user, now=None) -> int:
    """Send a draft: each service with proposed students gets one mail (to each of its
    logins, through the outbox, in this transaction) and the deadline for its answers.
    Returns the number of services told."""
    now = now or timezone.now()
    run = ProposalRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ProposalRun.Status.DRAFT:
        raise DomainError(_("Dit voorstel werd al verstuurd."))
    if deadline <= now:
        raise DomainError(_("Kies een uiterste antwoorddatum in de toekomst."), field="deadline")
    lines = run.lines.filter(state=ProposalLine.State.PROPOSED)
    counts: dict[int, int] = {}
    for service_id in lines.values_list("service_id", flat=True):
        counts[service_id] = counts.get(service_id, 0) + 1
    if not counts:
        raise DomainError(_("Dit voorstel bevat geen enkele leerling om te versturen."))
    run.status = ProposalRun.Status.SENT
    run.sent_by, run.sent_at, run.deadline = user, now, deadline
    run.save(update_fields=["status", "sent_by", "sent_at", "deadline"])
    services = Service.objects.filter(pk__in=list(counts)).order_by("pk")
    notify_services_of_proposal(run=run, counts={s: counts[s.pk] for s in services})
    return len(counts)


def _line_for_answer(*, service: Service, line_id, now) -> ProposalLine:
    line = (
        ProposalLine.objects.select_for_update()
        .filter(pk=line_id, service=service)
        .exclude(run__status=ProposalRun.Status.DRAFT)
        .select_related("run")
        .first()
        if str(line_id).isdigit()
        else None
    )
    if line is None or line.state == ProposalLine.State.DROPPED:
        raise LineNotFound(NOT_FOUND)
    if line.state == ProposalLine.State.EXPIRED:
        raise DomainError(_("De termijn om op dit voorstel te antwoorden is verstreken."))
    if line.state != ProposalLine.State.PROPOSED:
        raise DomainError(_("Op dit voorstel werd al geantwoord."))
    if line.run.status != ProposalRun.Status.SENT or now >= line.run.deadline:
        raise DomainError(_("De termijn om op dit voorstel te antwoorden is verstreken."))
    return line


def proposal_accept(
    *,
    service: Service,
    line_id,
    user,
    mentor: ContactPerson | None,
    period_start: dt.date | None,
    period_end: dt.date | None,
    note: str = "",
    now=None,
) -> ProposalLine:
    """Accept a proposed student, before the deadline, through the one acceptance of the
    product (decision_set_status: visibility, mentor and period, first accept wins, the
    history row and the school's mail). If another service was first, its Dutch refusal
    comes back unchanged and nothing of this line changes.

    The acceptance runs as its own transaction, exactly as from the service's list (not
    nested in a savepoint: its row and advisory locks then behave as in every other race);
    the line is marked afterwards. Should that second step be lost, the line still reads
    as accepted: its outcome follows the acceptance (selectors.line_outcome)."""
    now = now or timezone.now()
    with transaction.atomic():
        line = _line_for_answer(service=service, line_id=line_id, now=now)
    decision_set_status(
        service=service,
        student_id=line.student_id,
        status=Status.ACCEPTED,
        user=user,
        mentor=mentor,
        period_start=period_start,
        period_end=period_end,
        note=note,
        now=now,
    )
    with transaction.atomic():
        ProposalLine.objects.filter(pk=line.pk, state=ProposalLine.State.PROPOSED).update(
            state=ProposalLine.State.ACCEPTED, answered_by=user, answered_at=now
        )
    line.refresh_from_db()
    return line


@transaction.atomic
def proposal_decline(*, service: Service, line_id, user, reason: str, now=None) -> ProposalLine:
    """Decline a proposed student with a reason, before the deadline. The pair is never
    proposed again this school year; the service's status for the student is left as it
    was (declining a proposal is not a status)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Geef een reden op om dit voorstel te weigeren."), field="reason")
    line = _line_for_answer(service=service, line_id=line_id, now=now)
    placed = Decision.objects.filter(student_id=line.student_id, status=Status.ACCEPTED)
    if placed.exclude(service=service).exists():
        raise DomainError(ALREADY_PLACED)
    if placed.filter(service=service).exists():
        raise DomainError(_("Op dit voorstel werd al geantwoord."))
    line.state = ProposalLine.State.DECLINED
    line.decline_reason = reason[:1000]
    line.answered_by, line.answered_at = user, now
    line.save(update_fields=["state", "decline_reason", "answered_by", "answered_at"])
    return line
