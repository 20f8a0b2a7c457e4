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


class ConfirmationRequired(Exception):
    """A change the person at the screen must confirm first (decision_set_status with
    `ask_first`): `kind` is "withdrawal" (taking back an acceptance) or "capacity"
    (accepting beyond the stated places). Nothing was changed."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind
