from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager):
    """Logins are e-mail addresses; `username` mirrors the normalised e-mail."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username).lower()
        return super()._create_user(email, email, password, **extra_fields)

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.pop("username", None)
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.pop("username", None)
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    """One login is one person; the login is the e-mail address."""

    email = models.EmailField(_("e-mailadres"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        self.username = self.email
        super().save(*args, **kwargs)

    def __str__(self):
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email


class Role(models.TextChoices):
    OPERATOR = "operator", _("Beheerder")
    EDITOR = "editor", _("Redacteur")
    SERVICE = "service", _("Medewerker dienst")
    SCHOOL = "school", _("Medewerker school")
    COORDINATOR = "coordinator", _("Regionale trekker")


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Invitations that can still be accepted."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class Invitation(models.Model):
    """An invitation to one person for one role. Only a hash of the token is stored, so
    the database alone never yields a working activation link."""

    email = models.EmailField(_("e-mailadres"))
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("login"),
    )
    service = models.ForeignKey(
        "matching.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dienst"),
    )
    school = models.ForeignKey(
        "matching.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    provinces = models.ManyToManyField(
        "matching.Province", blank=True, related_name="+", verbose_name=_("provincies")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("geldig tot"))
    used_at = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    sent_count = models.PositiveSmallIntegerField(_("aantal keer verstuurd"), default=1)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uitgenodigd door"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        indexes = [models.Index(fields=["email", "created_at"], name="invitation_email_idx")]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()})"

    @property
    def state(self) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    def get_state_display(self) -> str:
        return {
            "used": _("Aanvaard"),
            "revoked": _("Ingetrokken"),
            "expired": _("Verlopen"),
            "pending": _("Openstaand"),
        }[self.state]

    @property
    def organisation(self) -> str:
        if self.service_id:
            return str(self.service)
        if self.school_id:
            return str(self.school)
        return ", ".join(str(p) for p in self.provinces.all())


class UserSession(models.Model):
    """The one session a login may have: a newer sign-in replaces the key, and the
    middleware signs out any request that still carries an older one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="current_session"
    )
    session_key = models.CharField(max_length=40)
    signed_in_at = models.DateTimeField(default=timezone.now)
    # The sign-in before this one: the service dashboard counts what is new since then.
    previous_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("actieve sessie")
        verbose_name_plural = _("actieve sessies")

    def __str__(self):
        return f"{self.user} @ {self.signed_in_at:%Y-%m-%d %H:%M}"


class SecondFactorReset(models.Model):
    """An operator removed a login's second factor (lost phone and recovery codes): who,
    for whom and when. Append-only; the login enrols again at its next sign-in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="second_factor_resets",
        verbose_name=_("login"),
    )
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("gereset door"),
    )
    reset_at = models.DateTimeField(_("gereset op"), default=timezone.now)

    class Meta:
        ordering = ["-reset_at"]
        verbose_name = _("reset van de tweestapsverificatie")
        verbose_name_plural = _("resets van de tweestapsverificatie")

    def __str__(self):
        return f"{self.user} @ {self.reset_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A second-factor reset is history: it is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A second-factor reset is history: it is never deleted.")
