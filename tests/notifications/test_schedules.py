"""The periodic tasks beat runs exist after migrate, point at real tasks, and an operator's
change to them survives the next migrate."""

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from config.celery_app import app
from notifications.schedules import schedules_ensure

pytestmark = pytest.mark.django_db


def test_migrate_leaves_the_three_schedules_on_registered_tasks():
    schedules_ensure()
    tasks = {t.task: t for t in PeriodicTask.objects.all()}
    sweep = tasks["notifications.tasks.round_mailings_sweep"]
    assert (sweep.interval.every, sweep.interval.period, sweep.enabled) == (1, "minutes", True)
    reminder = tasks["notifications.tasks.reminders_send"]
    assert (reminder.crontab.hour, reminder.crontab.minute) == ("9", "0")
    assert str(reminder.crontab.timezone) == "Europe/Brussels"
    retry = tasks["notifications.tasks.outbox_retry_sweep"]
    assert (retry.interval.every, retry.interval.period) == (1, "minutes")
    app.loader.import_default_modules()
    for name in tasks:
        assert name in app.tasks, name
    # The round sweep and the reminder moved to matching.tasks and kept the stored names.
    for name in ("notifications.tasks.round_mailings_sweep", "notifications.tasks.reminders_send"):
        assert app.tasks[name].run.__module__ == "matching.tasks", name
    assert app.tasks["matching.tasks.school_import_run"].run.__module__ == "schoolimports.tasks"


def test_an_operators_change_is_kept():
    schedules_ensure()
    reminder = PeriodicTask.objects.get(task="notifications.tasks.reminders_send")
    reminder.enabled = False
    reminder.save()
    call_command("setup_schedules", verbosity=0)
    assert schedules_ensure() == 0
    assert PeriodicTask.objects.get(pk=reminder.pk).enabled is False
    assert PeriodicTask.objects.filter(task="notifications.tasks.reminders_send").count() == 1


def test_the_migration_moves_the_old_five_minute_outbox_sweep_to_every_minute():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import IntervalSchedule

    migration = importlib.import_module("notifications.migrations.0008_outbox_retry_schedule")
    schedules_ensure()
    sweep = PeriodicTask.objects.get(task="notifications.tasks.outbox_retry_sweep")
    five, _ = IntervalSchedule.objects.get_or_create(every=5, period=IntervalSchedule.MINUTES)
    sweep.interval = five
    sweep.save()
    migration.sweep_every_minute(apps, None)
    sweep.refresh_from_db()
    assert (sweep.interval.every, sweep.interval.period) == (1, "minutes")
    # An operator's own choice (here: every 10 minutes) stays.
    ten, _ = IntervalSchedule.objects.get_or_create(every=10, period=IntervalSchedule.MINUTES)
    sweep.interval = ten
    sweep.save()
    migration.sweep_every_minute(apps, None)
    sweep.refresh_from_db()
    assert sweep.interval.every == 10
