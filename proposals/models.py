"""Placement proposals for the students left after round 3 (issue 19): a run the operator
asks for per school year and track, and its lines (one student, one service, why). Both
are history: who proposed, sent, accepted or declined what and when. Nothing here is
deleted; the student, service, login and run a line names are PROTECTed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Service, Student, Track, TransportMode


class ProposalRun(models.Model):
    """One proposal of the operator: computed as a draft, reviewed, sent to the services with
    a deadline for their answers, closed when the next one is asked for."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        SENT = "sent", _("Verstuurd")
        CLOSED = "closed", _("Afgesloten")

    school_year = models.ForeignKey(
        "matching.SchoolYear",
        on_delete=models.PROTECT,
        related_name="proposal_runs",
        verbose_name=_("schooljaar"),
    )
    track = models.CharField(_("type leerling"), max_length=10, choices=Track.choices)
    number = models.PositiveSmallIntegerField(_("volgnummer"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    students_considered = models.PositiveIntegerField(_("leerlingen zonder plaats"), default=0)
    places_free = models.PositiveIntegerField(_("vrije plaatsen"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("gevraagd door"),
    )
    created_at = models.DateTimeField(_("gevraagd op"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verstuurd door"),
    )
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    deadline = models.DateTimeField(_("antwoorden tot"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plaatsingsvoorstel")
        verbose_name_plural = _("plaatsingsvoorstellen")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "track", "number"], name="proposalrun_number_unique"
            ),
            # One proposal in the works per year and track: a second draft or a second
            # proposal waiting for answers would offer the same places twice.
            models.UniqueConstraint(
                fields=["school_year", "track"],
                condition=~Q(status="closed"),
                name="proposalrun_one_open_per_track",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(deadline__isnull=False),
                name="proposalrun_sent_has_deadline",
            ),
        ]

    def __str__(self):
        return _("Voorstel %(number)s — %(track)s %(year)s") % {
            "number": self.number,
            "track": self.get_track_display(),
            "year": self.school_year,
        }


class ProposalLine(models.Model):
    """One proposed pair and why. `state` is what was decided; a line still `proposed`
    reads as open, placed elsewhere or expired from the clock and the acceptances
    (proposals.selectors.with_outcome), and is frozen so when its run closes."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Voorgesteld")
        DROPPED = "dropped", _("Geschrapt door de beheerder")
        ACCEPTED = "accepted", _("Aanvaard")
        DECLINED = "declined", _("Geweigerd")
        EXPIRED = "expired", _("Verlopen")
        SUPERSEDED = "superseded", _("Elders geplaatst")

    run = models.ForeignKey(
        ProposalRun, on_delete=models.PROTECT, related_name="lines", verbose_name=_("voorstel")
    )
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="+", verbose_name=_("leerling")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("dienst")
    )
    preferred = models.BooleanField(_("voorkeursdienst"), default=False)
    distance_km = models.PositiveIntegerField(_("afstand (km)"), null=True, blank=True)
    transport_mode = models.ForeignKey(
        TransportMode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("passend vervoer"),
    )
    state = models.CharField(
        _("toestand"), max_length=12, choices=State.choices, default=State.PROPOSED
    )
    decline_reason = models.TextField(_("reden van weigering"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwoord door"),
    )
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)

    class Meta:
        ordering = ["run", "service__name", "student__last_name", "pk"]
        verbose_name = _("voorstelregel")
        verbose_name_plural = _("voorstelregels")
        constraints = [
            models.UniqueConstraint(fields=["run", "student"], name="proposalline_one_per_student"),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="proposalline_decline_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["service", "state"], name="proposalline_service_idx"),
            models.Index(fields=["student", "service", "state"], name="proposalline_pair_idx"),
        ]

    def __str__(self):
        return f"{self.run_id}: {self.student_id} → {self.service_id} ({self.state})"
