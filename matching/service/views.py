"""The service workspace: students per track, "Meer info", status changes and exports.

Thin views: every student read goes through matching.selectors, every change through
matching.services; a student outside the service's reach is a 404 whatever the URL."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import export_response
from core.http import set_no_store
from matching import capacity, geo, selectors, services, workspace_selectors
from matching.columns import Extra, registrable_cells, student_columns
from matching.memberships import service_for_user
from matching.models import (
    Decision,
    PersonalDataAccess,
    Status,
    Track,
)
from matching.service.forms import PAGE_SIZES, StudentFilterForm
from matching.timetable import year_and_round_in_force
from matching.validators import format_nrn, format_phone

TRACK_SLUGS = {
    Track.SECONDARY: "secondary",
    Track.ADULT: "adult",
    Track.DUAL: "dual",
}
TRACK_TITLES = {
    Track.SECONDARY: gettext_lazy("Secundair onderwijs"),
    Track.ADULT: gettext_lazy("Volwassenenonderwijs"),
    Track.DUAL: gettext_lazy("Duaal leren"),
}
TRACK_ICONS = {Track.SECONDARY: "group", Track.ADULT: "clipboard-list", Track.DUAL: "tasks"}
STATUS_LABELS = dict(Status.choices)
EXPORT_CHUNK = 2000
TYPED_FILTERS = ("q", "postcode", "within")


def current_service(request):
    """The service of the signed-in user, looked up once per request."""
    if not hasattr(request, "_matching_service"):
        request._matching_service = service_for_user(request.user)
    return request._matching_service


def service_required(view):
    """Only a login that works for a service gets in (else 403); the view gets the service."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        service = current_service(request)
        if service is None:
            raise PermissionDenied
        response = view(request, service, *args, **kwargs)
        set_no_store(response)  # no-store: student data must sit in no cache
        return response

    return wrapped


def _track(slug: str) -> str:
    if slug not in Track.values:
        raise Http404
    return slug


def _list_url(track: str) -> str:
    return reverse("service_students", args=[track])


def _safe_next(request, value: str | None, default: str) -> str:
    if (
        value
        and value.startswith("/")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return default


def _status_label(status: str | None) -> str:
    return str(STATUS_LABELS.get(status or Status.UNDECIDED, status))


def distance_label(distance) -> str:
    """ "12 km", "± 12 km" when a postcode was placed approximately, "" without a point."""
    if distance is None:
        return ""
    km = round(distance.km)
    text = _("< 1 km") if km < 1 else _("%(km)s km") % {"km": km}
    return f"± {text}" if distance.approximate else text


def status_labels() -> dict[str, str]:
    """Every status's label in the active language: a list translates them once, not once
    per row and option."""
    return {value: str(label) for value, label in STATUS_LABELS.items()}


class Row:
    """One student line of the list, with what its in-place status form needs."""

    def __init__(self, student, *, service, invited: bool, decision: Decision | None, labels=None):
        labels = labels or status_labels()
        self.student = student
        self.status = student.own_status or Status.UNDECIDED
        self.status_label = labels.get(self.status, self.status)
        self.decision = decision
        self.preferred = any(s.pk == service.pk for s in student.preferred_services.all())
        self.transport = ", ".join(m.name for m in student.transport_modes.all())
        self.distance = geo.distance_between(service, student)
        self.distance_label = distance_label(self.distance)
        invited = invited or self.status == Status.INVITED
        self.allowed = [
            (value, labels.get(value, value))
            for value in selectors.allowed_statuses_for(track=student.track, invited=invited)
        ]


def _rows(service, students) -> list[Row]:
    students = list(students)
    ids = [s.pk for s in students]
    decisions = {}
    if any(s.own_status for s in students):
        decisions = selectors.decisions_by_student(service=service, student_ids=ids)
    labels = status_labels()
    # Dual lists come annotated with `invited_before` (selectors.with_invitation_history).
    return [
        Row(
            s,
            service=service,
            invited=getattr(s, "invited_before", False),
            decision=decisions.get(s.pk),
            labels=labels,
        )
        for s in students
    ]


def _sort_links(form, list_url: str, order: str) -> dict:
    """Per sortable column: the URL a click leads to and the current direction."""
    links = {}
    for key in ("name", "postcode", "distance", "registered"):
        if order == key:
            links[key] = {"url": list_url + form.querystring(order="-" + key, p=""), "dir": "asc"}
        elif order == "-" + key:
            links[key] = {"url": list_url + form.querystring(order=key, p=""), "dir": "desc"}
        else:
            links[key] = {"url": list_url + form.querystring(order=key, p=""), "dir": ""}
    return links


@service_required
def students_list(request, service, track):
    track = _track(track)
    now = timezone.now()
    from matching.service import workspace

    form = StudentFilterForm(request.GET)
    # A refused typed filter (postcode "8", "abcd") is said beside its field and nothing is
    # shown as if filtered: no rows, and the tab counts of the unfiltered lists. (A tampered
    # choice value still counts as "no filter" for that field.)
    filter_error = any(name in form.errors for name in TYPED_FILTERS)
    filters = StudentFilterForm({}).to_filters() if filter_error else form.to_filters()
    tab = form.current_tab
    # One look-up of the school year and the round in force, shared by tabs and banner.
    school_year, current_round = year_and_round_in_force(track=track, now=now)
    moment = {"now": now, "school_year": school_year, "round": current_round}
    queryset = selectors.service_students(
        service=service, track=track, tab=tab, filters=filters, **moment
    )
    paginator = Paginator(queryset, form.page_size)
    page = paginator.get_page(request.GET.get("p"))
    rows = [] if filter_error else _rows(service, page.object_list)
    mentors, default_mentor = workspace_selectors.mentors_for_login(
        service=service, user=request.user
    )
    retries = workspace.pop_retries(request)
    for row in rows:
        workspace.decorate_row(
            row,
            mentors=mentors,
            default_mentor_id=default_mentor,
            retry=retries.get(str(row.student.pk)),
        )

    other = "accepted" if tab == "open" else "open"
    other_base = (
        selectors.students_accepted_by(
            service=service, track=track, now=now, school_year=school_year
        )
        if other == "accepted"
        else selectors.students_visible_to(
            service=service, track=track, now=now, round=current_round
        )
    )
    counts = {
        tab: paginator.count,
        other: filters.apply(other_base, origin=service).order_by().count(),
    }
    list_url = _list_url(track)
    current_url = list_url + form.querystring(p=page.number if page.number > 1 else "")
    tabs = [
        {
            "key": key,
            "label": label,
            "count": counts[key],
            "url": list_url + form.querystring(tab=key),
            "active": key == tab,
        }
        for key, label in (("open", _("Zonder stageplaats")), ("accepted", _("Aanvaard door ons")))
    ]
    context = {
        "service": service,
        "track": track,
        "track_title": TRACK_TITLES[track],
        "header_icon": TRACK_ICONS[track],
        "page_title": TRACK_TITLES[track],
        "tab": tab,
        "tabs": tabs,
        "form": form,
        "page": page,
        "rows": rows,
        "mentors": mentors,
        "round": current_round,
        "filter_error": filter_error,
        "live_url": workspace.live_url(track) + form.querystring(),
        "live_interval": workspace.LIVE_INTERVAL_SECONDS,
        "list_url": list_url,
        "current_url": current_url,
        "page_links": [
            (n, list_url + form.querystring(p=n) if n != page.paginator.ELLIPSIS else None)
            for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ],
        "prev_url": list_url + form.querystring(p=page.previous_page_number())
        if page.has_previous()
        else None,
        "next_url": list_url + form.querystring(p=page.next_page_number())
        if page.has_next()
        else None,
        "sort_links": _sort_links(form, list_url, filters.order),
        "order": filters.order,
        "page_sizes": [(n, list_url + form.querystring(per_page=n, p="")) for n in PAGE_SIZES],
        "export_csv_url": reverse("service_students_export", args=[track])
        + form.querystring(format="csv"),
        "export_xlsx_url": reverse("service_students_export", args=[track])
        + form.querystring(format="xlsx"),
        "is_dual": track == Track.DUAL,
        "accepted_value": Status.ACCEPTED,
        "any_approximate": any(row.distance and row.distance.approximate for row in rows),
        "places": capacity.places_of(service=service, school_year=school_year, track=track)
        if school_year
        else None,
    }
    return TemplateResponse(request, "matching/service/students_list.html", context)


@service_required
def student_detail(request, service, pk):
    from matching.service import workspace

    student, placed = workspace_selectors.student_or_placed(service=service, pk=pk, detail=True)
    if placed:
        # Lost the race (or placed since the list was opened): say so, never a 404. Only
        # the fact and the name the list showed; no personal data, not who won.
        context = {
            "student": student,
            "track_title": TRACK_TITLES[student.track],
            "header_icon": TRACK_ICONS[student.track],
            "page_title": student.full_name,
            "message": services.ALREADY_PLACED,
            "back_url": _safe_next(request, request.GET.get("next"), _list_url(student.track)),
        }
        return TemplateResponse(request, "matching/service/student_placed.html", context)
    decision = selectors.decision_of(service=service, student=student)
    status = decision.status if decision else Status.UNDECIDED
    show_personal = selectors.personal_data_visible(status=status)
    if show_personal:
        services.personal_data_log(
            user=request.user,
            students=[student],
            context=PersonalDataAccess.Context.DETAIL,
            service=service,
        )
    history = selectors.status_history(service=service, student=student)
    back = _safe_next(request, request.GET.get("next"), _list_url(student.track))
    mentors, default_mentor = workspace_selectors.mentors_for_login(
        service=service, user=request.user
    )
    student.own_status = decision.status if decision else None
    # Dual: `invited_before` came with the student (selectors.with_detail).
    row = workspace.decorate_row(
        Row(
            student,
            service=service,
            invited=getattr(student, "invited_before", False),
            decision=decision,
        ),
        mentors=mentors,
        default_mentor_id=default_mentor,
        retry=workspace.pop_retries(request).get(str(student.pk)),
    )
    context = {
        "service": service,
        "row": row,
        "student": student,
        "track": student.track,
        "track_title": TRACK_TITLES[student.track],
        "header_icon": TRACK_ICONS[student.track],
        "page_title": student.full_name,
        "decision": decision,
        "status": status,
        "status_label": row.status_label,
        "show_personal": show_personal,
        "preferred": row.preferred,
        "history": [
            {
                "at": change.changed_at,
                "from": _status_label(change.from_status),
                "to": _status_label(change.to_status),
                "by": change.changed_by,
            }
            for change in history
        ],
        "allowed": row.allowed,
        "mentors": mentors,
        "back_url": back,
        "current_url": request.get_full_path(),
        "is_dual": student.track == Track.DUAL,
        "accepted_value": Status.ACCEPTED,
    }
    return TemplateResponse(request, "matching/service/student_detail.html", context)


# The service's export of a tab. Personal data (DESIGN.md rule 5) closes the row, filled
# only where the service's own status allows it; the student's list of preferred services
# is not shown, only whether it names this service; the track is the tab's.
PERSONAL_COLUMNS = (
    "national_register_number",
    "email",
    "phone",
    "supervisor_email",
    "supervisor_phone",
)
EXPORT_COLUMNS = student_columns(
    "last_name",
    "first_name",
    Extra("school", gettext_lazy("School")),
    "education",
    "postcode",
    "municipality",
    Extra("province", gettext_lazy("Provincie")),
    "transport_modes",
    Extra("preferred", gettext_lazy("Voorkeursdienst")),
    Extra("registered_at", gettext_lazy("Ingeschreven op")),
    "requested_start",
    "requested_end",
    "hours",
    "remarks",
    "supervisor_name",
    Extra("status", gettext_lazy("Status")),
    Extra("mentor", gettext_lazy("Stagementor")),
    Extra("period_start", gettext_lazy("Start stage")),
    Extra("period_end", gettext_lazy("Einde stage")),
    Extra("note", gettext_lazy("Notitie")),
    *PERSONAL_COLUMNS,
    withheld=("track", "preferred_services"),
)
# Written in their usual forms, which spreadsheets keep as text.
EXPORT_WRITTEN = {
    "national_register_number": format_nrn,
    "phone": format_phone,
    "supervisor_phone": format_phone,
}
_OPEN_FIELDS = [f for f in EXPORT_COLUMNS.fields if f not in PERSONAL_COLUMNS]


def _export_row(student, *, service, personal: bool) -> list:
    decision = student.own_decisions[0] if student.own_decisions else None
    status = student.own_status or Status.UNDECIDED
    cells = registrable_cells(student, _OPEN_FIELDS)
    if personal:
        cells.update(registrable_cells(student, PERSONAL_COLUMNS, EXPORT_WRITTEN))
    else:
        cells.update(dict.fromkeys(PERSONAL_COLUMNS, ""))
    cells.update(
        school=student.school.name,
        province=student.province.name,
        preferred=any(s.pk == service.pk for s in student.preferred_services.all()),
        registered_at=student.registered_at,
        status=_status_label(status),
        mentor=decision.mentor.name if decision and decision.mentor else "",
        period_start=decision.period_start if decision else None,
        period_end=decision.period_end if decision else None,
        note=decision.note if decision else "",
    )
    return EXPORT_COLUMNS.row(cells)


@service_required
def students_export(request, service, track):
    """The current tab with its filters, streamed; personal data only for the rows whose
    own status allows it, and those rows are logged before anything is sent."""
    track = _track(track)
    now = timezone.now()
    form = StudentFilterForm(request.GET)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    queryset = selectors.service_students(
        service=service, track=track, tab=form.current_tab, filters=form.to_filters(), now=now
    )
    personal_ids = services.personal_data_release(
        user=request.user,
        service=service,
        students=queryset,
        context=PersonalDataAccess.Context.EXPORT,
        now=now,
    )
    queryset = selectors.with_own_decisions(queryset, service=service)

    def rows():
        for student in queryset.iterator(chunk_size=EXPORT_CHUNK):
            # Both: released (and logged) before sending, and still allowed for this row.
            personal = student.pk in personal_ids and selectors.personal_data_visible(
                status=student.own_status
            )
            yield _export_row(student, service=service, personal=personal)

    tab_slug = "aanvaard" if form.current_tab == "accepted" else "zonder-stageplaats"
    filename = f"leerlingen-{TRACK_SLUGS[Track(track)]}-{tab_slug}-{now:%Y%m%d-%H%M}"
    return export_response(fmt, filename, EXPORT_COLUMNS.header(), rows(), title=tab_slug)
