"""Reads of the bulk import."""

from django.http import Http404
from django.utils.translation import gettext as _

from matching.models import School

from .models import ImportJob


def import_job_for_school(*, school: School, pk) -> ImportJob:
    job = ImportJob.objects.filter(school=school, pk=pk).first()
    if job is None:
        raise Http404(_("Deze import werd niet gevonden."))
    return job


def live_job(*, school: School, digest: str) -> ImportJob | None:
    """The school's job of the same file that is under way or done (a failed one is not)."""
    return ImportJob.objects.filter(
        school=school, sha256=digest, status__in=ImportJob.ACTIVE
    ).first()


def recent_jobs(*, school: School, limit: int = 10):
    """The school's latest import jobs, newest first."""
    return school.import_jobs.all()[:limit]
