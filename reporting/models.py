"""Audit trail of the operator's reporting: which exports were made, and which school years
were anonymised on the strength of which export."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import SchoolYear


class OperatorExport(models.Model):
    """One operator export of a school year's students.

    `completed_at` is set only once the last row was written, so the purge can rely on
    "an export of that year was really made", not on a download that broke off.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("schooljaar")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("door"),
    )
    format = models.CharField(_("formaat"), max_length=4, choices=Format.choices)
    with_personal_data = models.BooleanField(_("met persoonsgegevens"), default=False)
    started_at = models.DateTimeField(_("gestart op"), default=timezone.now)
    completed_at = models.DateTimeField(_("voltooid op"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("aantal leerlingen"), default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("export beheerder")
        verbose_name_plural = _("exports beheerder")
        indexes = [models.Index(fields=["school_year", "completed_at"], name="opexport_year_idx")]

    def __str__(self):
        return f"{self.school_year} — {self.started_at:%d/%m/%Y %H:%M}"


class YearAnonymisation(models.Model):
    """Who anonymised which school year's students, when, how many, after which export."""

    school_year = models.OneToOneField(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("schooljaar")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("door"),
    )
    performed_at = models.DateTimeField(_("uitgevoerd op"), default=timezone.now)
    student_count = models.PositiveIntegerField(_("aantal leerlingen"))
    export = models.ForeignKey(
        OperatorExport,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("export vooraf"),
    )

    class Meta:
        ordering = ["-performed_at"]
        verbose_name = _("anonimisering schooljaar")
        verbose_name_plural = _("anonimiseringen schooljaar")

    def __str__(self):
        return f"{self.school_year} ({self.student_count})"
