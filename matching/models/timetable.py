"""The school year, its rounds and milestones: the timetable the visibility rule reads."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .students import Scope, Track


class SchoolYearQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def in_force(self, now=None):
        """Started school years the operator has not closed, the latest first."""
        today = timezone.localdate(now or timezone.now())
        # The id breaks a tie of equal start dates, so "current" never depends on the plan.
        return self.open().filter(starts_on__lte=today).order_by("-starts_on", "-pk")

    def current(self, now=None):
        """The school year in force: the latest started one that the operator has not closed."""
        return self.in_force(now).first()


class SchoolYear(models.Model):
    name = models.CharField(_("naam"), max_length=20, unique=True, help_text="2025-2026")
    starts_on = models.DateField(_("begindatum"))
    ends_on = models.DateField(_("einddatum"))
    entry_blackout_starts_at = models.DateTimeField(
        _("inschrijfstop vanaf"),
        null=True,
        blank=True,
        help_text=_("Scholen mogen vanaf dit moment geen leerlingen ingeven (ronde 1)."),
    )
    entry_blackout_ends_at = models.DateTimeField(_("inschrijfstop tot"), null=True, blank=True)
    blackout_release_at = models.DateTimeField(
        _("zichtbaar vanaf (inschrijving tijdens stop)"),
        null=True,
        blank=True,
        help_text=_(
            "Leerlingen ingegeven tijdens de inschrijfstop worden pas dan zichtbaar. Leeg: vanaf "
            "de start van ronde 3, zoals het tijdspad die nu plant."
        ),
    )
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("schooljaar")
        verbose_name_plural = _("schooljaren")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="schoolyear_ends_after_start",
                violation_error_message=_("De einddatum moet na de begindatum liggen."),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("De einddatum moet na de begindatum liggen.")
        if (
            self.entry_blackout_starts_at
            and self.entry_blackout_ends_at
            and self.entry_blackout_ends_at <= self.entry_blackout_starts_at
        ):
            errors["entry_blackout_ends_at"] = _(
                "Het einde van de inschrijfstop moet na het begin liggen."
            )
        if bool(self.entry_blackout_starts_at) != bool(self.entry_blackout_ends_at):
            errors["entry_blackout_ends_at"] = _(
                "Geef zowel het begin als het einde van de inschrijfstop in."
            )
        if errors:
            raise ValidationError(errors)

    def in_entry_blackout(self, when) -> bool:
        return bool(
            self.entry_blackout_starts_at
            and self.entry_blackout_starts_at <= when < self.entry_blackout_ends_at
        )

    # When a student registered in the blackout becomes visible is read from the timetable
    # at the moment of reading: matching.blackout (never stored on the student).


class Round(models.Model):
    """A round of one track: from `starts_at` its scope decides what services see."""

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("schooljaar")
    )
    track = models.CharField(_("type leerling"), max_length=10, choices=Track.choices)
    number = models.PositiveSmallIntegerField(_("ronde"))
    name = models.CharField(_("naam"), max_length=100, blank=True)
    scope = models.CharField(_("zichtbaarheid"), max_length=30, choices=Scope.choices)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("einde"))

    class Meta:
        ordering = ["school_year", "track", "starts_at"]
        verbose_name = _("ronde")
        verbose_name_plural = _("rondes")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "track", "number"],
                name="round_unique_number_per_track",
                violation_error_message=_("Dit schooljaar heeft al een ronde met dit nummer."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="round_ends_after_start",
                violation_error_message=_("Het einde van de ronde moet na de start liggen."),
            ),
        ]
        indexes = [models.Index(fields=["track", "starts_at"], name="round_track_start_idx")]

    def __str__(self):
        return self.name or _("%(track)s — ronde %(number)s") % {
            "track": self.get_track_display(),
            "number": self.number,
        }

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Het einde van de ronde moet na de start liggen.")})
        if self.starts_at and self.ends_at and self.school_year_id and self.track:
            overlapping = Round.objects.filter(
                school_year_id=self.school_year_id,
                track=self.track,
                starts_at__lt=self.ends_at,
                ends_at__gt=self.starts_at,
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    {"starts_at": _("Deze ronde overlapt met een andere ronde van hetzelfde type.")}
                )


class Milestone(models.Model):
    """A date on the timetable that changes no visibility (e.g. the placement target)."""

    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("schooljaar"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    name = models.CharField(_("naam"), max_length=120)
    tracks = models.CharField(_("types"), max_length=60, help_text="secondary,adult")
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("einde"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")

    def __str__(self):
        return self.name
