"""Celery tasks of accounts: thin wrappers around services."""

from celery import shared_task

from accounts import services


@shared_task
def password_reset_request(email: str) -> int:
    return services.password_reset_queue(email=email)
