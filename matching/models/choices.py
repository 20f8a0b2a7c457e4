"""The choices the matching domain speaks in: tracks, round scopes, statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Track(models.TextChoices):
    SECONDARY = "secondary", _("Secundair onderwijs")
    ADULT = "adult", _("Volwassenenonderwijs (CVO)")
    DUAL = "dual", _("Duaal leren")


class Scope(models.TextChoices):
    PREFERRED_IN_PROVINCE = "preferred_in_province", _("Voorkeursdienst in de eigen provincie")
    PREFERRED = "preferred", _("Voorkeursdienst")
    ALL = "all", _("Alle leerlingen zonder stageplaats")


class Status(models.TextChoices):
    UNDECIDED = "undecided", _("Onbeslist")
    NOT_INVITED = "not_invited", _("Niet uitgenodigd")
    INVITED = "invited", _("Uitgenodigd")
    ACCEPTED = "accepted", _("Aanvaard")
    NOT_ACCEPTED = "not_accepted", _("Niet aanvaard")
    NO_SHOW = "no_show", _("Niet opgedaagd/gestopt")


STATUSES_FOR_TRACK = {
    Track.SECONDARY: [Status.UNDECIDED, Status.NOT_ACCEPTED, Status.ACCEPTED],
    Track.ADULT: [Status.UNDECIDED, Status.NOT_ACCEPTED, Status.ACCEPTED],
    Track.DUAL: [
        Status.UNDECIDED,
        Status.NOT_INVITED,
        Status.INVITED,
        Status.ACCEPTED,
        Status.NOT_ACCEPTED,
        Status.NO_SHOW,
    ],
}
# Dual statuses that a service may only choose after it has invited the student.
DUAL_AFTER_INVITATION = {Status.ACCEPTED, Status.NOT_ACCEPTED, Status.NO_SHOW}
# Statuses under which a service sees the student's personal data (DESIGN.md rule 5).
PERSONAL_DATA_STATUSES = {Status.INVITED, Status.ACCEPTED}
