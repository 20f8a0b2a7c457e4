"""Domain errors carry a message for people (Dutch, through gettext)."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule refused an action; `message` is safe to show to the user who tried it."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class StudentNotFound(Http404):
    """Raised alike for 'does not exist' and 'not yours', so an id reveals nothing."""

    def __init__(self):
        super().__init__(_("Deze leerling werd niet gevonden."))
