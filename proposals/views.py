"""Screens of the proposals: the operator's (ask, review, drop, send, follow, close) and the
service's "Voorstellen" (accept or decline before the deadline). Thin: selectors read,
services change, their Dutch errors are shown with `messages`."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import set_no_store
from core.roles import is_operator
from matching.errors import DomainError
from matching.memberships import service_for_user
from matching.models import Track
from matching.selectors import school_year_current
from matching.workspace_selectors import mentors_for_login

from . import selectors, services
from .models import ProposalLine, ProposalRun
from .wording import OUTCOME_LABELS, line_reasons

PROPOSAL_TRACKS = (Track.SECONDARY, Track.ADULT)
DEFAULT_ANSWER_DAYS = 3


def operator_required(view):
    def wrapped(request, *args, **kwargs):
        if not is_operator(request.user):
            raise PermissionDenied
        return set_no_store(view(request, *args, **kwargs))

    wrapped.__name__ = view.__name__
    return wrapped


def service_required(view):
    def wrapped(request, *args, **kwargs):
        service = service_for_user(request.user)
        if service is None:
            raise PermissionDenied
        return set_no_store(view(request, service, *args, **kwargs))

    wrapped.__name__ = view.__name__
    return wrapped


def _error(request, exc: DomainError):
    messages.error(request, str(exc.message))


# Operator ---------------------------------------------------------------------------


@operator_required
def run_index(request):
    now = timezone.now()
    school_year = school_year_current(now)
    tracks = []
    for track in PROPOSAL_TRACKS:
        round_ = selectors.proposal_round(track=track, now=now)
        open_run = selectors.open_run(school_year=school_year, track=track) if school_year else None
        tracks.append(
            {
                "track": track,
                "label": Track(track).label,
                "round": round_,
                "open_run": open_run,
                "can_create": round_ is not None
                and (
                    open_run is None
                    or (open_run.status == ProposalRun.Status.SENT and open_run.deadline <= now)
                ),
            }
        )
    run_list = selectors.runs(school_year=school_year) if school_year else []
    return TemplateResponse(
        request,
        "proposals/operator_index.html",
        {"tracks": tracks, "runs": run_list, "school_year": school_year, "now": now},
    )


@require_POST
@operator_required
def run_create(request, track):
    if track not in PROPOSAL_TRACKS:
        raise Http404
    try:
        run = services.proposal_run_create(track=track, user=request.user)
    except DomainError as exc:
        _error(request, exc)
        return redirect("proposals:index")
    messages.success(
        request,
        _("Voorstel %(number)s werd berekend: %(count)s leerlingen bij een dienst geplaatst.")
        % {"number": run.number, "count": run.lines.count()},
    )
    return redirect("proposals:run", run.pk)


def _default_deadline(now) -> dt.datetime:
    local = timezone.localtime(now) + dt.timedelta(days=DEFAULT_ANSWER_DAYS)
    return local.replace(hour=12, minute=0, second=0, microsecond=0)


@operator_required
def run_detail(request, pk):
    run = get_object_or_404(selectors.runs_with_year(), pk=pk)
    now = timezone.now()
    lines = list(selectors.run_lines(run))
    rows = [
        {
            "line": line,
            "outcome": selectors.line_outcome(line, now=now),
            "outcome_label": OUTCOME_LABELS[selectors.line_outcome(line, now=now)],
            "reasons": line_reasons(line),
        }
        for line in lines
    ]
    shown = [r for r in rows if r["line"].state != ProposalLine.State.DROPPED]
    counts = selectors.outcome_counts(lines, now=now)
    outcome_keys = list(OUTCOME_LABELS)
    totals = {key: sum(per.get(key, 0) for per in counts.values()) for key in outcome_keys}
    used = [key for key in outcome_keys if totals[key]]
    return TemplateResponse(
        request,
        "proposals/operator_run.html",
        {
            "run": run,
            "rows": shown,
            "dropped": len(rows) - len(shown),
            "province_rows": [
                {
                    "name": name,
                    "counts": [per.get(key, 0) for key in used],
                    "total": sum(per.values()),
                }
                for name, per in counts.items()
            ],
            "outcome_columns": [(key, OUTCOME_LABELS[key]) for key in used],
            "totals": [totals[key] for key in used],
            "total": len(shown),
            "default_deadline": timezone.localtime(_default_deadline(now)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "can_close": run.status == ProposalRun.Status.SENT,
            "deadline_passed": run.deadline is not None and run.deadline <= now,
        },
    )


@require_POST
@operator_required
def line_drop(request, pk, line_pk):
    run = get_object_or_404(ProposalRun, pk=pk)
    try:
        services.proposal_line_drop(run=run, line_id=line_pk, user=request.user)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("De regel werd uit het voorstel geschrapt."))
    return redirect("proposals:run", run.pk)


@require_POST
@operator_required
def run_send(request, pk):
    run = get_object_or_404(ProposalRun, pk=pk)
    raw = request.POST.get("deadline", "")
    deadline = parse_datetime(raw) if raw else None
    if deadline is None:
        messages.error(request, _("Geef een geldige uiterste antwoorddatum in."))
        return redirect("proposals:run", run.pk)
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    try:
        told = services.proposal_run_send(run=run, deadline=deadline, user=request.user)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("Het voorstel werd verstuurd: %(count)s diensten kregen een e-mail.")
            % {"count": told},
        )
    return redirect("proposals:run", run.pk)


@require_POST
@operator_required
def run_close(request, pk):
    run = get_object_or_404(ProposalRun, pk=pk)
    try:
        services.proposal_run_close(run=run, user=request.user)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Het voorstel werd afgesloten."))
    return redirect("proposals:run", run.pk)


# Service ----------------------------------------------------------------------------


@service_required
def service_index(request, service):
    now = timezone.now()
    mentors, default_mentor = mentors_for_login(service=service, user=request.user)
    rows = []
    for line in selectors.lines_for_service(service=service):
        outcome = selectors.line_outcome(line, now=now)
        student = line.student
        rows.append(
            {
                "line": line,
                "student": student,
                "outcome": outcome,
                "outcome_label": OUTCOME_LABELS[outcome],
                "reasons": line_reasons(line),
                "transport": ", ".join(m.name for m in student.transport_modes.all()),
                "start": student.requested_start.isoformat() if student.requested_start else "",
                "end": student.requested_end.isoformat() if student.requested_end else "",
            }
        )
    open_rows = [r for r in rows if r["outcome"] == selectors.OPEN]
    done_rows = [r for r in rows if r["outcome"] != selectors.OPEN]
    return TemplateResponse(
        request,
        "proposals/service_index.html",
        {
            "service": service,
            "open_rows": open_rows,
            "done_rows": done_rows,
            "mentors": mentors,
            "default_mentor": default_mentor,
            "is_dual": False,
        },
    )


def _service_line(service, line_pk):
    """The service's own sent line or a 404: another service's id looks like none."""
    line = selectors.lines_for_service(service=service).filter(pk=line_pk).first()
    if line is None:
        raise Http404(_("Dit voorstel werd niet gevonden."))
    return line


@require_POST
@service_required
def service_accept(request, service, line_pk):
    line = _service_line(service, line_pk)
    mentor_id = request.POST.get("mentor", "")
    mentor = None
    if mentor_id.isdigit():
        mentor = service.contact_persons.filter(pk=mentor_id).first()
    try:
        services.proposal_accept(
            service=service,
            line_id=line.pk,
            user=request.user,
            mentor=mentor,
            period_start=parse_date(request.POST.get("period_start", "") or "") or None,
            period_end=parse_date(request.POST.get("period_end", "") or "") or None,
            note=request.POST.get("note", "")[:2000],
        )
    except DomainError as exc:
        messages.error(
            request,
            _("%(name)s: %(message)s") % {"name": line.student.full_name, "message": exc.message},
        )
    except ValueError:
        messages.error(request, _("Geef geldige data in voor de stageperiode."))
    else:
        messages.success(request, _("%(name)s werd aanvaard.") % {"name": line.student.full_name})
    return redirect(reverse("proposals_service:index") + f"#p-{line.pk}")


@require_POST
@service_required
def service_decline(request, service, line_pk):
    line = _service_line(service, line_pk)
    try:
        services.proposal_decline(
            service=service,
            line_id=line.pk,
            user=request.user,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(
            request,
            _("%(name)s: %(message)s") % {"name": line.student.full_name, "message": exc.message},
        )
    else:
        messages.success(
            request,
            _("Het voorstel voor %(name)s werd geweigerd.") % {"name": line.student.full_name},
        )
    return redirect(reverse("proposals_service:index") + f"#p-{line.pk}")
