"""The domain of stagematching: school years and rounds, services, schools, students and
the decisions services take on them. Rules that change state live in services.py; reads
(visibility above all) in querysets.py and selectors.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .. import postcodes
from ..querysets import StudentQuerySet
from ..validators import normalize_nrn, validate_nrn, validate_phone


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


class Province(models.Model):
    """A province (or the Brussels region); regional coordinators hold permissions on it."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("naam"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provincie")
        verbose_name_plural = _("provincies")
        permissions = [("coordinate_province", _("Kan de provincie opvolgen (regionale trekker)"))]

    def __str__(self):
        return self.name

    @classmethod
    def for_postcode(cls, postcode) -> "Province":
        code = postcodes.province_code_for(postcode)
        province, _created = cls.objects.get_or_create(
            code=code, defaults={"name": postcodes.PROVINCE_NAMES[code]}
        )
        return province


class TransportMode(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("naam"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("vervoersmiddel")
        verbose_name_plural = _("vervoersmiddelen")

    def __str__(self):
        return self.name


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
        help_text=_("Leerlingen ingegeven tijdens de inschrijfstop worden pas dan zichtbaar."),
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
        if self.entry_blackout_starts_at and not self.blackout_release_at:
            errors["blackout_release_at"] = _(
                "Geef in vanaf wanneer leerlingen uit de inschrijfstop zichtbaar worden."
            )
        if errors:
            raise ValidationError(errors)

    def in_entry_blackout(self, when) -> bool:
        return bool(
            self.entry_blackout_starts_at
            and self.entry_blackout_starts_at <= when < self.entry_blackout_ends_at
        )

    def visible_from_for(self, registered_at):
        """When a student registered at `registered_at` becomes visible to services."""
        if self.in_entry_blackout(registered_at):
            return self.blackout_release_at
        return registered_at


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


class Service(models.Model):
    """A home-care service (dienst gezinszorg). Membership: guardian `act_for_service`."""

    name = models.CharField(_("naam"), max_length=200)
    code = models.CharField(_("code"), max_length=20, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="services", verbose_name=_("provincie")
    )
    postcode = models.CharField(_("postcode"), max_length=4)
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("dienst")
        verbose_name_plural = _("diensten")
        permissions = [("act_for_service", _("Werkt voor deze dienst"))]

    def __str__(self):
        return self.name


class ServiceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Service, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class ServiceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Service, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class School(models.Model):
    class Kind(models.TextChoices):
        SECONDARY = "secondary", _("Secundaire school")
        CVO = "cvo", _("Centrum voor volwassenenonderwijs")

    name = models.CharField(_("naam"), max_length=200)
    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="schools", verbose_name=_("provincie")
    )
    postcode = models.CharField(_("postcode"), max_length=4)
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True, validators=[validate_phone])

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("scholen")
        permissions = [("act_for_school", _("Werkt voor deze school"))]

    def __str__(self):
        return self.name


class SchoolUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(School, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class SchoolGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(School, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class ProvinceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Province, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class ProvinceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Province, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class ContactPerson(models.Model):
    """A mentor at a service (contactpersoon stage / stagementor)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="contact_persons", verbose_name=_("dienst")
    )
    name = models.CharField(_("naam"), max_length=150)
    phone = models.CharField(_("telefoon"), max_length=30, validators=[validate_phone])
    email = models.EmailField(_("e-mailadres"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("contactpersoon stage")
        verbose_name_plural = _("contactpersonen stage")

    def __str__(self):
        return self.name


class Student(models.Model):
    """A request for a placement, registered by a school for one school year."""

    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="students", verbose_name=_("schooljaar")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="students", verbose_name=_("school")
    )
    track = models.CharField(_("type leerling"), max_length=10, choices=Track.choices)
    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("achternaam"), max_length=100)
    national_register_number = models.CharField(_("rijksregisternummer"), max_length=11, blank=True)
    email = models.EmailField(_("e-mailadres leerling"), blank=True)
    phone = models.CharField(
        _("telefoon leerling"), max_length=30, blank=True, validators=[validate_phone]
    )
    postcode = models.CharField(_("postcode"), max_length=4)
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="students", verbose_name=_("provincie")
    )
    education = models.CharField(_("opleiding"), max_length=200, blank=True)
    supervisor_name = models.CharField(_("naam stagebegeleider"), max_length=150, blank=True)
    supervisor_email = models.EmailField(_("e-mailadres stagebegeleider"), blank=True)
    supervisor_phone = models.CharField(
        _("telefoon stagebegeleider"), max_length=30, blank=True, validators=[validate_phone]
    )
    transport_modes = models.ManyToManyField(
        TransportMode, blank=True, related_name="students", verbose_name=_("vervoersmiddelen")
    )
    preferred_services = models.ManyToManyField(
        Service, blank=True, related_name="preferred_by", verbose_name=_("voorkeursdiensten")
    )
    requested_start = models.DateField(_("gewenste start"), null=True, blank=True)
    requested_end = models.DateField(_("gewenst einde"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("aantal stage-uren"), null=True, blank=True)
    remarks = models.TextField(_("opmerkingen"), blank=True)
    registered_at = models.DateTimeField(_("ingeschreven op"), default=timezone.now)
    visible_from = models.DateTimeField(_("zichtbaar vanaf"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingeschreven door"),
    )
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        ordering = ["province", "postcode", "last_name", "first_name"]
        verbose_name = _("leerling")
        verbose_name_plural = _("leerlingen")
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "national_register_number"],
                condition=~Q(national_register_number=""),
                name="student_unique_nrn_per_year",
                violation_error_message=_(
                    "Een leerling met dit rijksregisternummer is dit schooljaar al ingeschreven."
                ),
            ),
            models.CheckConstraint(
                condition=Q(requested_end__isnull=True)
                | Q(requested_start__isnull=True)
                | Q(requested_end__gte=models.F("requested_start")),
                name="student_requested_period_order",
                violation_error_message=_("Het gewenste einde ligt voor de gewenste start."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["school_year", "track", "visible_from"], name="student_year_track_idx"
            ),
            # One index per sort order of the students screens, so page N is an index scan
            # with a limit instead of a sort of every visible row (see docs/benchmarks.md).
            models.Index(
                fields=[
                    "school_year",
                    "track",
                    "province",
                    "postcode",
                    "last_name",
                    "first_name",
                    "id",
                ],
                name="student_list_default_idx",
            ),
            models.Index(
                fields=["school_year", "track", "last_name", "first_name", "id"],
                name="student_list_name_idx",
            ),
            models.Index(
                fields=["school_year", "track", "postcode", "last_name", "id"],
                name="student_list_postcode_idx",
            ),
            models.Index(
                fields=["school_year", "track", "registered_at", "id"],
                name="student_list_registered_idx",
            ),
            models.Index(fields=["school", "track"], name="student_school_idx"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        errors = {}
        if self.national_register_number:
            self.national_register_number = normalize_nrn(self.national_register_number)
            try:
                validate_nrn(self.national_register_number)
            except ValidationError as exc:
                errors["national_register_number"] = exc.messages
        if self.postcode:
            try:
                self.postcode = postcodes.known_postcode(self.postcode)
                self.province = Province.for_postcode(self.postcode)
                if not self.municipality:
                    known = postcodes.municipalities_for(self.postcode)
                    self.municipality = known[0] if known else ""
                if not self.municipality:
                    errors["municipality"] = _(
                        "Vul de gemeente in: bij deze postcode kennen we ze niet."
                    )
            except ValidationError as exc:
                errors["postcode"] = exc.messages
        if (
            self.requested_start
            and self.requested_end
            and self.requested_end < self.requested_start
        ):
            errors["requested_end"] = _("Het gewenste einde ligt voor de gewenste start.")
        if self.school_id and self.track:
            if self.track == Track.ADULT and self.school.kind != School.Kind.CVO:
                errors["track"] = _("Enkel een CVO schrijft cursisten volwassenenonderwijs in.")
            if self.track != Track.ADULT and self.school.kind == School.Kind.CVO:
                errors["track"] = _("Een CVO schrijft enkel cursisten volwassenenonderwijs in.")
        if errors:
            raise ValidationError(errors)


class Decision(models.Model):
    """The status one service gives one student. No row means undecided.

    `accepted` is exclusive per student: the partial unique constraint below makes the
    database refuse a second acceptance, whatever the application does.
    """

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("dienst")
    )
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("leerling")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNDECIDED
    )
    mentor = models.ForeignKey(
        ContactPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("stagementor"),
    )
    period_start = models.DateField(_("start stage"), null=True, blank=True)
    period_end = models.DateField(_("einde stage"), null=True, blank=True)
    note = models.TextField(_("notities"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("beslissing")
        verbose_name_plural = _("beslissingen")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "student"], name="decision_one_per_service_student"
            ),
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status="accepted"),
                name="decision_one_acceptance_per_student",
                violation_error_message=_(
                    "Deze leerling werd intussen door een andere dienst aanvaard."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="decision_period_order",
            ),
        ]
        indexes = [
            models.Index(fields=["student", "status"], name="decision_student_status_idx"),
            models.Index(fields=["service", "status"], name="decision_service_status_idx"),
        ]

    def __str__(self):
        return f"{self.service} — {self.student}: {self.get_status_display()}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("This history is append-only.")

    def delete(self):
        raise TypeError("This history is append-only.")


class StatusChange(models.Model):
    """Append-only history of every status change: never updated, never deleted."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("leerling")
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("dienst")
    )
    from_status = models.CharField(_("van"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("naar"), max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("door"),
    )
    changed_at = models.DateTimeField(_("op"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        indexes = [
            models.Index(fields=["student", "to_status"], name="statuschange_student_idx"),
            models.Index(fields=["changed_at"], name="statuschange_time_idx"),
        ]

    def __str__(self):
        return f"{self.student_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise TypeError("A status change is never rewritten.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A status change is never deleted.")


class PersonalDataAccess(models.Model):
    """One row per display of a student's personal data (screen or export)."""

    class Context(models.TextChoices):
        DETAIL = "detail", _("Detailscherm")
        EXPORT = "export", _("Export")
        SCHOOL = "school", _("Schoolscherm")
        OPERATOR = "operator", _("Beheerder")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    student = models.ForeignKey(
        Student, verbose_name=_("leerling"), on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("dienst"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    context = models.CharField(_("context"), max_length=10, choices=Context.choices)
    accessed_at = models.DateTimeField(_("op"), default=timezone.now)

    class Meta:
        ordering = ["-accessed_at"]
        verbose_name = _("inzage persoonsgegevens")
        verbose_name_plural = _("inzages persoonsgegevens")
        indexes = [models.Index(fields=["student", "accessed_at"], name="pda_student_idx")]

    def __str__(self):
        return f"{self.user_id} → {self.student_id} ({self.context})"
