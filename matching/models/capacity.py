"""How many students a service can take per school year and track (issue 19): the places
it states, optionally the period it has them in, and who changed them last (a service or
the operator correcting it). Filled places are never stored: they are read from the
acceptances (matching.capacity)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Service
from .students import Track


class Capacity(models.Model):
    """One number of places per (service, school year, track).

    The period is optional and descriptive (when the service has the places); acceptances
    count against the track's number whatever their own internship period, so a service
    states one figure per track, as the manual's acceptance asks one period per student.
    """

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="capacities", verbose_name=_("dienst")
    )
    school_year = models.ForeignKey(
        "matching.SchoolYear",
        on_delete=models.CASCADE,
        related_name="capacities",
        verbose_name=_("schooljaar"),
    )
    track = models.CharField(_("type leerling"), max_length=10, choices=Track.choices)
    places = models.PositiveSmallIntegerField(_("aantal plaatsen"))
    period_start = models.DateField(_("plaatsen vanaf"), null=True, blank=True)
    period_end = models.DateField(_("plaatsen tot"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("laatst gewijzigd door"),
    )
    updated_by_operator = models.BooleanField(_("gecorrigeerd door de beheerder"), default=False)
    updated_at = models.DateTimeField(_("laatst gewijzigd op"), default=timezone.now)

    class Meta:
        ordering = ["school_year", "service", "track"]
        verbose_name = _("capaciteit")
        verbose_name_plural = _("capaciteit")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "school_year", "track"],
                name="capacity_one_per_service_year_track",
                violation_error_message=_(
                    "Deze dienst heeft voor dit schooljaar en type leerling al een capaciteit."
                ),
            ),
            models.CheckConstraint(condition=Q(places__gte=0), name="capacity_places_not_negative"),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="capacity_period_order",
                violation_error_message=_("Het einde van de periode ligt voor de start."),
            ),
        ]
        indexes = [
            models.Index(fields=["school_year", "track", "service"], name="capacity_year_track_idx")
        ]

    def __str__(self):
        return _("%(service)s — %(track)s: %(places)s plaatsen") % {
            "service": self.service,
            "track": self.get_track_display(),
            "places": self.places,
        }
