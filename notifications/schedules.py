"""The periodic tasks beat runs, as django-celery-beat rows the operator can edit
(interval, time, on/off). Creating them never overwrites an operator's change."""

from django.db import transaction

SCHEDULES = [
    # name, task, every (minutes) or daily time (hour, minute)
    ("Rondemailings (start/einde van rondes)", "notifications.tasks.round_mailings_sweep", 1, None),
    ("Herinnering onbesliste aanvragen", "notifications.tasks.reminders_send", None, (9, 0)),
    ("Wachtrij e-mail opnieuw proberen", "notifications.tasks.outbox_retry_sweep", 1, None),
    (
        "Opnieuw aangeboden leerlingen (dagelijks overzicht)",
        "matching.tasks.reoffer_digest_send",
        None,
        (8, 0),
    ),
]


@transaction.atomic
def schedules_ensure() -> int:
    """Create the missing periodic tasks; returns how many were created."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for name, task, minutes, daily in SCHEDULES:
        if PeriodicTask.objects.filter(task=task).exists():
            continue
        fields = {"name": name, "task": task, "enabled": True}
        if minutes:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=minutes, period=IntervalSchedule.MINUTES
            )
        else:
            hour, minute = daily
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=str(minute),
                hour=str(hour),
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone="Europe/Brussels",
            )
        PeriodicTask.objects.create(**fields)
        created += 1
    return created
