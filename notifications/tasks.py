"""Celery tasks of the outbox: thin wrappers that take ids and call services. The round
mailings and reminders are matching's (matching.tasks)."""

from smtplib import SMTPException

from celery import shared_task

from . import services

MAX_DELIVERY_RETRIES = 5


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    # Short countdowns only: an ETA message longer than the broker's visibility timeout
    # would be redelivered while it waits.
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=MAX_DELIVERY_RETRIES,
)
def deliver_outbox(self, outbox_id: int) -> str:
    return services.outbox_deliver(
        outbox_id=outbox_id, final_attempt=self.request.retries >= MAX_DELIVERY_RETRIES
    )


@shared_task
def outbox_retry_sweep() -> int:
    return services.outbox_retry_sweep()
