"""Celery tasks of the matching domain: thin wrappers that call matching.mailings. Nothing
here decides who sees what; visibility is computed from the clock.

The names are the ones these tasks had in notifications.tasks: django-celery-beat rows
store them (notifications.schedules), so they must not change with the module."""

from celery import shared_task

from . import mailings


@shared_task(name="notifications.tasks.round_mailings_sweep")
def round_mailings_sweep() -> int:
    return mailings.round_mailings_sweep()


@shared_task(name="notifications.tasks.reminders_send")
def reminders_send() -> int:
    return mailings.reminders_send()


@shared_task(name="matching.tasks.reoffer_digest_send")
def reoffer_digest_send() -> int:
    return mailings.reoffer_digest_send()
