"""Students, the decisions services take on them, their append-only status history and the
log of every display of personal data. Rules that change state live in services.py; reads
(visibility above all) in querysets.py and selectors.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import postcodes
from ..querysets import StudentQuerySet
from ..validators import (
    normalize_nrn,
    validate_no_control_characters,
    validate_nrn,
    validate_phone,
)
from .organisations import Located, Province, School, Service, TransportMode


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


class Student(Located):
    """A request for a placement, registered by a school for one school year."""

    school_year = models.ForeignKey(
        "matching.SchoolYear",
        on_delete=models.PROTECT,
        related_name="students",
        verbose_name=_("schooljaar"),
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
    # Another school may register the same number in the same year without being told
    # (that answer would be a probe); the operator settles such a registration
    # (matching.duplicates) and that is recorded here, on every row of the group.
    duplicate_resolved_at = models.DateTimeField(
        _("dubbele inschrijving afgehandeld op"), null=True, blank=True, editable=False
    )
    duplicate_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("dubbele inschrijving afgehandeld door"),
    )
    duplicate_note = models.CharField(
        _("afhandeling dubbele inschrijving"), max_length=500, blank=True, editable=False
    )

    objects = StudentQuerySet.as_manager()

    class Meta:
        ordering = ["province", "postcode", "last_name", "first_name"]
        verbose_name = _("leerling")
        verbose_name_plural = _("leerlingen")
        constraints = [
            # Per school, not per year: a year-wide rule would answer another school's
            # registration to whoever tries the number (the operator sees those instead).
            models.UniqueConstraint(
                fields=["school_year", "school", "national_register_number"],
                condition=~Q(national_register_number=""),
                name="student_unique_nrn_per_school_year",
                violation_error_message=_(
                    "Deze leerling werd dit schooljaar al ingeschreven door uw school."
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
                fields=["school_year", "track", "registered_at"], name="student_year_track_reg_idx"
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
            # The operator's list of one number registered by several schools.
            models.Index(
                fields=["school_year", "national_register_number"], name="student_year_nrn_idx"
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    # Free text a school types; names above all (one rule for the form and the import).
    TEXT_FIELDS = ("first_name", "last_name", "municipality", "education", "supervisor_name")

    def clean(self):
        errors = {}
        for name in (*self.TEXT_FIELDS, "remarks"):
            try:
                validate_no_control_characters(getattr(self, name), multiline=name == "remarks")
            except ValidationError as exc:
                errors[name] = exc.messages
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
                self.locate()
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
    # Set when the service accepted while its stated places for the track were all filled
    # (it confirmed; matching.capacity). Cleared when the acceptance is taken back.
    beyond_capacity = models.BooleanField(_("boven capaciteit aanvaard"), default=False)
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
    """Append-only history of every status change: never updated, never deleted. Its
    student, service and login are PROTECTed: deleting one with history is refused, so no
    row can vanish by a cascade (tests/matching/test_history_protect.py)."""

    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("leerling")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("dienst")
    )
    from_status = models.CharField(_("van"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("naar"), max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
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
            # The live list's version: the newest change that made or took back an
            # acceptance (matching.workspace_selectors.live_version), read backwards.
            models.Index(
                fields=["id"],
                condition=Q(to_status="accepted") | Q(from_status="accepted"),
                name="statuschange_acceptance_idx",
            ),
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
    """One row per display of a student's personal data (screen or export). Like the
    status history it outlives nothing it names: student, login and service are PROTECTed."""

    class Context(models.TextChoices):
        DETAIL = "detail", _("Detailscherm")
        EXPORT = "export", _("Export")
        SCHOOL = "school", _("Schoolscherm")
        OPERATOR = "operator", _("Beheerder")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    student = models.ForeignKey(
        Student, verbose_name=_("leerling"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("dienst"),
        on_delete=models.PROTECT,
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
