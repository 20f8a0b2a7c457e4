"""The school workspace: its students (form and bulk file) and their placement.

Thin views: a login works for one school (guardian object permission); every student is
looked up within that school, so another school's id is a 404 like a missing one. Rules
live in matching.school_services, reads in matching.school_selectors."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.selectors import school_for_user
from core.exports import export_response
from matching.errors import DomainError
from matching.models import SchoolYear, Service, Track, TransportMode
from matching.school import selectors as school_selectors
from matching.school.forms import ImportForm, RemarksForm, StudentFilterForm, StudentForm
from matching.validators import mask_nrn
from schoolimports import parsing as imports
from schoolimports import services as school_services

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
        add_never_cache_headers(response)
        return response

    return wrapped


def _context(title, **extra):
    return {"page_title": title, "header_title": title, "header_icon": "group", **extra}


def _blackout_warning(school_year: SchoolYear | None, now) -> str:
    if school_year is None or not school_year.in_entry_blackout(now):
        return ""
    release = formats.date_format(timezone.localtime(school_year.blackout_release_at), "j F Y H:i")
    return _(
        "Opgelet: tijdens de inschrijfstop (ronde 1) ingegeven leerlingen worden pas zichtbaar "
        "voor de diensten vanaf %(date)s."
    ) % {"date": release}


# Overview ------------------------------------------------------------------------------


@school_required
def students_index(request, school):
    now = timezone.now()
    school_year = SchoolYear.objects.current(now)
    filter_form = StudentFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {}
    students = school_selectors.filter_students(
        school_selectors.students_of_school(school=school, school_year=school_year), **filters
    )
    page = Paginator(students, PAGE_SIZE).get_page(request.GET.get("p"))
    rows = [_row(student) for student in page.object_list]
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "matching/school/students_index.html",
        _context(
            _("Mijn leerlingen"),
            school=school,
            school_year=school_year,
            filter_form=filter_form,
            page=page,
            rows=rows,
            query=query.urlencode(),
            blackout_warning=_blackout_warning(school_year, now),
        ),
    )


def _row(student):
    acceptance = school_selectors.acceptance_of(student)
    return {
        "student": student,
        "track_label": TRACK_LABELS.get(student.track, student.track),
        "nrn": mask_nrn(student.national_register_number),
        "acceptance": acceptance,
        "waiting": student.visible_from > timezone.now(),
    }


EXPORT_HEADER = [
    gettext_lazy("Type leerling"),
    gettext_lazy("Voornaam"),
    gettext_lazy("Achternaam"),
    gettext_lazy("Rijksregisternummer"),
    gettext_lazy("Postcode"),
    gettext_lazy("Gemeente"),
    gettext_lazy("Opleiding"),
    gettext_lazy("Vervoersmiddelen"),
    gettext_lazy("Voorkeursdiensten"),
    gettext_lazy("Ingeschreven op"),
    gettext_lazy("Zichtbaar vanaf"),
    gettext_lazy("Stageplaats"),
    gettext_lazy("Dienst"),
    gettext_lazy("Stagementor"),
    gettext_lazy("Telefoon stagementor"),
    gettext_lazy("E-mail stagementor"),
    gettext_lazy("Start stage"),
    gettext_lazy("Einde stage"),
]


@school_required
@require_GET
def students_export(request, school):
    school_year = SchoolYear.objects.current(timezone.now())
    filters = StudentFilterForm(request.GET).filters()
    students = school_selectors.filter_students(
        school_selectors.students_of_school(school=school, school_year=school_year), **filters
    )
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"

    def rows():
        for student in students.iterator(chunk_size=1000):
            acceptance = school_selectors.acceptance_of(student)
            mentor = acceptance.mentor if acceptance else None
            yield [
                TRACK_LABELS.get(student.track, student.track),
                student.first_name,
                student.last_name,
                mask_nrn(student.national_register_number),
                student.postcode,
                student.municipality,
                student.education,
                ", ".join(m.name for m in student.transport_modes.all()),
                ", ".join(s.name for s in student.preferred_services.all()),
                student.registered_at,
                student.visible_from,
                "ja" if acceptance else "nee",
                acceptance.service.name if acceptance else "",
                mentor.name if mentor else "",
                mentor.phone if mentor else "",
                mentor.email if mentor else "",
                acceptance.period_start if acceptance else None,
                acceptance.period_end if acceptance else None,
            ]

    filename = f"leerlingen-{school.code}-{timezone.localdate():%Y%m%d}"
    return export_response(fmt, filename, EXPORT_HEADER, rows(), title=_("Leerlingen"))


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
    school_year = SchoolYear.objects.current(now)
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
            warning = _blackout_warning(school_year, now)
            if warning:
                messages.warning(request, warning)
            if "add_another" in request.POST:
                return redirect("matching_school:student_add")
            return redirect("matching_school:index")
    return TemplateResponse(
        request,
        "matching/school/student_form.html",
        _context(
            _("Leerling inschrijven"),
            form=form,
            school=school,
            school_year=school_year,
            blackout_warning=_blackout_warning(school_year, now),
            creating=True,
        ),
    )


@school_required
def student_edit(request, school, pk):
    student = school_services.student_for_school(school=school, pk=pk)
    frozen = school_services.is_frozen(student)
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
    return TemplateResponse(
        request,
        "matching/school/student_form.html",
        _context(
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


# Bulk import ---------------------------------------------------------------------------


@school_required
def import_upload(request, school):
    form = ImportForm(request.POST or None, request.FILES or None)
    now = timezone.now()
    school_year = SchoolYear.objects.current(now)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.IMPORT_MAX_BYTES:
                content = upload.read(settings.IMPORT_MAX_BYTES + 1)
            else:
                content = upload.read()
            job = school_services.import_start(
                school=school, user=request.user, filename=upload.name, content=content
            )
        except school_services.AlreadyImported as exc:
            messages.warning(request, exc.message)
            if exc.job is not None:
                return redirect("matching_school:import_job", pk=exc.job.pk)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("matching_school:import_job", pk=job.pk)
    jobs = school.import_jobs.all()[:10]
    return TemplateResponse(
        request,
        "schoolimports/upload.html",
        _context(
            _("Leerlingen importeren"),
            form=form,
            school=school,
            jobs=jobs,
            columns=imports.COLUMNS,
            max_mb=school_services._megabytes(settings.IMPORT_MAX_BYTES),
            max_rows=settings.IMPORT_MAX_ROWS,
            blackout_warning=_blackout_warning(school_year, now),
        ),
    )


@school_required
@require_GET
def import_template(request, school, fmt):
    if fmt == "xlsx":
        handle = imports.template_xlsx(
            transport_modes=TransportMode.objects.all(),
            services=Service.objects.filter(is_active=True).order_by("name"),
        )
        return FileResponse(
            handle,
            as_attachment=True,
            filename="sjabloon-leerlingen.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    header, rows = imports.template_csv_rows()
    return export_response("csv", "sjabloon-leerlingen", header, rows)


@school_required
def import_job(request, school, pk):
    job = school_services.import_job_for_school(school=school, pk=pk)
    return TemplateResponse(
        request,
        "schoolimports/job.html",
        _context(
            _("Import van %(name)s") % {"name": job.filename},
            school=school,
            job=job,
            status_url=reverse("matching_school:import_job_status", args=[job.pk]),
            blackout_warning=_blackout_warning(job.school_year, job.created_at),
        ),
    )


@school_required
@require_GET
def import_job_status(request, school, pk):
    job = school_services.import_job_for_school(school=school, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "progress": job.progress,
            "total": job.total,
            "percent": job.percent,
            "finished": job.is_finished,
            "imported": job.imported,
            "error_count": len(job.errors),
        }
    )


app_name = "matching_school"
urlpatterns = [
    path("", students_index, name="index"),
    path("nieuw/", student_create, name="student_add"),
    path("<int:pk>/", student_edit, name="student_edit"),
    path("export/", students_export, name="export"),
    path("import/", import_upload, name="import"),
    path("import/sjabloon.<str:fmt>", import_template, name="import_template"),
    path("import/<int:pk>/", import_job, name="import_job"),
    path("import/<int:pk>/status/", import_job_status, name="import_job_status"),
]
