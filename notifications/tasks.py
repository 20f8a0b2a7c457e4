"""Celery tasks of the outbox: thin wrappers that take ids and call services. The round
mailings and reminders are matching's (matching.tasks)."""

from celery import shared_task

from . import services
from .retry import DeliveryError, describe


@shared_task(ignore_result=True)
def deliver_outbox(outbox_id: int, claim: int | None = None) -> str:
    """No Celery retries: the row holds its retry schedule (services.outbox_deliver)."""
    try:
        return services.outbox_deliver(outbox_id=outbox_id, claim=claim)
    except Exception as exc:
        # Celery logs a failing task's exception with its arguments and traceback; raise
        # a redacted description in its place, without the original as context.
        raise DeliveryError(describe(exc)) from None


@shared_task
def outbox_retry_sweep() -> int:
    return services.outbox_retry_sweep()
