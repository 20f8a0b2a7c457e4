"""Celery tasks of the bulk import: thin wrappers that load ids and call a service."""

from celery import shared_task


# The name predates the move out of matching.tasks: queued messages still carry it, and
# CELERY_TASK_ROUTES routes it to the `imports` queue (an import never waits behind mail).
@shared_task(name="matching.tasks.school_import_run", acks_late=True, ignore_result=True)
def school_import_run(job_id: int) -> None:
    """Run a large bulk import of a school. Re-delivery is harmless: import_run leaves a
    finished job alone and an interrupted one had committed nothing (one transaction)."""
    from .models import ImportJob
    from .services import import_run

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and not job.is_finished:
        import_run(job=job)
