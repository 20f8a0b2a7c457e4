from django.core.management.base import BaseCommand

from notifications.schedules import schedules_ensure


class Command(BaseCommand):
    help = "Create the periodic tasks of Celery beat (round mailings, reminders, outbox retry)."

    def handle(self, *args, **options):
        created = schedules_ensure()
        if options["verbosity"]:
            self.stdout.write(f"{created} periodic task(s) created.")
