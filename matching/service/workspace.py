"""The service workspace's in-place status change and its live list.

One status view serves the plain form (redirect back to the row, entered values kept in the
session on refusal) and the in-place form of static/matching/service_workspace.js (the row
re-rendered as JSON). Rules stay in matching.services / selectors / workspace_selectors."""

import hashlib

from django.contrib import messages
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from matching import selectors, services, workspace_selectors
from matching.errors import ConfirmationRequired, DomainError
from matching.models import Status, Track
from matching.service.forms import StatusForm, StudentFilterForm
from matching.service.views import Row, _safe_next, _status_label, _track, service_required

RETRY_SESSION_KEY = "sm_status_retry"
RETRY_FIELDS = ("status", "mentor", "period_start", "period_end", "note")
# How often an open list asks whether something changed (the brief: within 10 s).
LIVE_INTERVAL_SECONDS = 5
LIVE_MAX_IDS = 100


def wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "sm-status"


def _field_label(field: str | None) -> str:
    if not field or field not in StatusForm.base_fields:
        return ""
    return str(StatusForm.base_fields[field].label)


def named_message(student, message, field: str | None = None) -> str:
    """A refusal that says which student and which field it is about."""
    label = _field_label(field)
    name = f"{student.last_name}, {student.first_name}"
    if label:
        return _("%(name)s — %(field)s: %(message)s") % {
            "name": name,
            "field": label,
            "message": message,
        }
    return _("%(name)s: %(message)s") % {"name": name, "message": message}


def pop_retries(request) -> dict:
    """Entered values of refused plain-form submits, by student id (shown once)."""
    if RETRY_SESSION_KEY not in request.session:
        return {}
    return request.session.pop(RETRY_SESSION_KEY) or {}


def _remember_retry(request, pk, data: dict, **extra):
    retries = request.session.get(RETRY_SESSION_KEY) or {}
    retries[str(pk)] = {**{k: data.get(k) or "" for k in RETRY_FIELDS}, **extra}
    request.session[RETRY_SESSION_KEY] = retries


def decorate_row(row, *, mentors, default_mentor_id, retry=None, placed=False, notice=""):
    """What the status form of one row shows (list or detail): the saved decision, a
    refused attempt with every entered value and its message, or the safe defaults."""
    row.mentors = mentors
    row.placed = placed
    row.error = row.error_field = ""
    row.notice = notice
    row.confirm = False
    row.confirm_kind = ""
    row.selected = row.status
    row.values = workspace_selectors.accept_values(
        student=row.student,
        decision=row.decision,
        default_mentor_id=default_mentor_id,
        retry=retry,
    )
    if retry:
        if retry.get("status") in dict(row.allowed):
            row.selected = retry["status"]
        row.error = retry.get("error") or ""
        row.error_field = retry.get("field") or ""
        row.confirm = bool(retry.get("confirm"))
        # What is being confirmed: taking back an acceptance, or accepting beyond capacity.
        row.confirm_kind = "capacity" if retry.get("confirm") == "capacity" else "withdrawal"
    row.status_name = f"{row.student.last_name}, {row.student.first_name}"
    return row


def _row_for(service, user, pk, *, retry=None, placed=False, notice="", student=None):
    """One list row, annotated as the list annotates it."""
    if student is None:
        student = workspace_selectors.list_row_student(service=service, pk=pk)
    decision = selectors.decision_of(service=service, student=student)
    row = Row(
        student,
        service=service,
        invited=getattr(student, "invited_before", False),
        decision=decision,
    )
    mentors, default_mentor = workspace_selectors.mentors_for_login(service=service, user=user)
    return decorate_row(
        row,
        mentors=mentors,
        default_mentor_id=default_mentor,
        retry=retry,
        placed=placed,
        notice=notice,
    )


def _row_html(request, row, *, next_url) -> str:
    return render_to_string(
        "matching/service/_rows.html",
        {
            "rows": [row],
            "current_url": next_url,
            "accepted_value": Status.ACCEPTED,
            "is_dual": row.student.track == Track.DUAL,
        },
        request=request,
    )


def _answer(request, *, pk, outcome, message, level, back, row_kwargs=None, json_status=200):
    """JSON with the re-rendered row for the in-place form; else a message and a redirect
    back to the row (the page does not jump to the top)."""
    if wants_json(request):
        service = request._matching_service
        row = _row_for(service, request.user, pk, **(row_kwargs or {}))
        return JsonResponse(
            {
                "outcome": outcome,
                "message": message,
                "level": level,
                "html": _row_html(request, row, next_url=back),
            },
            status=json_status,
        )
    getattr(messages, level)(request, message)
    return redirect(f"{back}#s-{pk}" if "#" not in back else back)


# What the screen asks before a change decision_set_status answers with
# ConfirmationRequired (by its kind).
CONFIRMATION_QUESTIONS = {
    "withdrawal": gettext_lazy(
        "Bevestig dat u de aanvaarding intrekt: de school krijgt een mail, de "
        "stagementor en de stageperiode worden gewist en de leerling wordt opnieuw "
        "zichtbaar voor andere diensten."
    ),
    "capacity": gettext_lazy(
        "Alle plaatsen die uw dienst voor dit type leerling opgaf, zijn ingevuld. "
        "Bevestig dat u deze leerling toch aanvaardt: dat kan, en de beheerder ziet "
        "het in de cijfers."
    ),
}


@require_POST
@service_required
def student_status(request, service, pk):
    """The service decides (reachability, race, confirmations, rules: decision_set_status);
    this view parses the form and turns the answer into a page, a message or JSON. Only a
    refusal reads the student's name for its message."""
    back = _safe_next(request, request.POST.get("next"), reverse("wagtailadmin_home"))
    form = StatusForm(request.POST, mentors=selectors.mentors_of(service))
    raw = {k: request.POST.get(k, "") for k in RETRY_FIELDS}
    if not form.is_valid():
        # A 404 or "placed meanwhile" comes before any complaint about the form.
        student, placed = workspace_selectors.student_or_placed(service=service, pk=pk)
        if placed:
            return _placed(request, student, back)
        field = next(iter(form.errors), None)
        message = named_message(student, form.first_error(), field)
        return _refused(request, student, back, raw, message, field)
    data = form.cleaned_data
    try:
        decision = services.decision_set_status(
            service=service,
            student_id=pk,
            status=data["status"],
            user=request.user,
            mentor=data.get("mentor"),
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            note=data.get("note") or "",
            ask_first=request.POST.get("confirm") != "1",
        )
    except ConfirmationRequired as question:
        student = workspace_selectors.student_named(pk=pk)
        message = named_message(student, CONFIRMATION_QUESTIONS[question.kind])
        return _ask_confirmation(request, student, back, raw, message, kind=question.kind)
    except DomainError as error:
        student = workspace_selectors.student_named(pk=pk)
        if str(error.message) == str(services.ALREADY_PLACED):
            return _placed(request, student, back)
        message = named_message(student, error.message, error.field)
        return _refused(request, student, back, raw, message, error.field)
    message = _("%(name)s: status gewijzigd naar “%(status)s”.") % {
        "name": decision.student.full_name,
        "status": _status_label(decision.status),
    }
    return _answer(
        request,
        pk=pk,
        outcome="saved",
        message=message,
        level="success",
        back=back,
        row_kwargs={"notice": message},
    )


def _refused(request, student, back, raw, message, field):
    if not wants_json(request):
        _remember_retry(request, student.pk, raw, error=message, field=field or "")
    return _answer(
        request,
        pk=student.pk,
        outcome="error",
        message=message,
        level="error",
        back=back,
        row_kwargs={"retry": {**raw, "error": message, "field": field or ""}},
        json_status=422,
    )


def _ask_confirmation(request, student, back, raw, message, kind="withdrawal"):
    if not wants_json(request):
        _remember_retry(request, student.pk, raw, confirm=kind, error=message)
    return _answer(
        request,
        pk=student.pk,
        outcome="confirm",
        message=message,
        level="warning",
        back=back,
        row_kwargs={"retry": {**raw, "confirm": kind, "error": message}},
        json_status=409,
    )


def _placed(request, student, back):
    """The race is lost: the loser is told, on the page it lands on, without the winner."""
    message = named_message(student, services.ALREADY_PLACED)
    if wants_json(request):
        row = Row.__new__(Row)
        row.student, row.placed, row.message = student, True, message
        html = render_to_string("matching/service/_row_placed.html", {"row": row}, request=request)
        return JsonResponse(
            {"outcome": "placed", "message": message, "level": "error", "html": html},
            status=409,
        )
    messages.error(request, message)
    return redirect(back)


def _etag(*parts) -> str:
    return '"' + hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:20] + '"'


@require_GET
@service_required
def students_live(request, service, track):
    """The live list: `ids` are the students on the page. Answers 304 while nothing changed
    (the ETag is the change version, the service, the filters and the ids); else the tab
    counts and which shown students another service placed meanwhile."""
    track = _track(track)
    now = timezone.now()
    try:
        ids = [int(x) for x in request.GET.get("ids", "").split(",") if x][:LIVE_MAX_IDS]
    except ValueError:
        raise Http404 from None
    version = workspace_selectors.live_version(track=track, now=now)
    form = StudentFilterForm(request.GET)
    etag = _etag(version, service.pk, track, form.querystring(), ",".join(map(str, ids)))
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    filters = form.to_filters() if form.is_valid() else StudentFilterForm({}).to_filters()
    state = workspace_selectors.live_state(
        service=service, track=track, filters=filters, ids=ids, now=now
    )
    response = JsonResponse(
        {
            "counts": state.counts,
            "placed": state.placed,
            "gone": state.gone,
            "placed_text": str(services.ALREADY_PLACED),
            "gone_text": _("Deze leerling is niet meer beschikbaar."),
        }
    )
    response["ETag"] = etag
    return response


def live_url(track: str) -> str:
    return reverse("service_students_live", args=[track])


__all__ = [
    "LIVE_INTERVAL_SECONDS",
    "decorate_row",
    "live_url",
    "named_message",
    "pop_retries",
    "student_status",
    "students_live",
]
