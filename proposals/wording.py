"""How a proposal line says why, and what became of it, in Dutch."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ProposalLine
from .selectors import OPEN

OUTCOME_LABELS = {
    OPEN: _("Wacht op antwoord"),
    ProposalLine.State.PROPOSED.value: _("Voorgesteld"),
    ProposalLine.State.ACCEPTED.value: _("Aanvaard"),
    ProposalLine.State.DECLINED.value: _("Geweigerd"),
    ProposalLine.State.EXPIRED.value: _("Verlopen"),
    ProposalLine.State.SUPERSEDED.value: _("Elders geplaatst"),
    ProposalLine.State.DROPPED.value: _("Geschrapt"),
}


def line_reasons(line: ProposalLine) -> list[str]:
    """Why the solver chose this pair: "voorkeursdienst", "12 km", "vervoer: fiets"."""
    reasons = []
    if line.preferred:
        reasons.append(str(_("voorkeursdienst")))
    if line.distance_km is None:
        reasons.append(str(_("afstand onbekend")))
    else:
        reasons.append(str(pgettext_lazy("distance", "%(km)s km") % {"km": line.distance_km}))
    if line.transport_mode_id:
        reasons.append(str(_("vervoer: %(mode)s") % {"mode": line.transport_mode.name.lower()}))
    return reasons
