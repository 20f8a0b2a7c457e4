"""One bulk upload of students by a school: its file, where it stands and what went wrong.

The sha256 of the file makes a re-upload of the same file for the same school idempotent:
the database refuses a second pending, running or finished job for it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("In de wachtrij")
        VALIDATING = "validating", _("Bezig met controleren")
        IMPORTING = "importing", _("Bezig met importeren")
        DONE = "done", _("Geïmporteerd")
        REJECTED = "rejected", _("Geweigerd wegens fouten")
        FAILED = "failed", _("Mislukt")

    ACTIVE = (Status.PENDING, Status.VALIDATING, Status.IMPORTING, Status.DONE)

    school = models.ForeignKey(
        "matching.School",
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("school"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    school_year = models.ForeignKey(
        "matching.SchoolYear",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("schooljaar"),
    )
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    sha256 = models.CharField(_("vingerafdruk"), max_length=64)
    # The uploaded bytes, kept only until the job ends (they hold personal data).
    content = models.BinaryField(default=b"", editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveIntegerField(_("verwerkte rijen"), default=0)
    total = models.PositiveIntegerField(_("aantal rijen"), default=0)
    imported = models.PositiveIntegerField(_("geïmporteerd"), default=0)
    errors = models.JSONField(_("fouten"), default=list, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    finished_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "sha256"],
                condition=Q(status__in=["pending", "validating", "importing", "done"]),
                name="importjob_one_live_per_file",
            )
        ]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.is_finished else 0
        return min(100, int(self.progress * 100 / self.total))
