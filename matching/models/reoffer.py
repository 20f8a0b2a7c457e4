"""A taken-back acceptance waiting to be told to the services that had the student open
(matching.mailings.reoffer_digest_send: one mail per login per day)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Service
from .students import Student


class ReofferNotice(models.Model):
    """Written in the withdrawing transaction (a rolled-back withdrawal leaves none); the
    daily digest decides who hears of it and marks it processed."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="+", verbose_name=_("leerling")
    )
    withdrawn_by = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="+", verbose_name=_("dienst")
    )
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), default=timezone.now)
    processed_at = models.DateTimeField(_("verwerkt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("opnieuw aangeboden leerling")
        verbose_name_plural = _("opnieuw aangeboden leerlingen")
        indexes = [
            models.Index(
                fields=["withdrawn_at"],
                condition=models.Q(processed_at__isnull=True),
                name="reoffer_pending_idx",
            )
        ]

    def __str__(self):
        return f"{self.student_id} @ {self.withdrawn_at:%Y-%m-%d %H:%M}"
