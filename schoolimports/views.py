"""The school's bulk import screens: upload, template, the job's page and its progress.

Thin views: they call schoolimports.services; a job is looked up within the login's own
school (schoolimports.selectors), so another school's job is a 404 like a missing one."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.exports import export_response
from matching import choice_selectors
from matching import selectors as matching_selectors
from matching.errors import DomainError
from matching.school.views import blackout_warning, page_context, school_required

from . import parsing as imports
from . import selectors, services
from .forms import ImportForm


@school_required
def import_upload(request, school):
    form = ImportForm(request.POST or None, request.FILES or None)
    now = timezone.now()
    school_year = matching_selectors.school_year_current(now)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.IMPORT_MAX_BYTES:
                content = upload.read(settings.IMPORT_MAX_BYTES + 1)
            else:
                content = upload.read()
            job = services.import_start(
                school=school,
                user=request.user,
                filename=upload.name,
                content=content,
                size=upload.size,
            )
        except services.AlreadyImported as exc:
            messages.warning(request, exc.message)
            if exc.job is not None:
                return redirect("schoolimports:job", pk=exc.job.pk)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("schoolimports:job", pk=job.pk)
    jobs = selectors.recent_jobs(school=school)
    return TemplateResponse(
        request,
        "schoolimports/upload.html",
        page_context(
            _("Leerlingen importeren"),
            form=form,
            school=school,
            jobs=jobs,
            columns=imports.COLUMNS,
            max_mb=services.megabytes(settings.IMPORT_MAX_BYTES),
            max_rows=f"{settings.IMPORT_MAX_ROWS:,}".replace(",", "."),
            blackout_warning=blackout_warning(school_year, now),
        ),
    )


@school_required
@require_GET
def import_template(request, school, fmt):
    if fmt == "xlsx":
        handle = imports.template_xlsx(
            transport_modes=choice_selectors.transport_modes(),
            services=choice_selectors.active_services(),
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
    job = selectors.import_job_for_school(school=school, pk=pk)
    return TemplateResponse(
        request,
        "schoolimports/job.html",
        page_context(
            _("Import van %(name)s") % {"name": job.filename},
            school=school,
            job=job,
            status_url=reverse("schoolimports:job_status", args=[job.pk]),
            blackout_warning=blackout_warning(job.school_year, job.created_at),
        ),
    )


@school_required
@require_GET
def import_job_status(request, school, pk):
    job = selectors.import_job_for_school(school=school, pk=pk)
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


app_name = "schoolimports"
urlpatterns = [
    path("", import_upload, name="upload"),
    path("sjabloon.<str:fmt>", import_template, name="template"),
    path("<int:pk>/", import_job, name="job"),
    path("<int:pk>/status/", import_job_status, name="job_status"),
]
