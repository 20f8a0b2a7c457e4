"""The school workspace: its students (the form; the bulk file is in schoolimports) and
their placement.

Thin views: a login works for one school (guardian object permission); every student is
looked up within that school, so another school's id is a 404 like a missing one. Rules
live in matching.school.services, reads in matching.school.selectors."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from wagtail import hooks

from core.exports import export_response
from core.http import set_no_store
from matching import selectors as matching_selectors
from matching import services
from matching.blackout import Releases
from matching.columns import Extra, registrable_cells, student_columns
from matching.errors import DomainError
from matching.memberships import school_for_user
from matching.models import PersonalDataAccess, SchoolYear, Track
from matching.school import selectors as school_selectors
from matching.school import services as school_services
from matching.school.forms import RemarksForm, StudentFilterForm, StudentForm
from matching.validators import format_phone, mask_nrn

PAGE_SIZE = 100
TRACK_LABELS = dict(Track.choices)


def school_required(view):
    """Only a login that works for a school gets in (else 403); the view gets the school."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        school = school_for_user(request.user)
        if school is None:
            raise PermissionDenied
        response = view(request, school, *args, **kwargs)
        set_no_store(response)
        return response

    return wrapped


def page_context(title, **extra):
    return {"page_title": title, "header_title": title, "header_icon": "group", **extra}


def blackout_warning(school_year: SchoolYear | None, now) -> str:
    if school_year is None or not school_year.in_entry_blackout(now):
        return ""
    release = Releases(school_year).common_release()
    if release is None:
        return _(
            "Opgelet: tijdens de inschrijfstop (ronde 1) ingegeven leerlingen worden pas "
            "zichtbaar voor de diensten vanaf de start van ronde 3."
        )
    release = formats.date_format(timezone.localtime(release), "j F Y H:i")
    return _(
        "Opgelet: tijdens de inschrijfstop (ronde 1) ingegeven leerlingen worden pas zichtbaar "
        "voor de diensten vanaf %(date)s."
    ) % {"date": release}


# Overview ------------------------------------------------------------------------------


@school_required
def students_index(request, school):
    now = timezone.now()
    school_year = matching_selectors.school_year_current(now)
    filter_form = StudentFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {}
    students = school_selectors.filter_students(
        school_selectors.students_of_school(school=school, school_year=school_year), **filters
    )
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("p"))
    releases = Releases(school_year)
    rows = [_row(student, releases, now) for student in page.object_list]
    _log_school_display(request, [row["student"] for row in rows])
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "matching/school/students_index.html",
        page_context(
            _("Mijn leerlingen"),
            school=school,
            school_year=school_year,
            filter_form=filter_form,
            page=page,
            rows=rows,
            query=query.urlencode(),
            blackout_warning=blackout_warning(school_year, now),
            extra_actions=extra_actions(),
        ),
    )


# Apps above matching (the bulk import) add their buttons to the students page through
# this Wagtail hook: each function returns {"label", "url", "icon"}. matching names none.
STUDENTS_ACTIONS_HOOK = "register_school_students_action"


def extra_actions() -> list[dict]:
    return [action() for action in hooks.get_hooks(STUDENTS_ACTIONS_HOOK)]


def _log_school_display(request, students) -> None:
    """Every display of a student's personal data by the school is logged too."""
    if students:
        services.personal_data_log(
            user=request.user, students=students, context=PersonalDataAccess.Context.SCHOOL
        )


def _row(student, releases: Releases, now):
    acceptance = school_selectors.acceptance_of(student)
    return {
        "student": student,
        "track_label": TRACK_LABELS.get(student.track, student.track),
        "nrn": mask_nrn(student.national_register_number),
        "acceptance": acceptance,
        "waiting": releases.waiting(
            registered_at=student.registered_at, track=student.track, now=now
        ),
        "visible_from": releases.visible_from(
            registered_at=student.registered_at, track=student.track
        ),
    }


# The school's export: what it registered that identifies and places the student, and the
# placement. The contact details and the request it typed in itself stay on its screens.
EXPORT_COLUMNS = student_columns(
    "track",
    "first_name",
    "last_name",
    "national_register_number",
    "postcode",
    "municipality",
    "education",
    "transport_modes",
    "preferred_services",
    Extra("registered_at", gettext_lazy("Ingeschreven op")),
    Extra("visible_from", gettext_lazy("Zichtbaar vanaf")),
    Extra("placed", gettext_lazy("Stageplaats")),
    Extra("service", gettext_lazy("Dienst")),
    Extra("mentor", gettext_lazy("Stagementor")),
    Extra("mentor_phone", gettext_lazy("Telefoon stagementor")),
    Extra("mentor_email", gettext_lazy("E-mail stagementor")),
    Extra("period_start", gettext_lazy("Start stage")),
    Extra("period_end", gettext_lazy("Einde stage")),
    withheld=(
        "email",
        "phone",
        "supervisor_name",
        "supervisor_email",
        "supervisor_phone",
        "requested_start",
        "requested_end",
        "hours",
        "remarks",
    ),
)
# Masked as on the school's list: the number is never shown whole after registration.
EXPORT_WRITTEN = {"national_register_number": mask_nrn}


@school_required
@require_GET
def students_export(request, school):
    school_year = matching_selectors.school_year_current()
    filters = StudentFilterForm(request.GET).filters()
    students = school_selectors.filter_students(
        school_selectors.students_of_school(school=school, school_year=school_year), **filters
    )
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    releases = Releases(school_year)

    def rows():
        shown = []
        for student in students.iterator(chunk_size=1000):
            shown.append(student.pk)
            if len(shown) == 1000:
                # Logged as the rows are produced: what is written is shown.
                _log_school_display(request, shown)
                shown = []
            acceptance = school_selectors.acceptance_of(student)
            mentor = acceptance.mentor if acceptance else None
            yield EXPORT_COLUMNS.row(
                {
                    **registrable_cells(student, EXPORT_COLUMNS.fields, EXPORT_WRITTEN),
                    "registered_at": student.registered_at,
                    "visible_from": releases.visible_from(
                        registered_at=student.registered_at, track=student.track
                    ),
                    "placed": "ja" if acceptance else "nee",
                    "service": acceptance.service.name if acceptance else "",
                    "mentor": mentor.name if mentor else "",
                    "mentor_phone": format_phone(mentor.phone) if mentor else "",
                    "mentor_email": mentor.email if mentor else "",
                    "period_start": acceptance.period_start if acceptance else None,
                    "period_end": acceptance.period_end if acceptance else None,
                }
            )
        _log_school_display(request, shown)

    filename = f"leerlingen-{school.code}-{timezone.localdate():%Y%m%d}"
    return export_response(fmt, filename, EXPORT_COLUMNS.header(), rows(), title=_("Leerlingen"))


# One student ---------------------------------------------------------------------------


def _form_data(form) -> dict:
    return dict(form.cleaned_data)


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@school_required
def student_create(request, school):
    now = timezone.now()
    school_year = matching_selectors.school_year_current(now)
    form = StudentForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            student = school_services.student_register(
                school=school, user=request.user, data=_form_data(form), now=now
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s werd ingeschreven.") % {"name": student.full_name},
            )
            warning = blackout_warning(school_year, now)
            if warning:
                messages.warning(request, warning)
            if "add_another" in request.POST:
                return redirect("matching_school:student_add")
            return redirect("matching_school:index")
    return TemplateResponse(
        request,
        "matching/school/student_form.html",
        page_context(
            _("Leerling inschrijven"),
            form=form,
            school=school,
            school_year=school_year,
            blackout_warning=blackout_warning(school_year, now),
            creating=True,
        ),
    )


@school_required
def student_edit(request, school, pk):
    student = school_selectors.student_for_school(school=school, pk=pk)
    frozen = school_selectors.is_frozen(student)
    form_class = RemarksForm if frozen else StudentForm
    kwargs = {} if frozen else {"school": school}
    form = form_class(request.POST or None, instance=student, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = {"remarks": form.cleaned_data["remarks"]} if frozen else _form_data(form)
        try:
            student = school_services.student_update(
                school=school, user=request.user, student_id=student.pk, data=data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("De gegevens werden bewaard."))
            return redirect("matching_school:index")
    student.refresh_from_db()
    acceptance = school_selectors.acceptance_of(student)
    _log_school_display(request, [student])
    return TemplateResponse(
        request,
        "matching/school/student_form.html",
        page_context(
            student.full_name,
            form=form,
            school=school,
            student=student,
            frozen=frozen,
            acceptance=acceptance,
            nrn=mask_nrn(student.national_register_number),
            creating=False,
        ),
    )


app_name = "matching_school"
urlpatterns = [
    path("", students_index, name="index"),
    path("nieuw/", student_create, name="student_add"),
    path("<int:pk>/", student_edit, name="student_edit"),
    path("export/", students_export, name="export"),
]
