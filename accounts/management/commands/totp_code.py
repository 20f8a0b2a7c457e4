"""Print the code a login's authenticator app shows right now (for the demo and for
support on a test system). Needs the database, so only whoever runs the server can."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.second_factor import current_code


class Command(BaseCommand):
    help = "Toon de huidige code van zes cijfers van de authenticator-app van een login."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"Geen login met e-mailadres {email}.")
        code = current_code(user)
        if code is None:
            raise CommandError(f"{email} heeft (nog) geen authenticator-app ingesteld.")
        self.stdout.write(code)
