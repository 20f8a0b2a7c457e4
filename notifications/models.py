"""Mail texts and the outbox. Every mail is first a row here, written in the same
transaction as the change that causes it; workers only deliver rows."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailTemplate(models.Model):
    """A mail text editors can change. Subject and body use Django template syntax
    ({{ placeholder }}), rendered with only the values the code passes for that key."""

    key = models.SlugField(_("sleutel"), max_length=50, unique=True)
    name = models.CharField(_("omschrijving"), max_length=120)
    subject = models.CharField(_("onderwerp"), max_length=200)
    body = models.TextField(_("tekst"))
    placeholders = models.CharField(
        _("beschikbare velden"),
        max_length=500,
        blank=True,
        help_text=_("Velden die je als {{ veld }} in onderwerp en tekst kan gebruiken."),
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("e-mailtekst")
        verbose_name_plural = _("e-mailteksten")

    def __str__(self):
        return self.name

    def clean(self):
        from .rendering import TemplateSyntaxError, compile_text

        errors = {}
        for field in ("subject", "body"):
            try:
                compile_text(getattr(self, field) or "")
            except TemplateSyntaxError:
                errors[field] = _(
                    "Deze tekst bevat een fout in de {{ velden }}. Controleer de accolades."
                )
        if errors:
            raise ValidationError(errors)


class Outbox(models.Model):
    """One mail to one address. `dedup_key` (unique) makes "at most once" a database rule."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("In wachtrij")
        SENT = "sent", _("Verzonden")
        FAILED = "failed", _("Mislukt")
        CANCELLED = "cancelled", _("Geannuleerd")

    to = models.EmailField(_("aan"))
    subject = models.CharField(_("onderwerp"), max_length=255)
    body = models.TextField(_("tekst"))
    template_key = models.CharField(_("soort"), max_length=50, blank=True)
    dedup_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # A one-time sign-in link is never stored: the body holds links.LINK_PLACEHOLDER and
    # these two say how delivery makes a fresh link (see notifications/links.py).
    link_kind = models.CharField(max_length=30, blank=True, editable=False)
    link_ref = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # The student this mail names (acceptance notices), so that anonymising the school year
    # can cancel and empty such a mail while it is still unsent.
    student = models.ForeignKey(
        "matching.Student",
        verbose_name=_("leerling"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    # The retry schedule lives here, not in broker messages: a queued row is published
    # when `next_attempt_at` has passed. Publishing claims the row (claim + 1, and
    # next_attempt_at moves to the end of the claim's lease); the message carries the
    # claim, and a delivery whose claim is no longer the row's does nothing. So one row has
    # one live delivery message at a time, whatever sweeps, operators and redeliveries do.
    next_attempt_at = models.DateTimeField(_("volgende poging"), default=timezone.now)
    claim = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.CharField(_("laatste fout"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verzonden e-mail")
        verbose_name_plural = _("verzonden e-mails")
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class RoundMailing(models.Model):
    """Marks the mailing of one round event as written to the outbox, so the sweep does
    not look for recipients again every minute. Written in the same transaction as the
    outbox rows: either both exist or neither."""

    class Event(models.TextChoices):
        STARTED = "started", _("Start")
        ENDED = "ended", _("Einde")

    round = models.ForeignKey("matching.Round", on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=10, choices=Event.choices)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rondemailing")
        verbose_name_plural = _("rondemailings")
        constraints = [models.UniqueConstraint(fields=["round", "event"], name="roundmailing_once")]

    def __str__(self):
        return f"{self.round} — {self.get_event_display()}"
