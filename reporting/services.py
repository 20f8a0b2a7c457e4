"""State changes of reporting: the export audit trail and the end-of-year anonymisation."""

from django.db import transaction
from django.db.models import CharField, F
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import is_operator
from matching.errors import DomainError
from matching.models import Decision, SchoolYear, Student
from notifications.services import outbox_cancel_for_school_year

from . import selectors
from .models import OperatorExport, YearAnonymisation

ANONYMOUS_FIRST_NAME = "Leerling"


def operator_export_start(
    *, school_year: SchoolYear, user, fmt: str, with_personal_data: bool
) -> OperatorExport:
    """Open the audit row of an operator export; only the operator exports everything."""
    if not is_operator(user):
        raise DomainError(_("Enkel de beheerder kan alle leerlingen exporteren."))
    return OperatorExport.objects.create(
        school_year=school_year, user=user, format=fmt, with_personal_data=with_personal_data
    )


def operator_export_complete(*, export: OperatorExport, row_count: int, now=None) -> None:
    """Mark the export as complete: from now on the year may be anonymised."""
    export.completed_at = now or timezone.now()
    export.row_count = row_count
    export.save(update_fields=["completed_at", "row_count"])


@transaction.atomic
def school_year_anonymise(
    *, school_year: SchoolYear, user, confirmation: str, now=None
) -> YearAnonymisation:
    """Remove the personal data of every student of `school_year`, keep the statistics.

    Refused unless the user is an operator, typed the school year's name, the school year
    has ended (or was closed) and a complete operator export of it exists. Cleared: national
    register number, the student's e-mail and phone, the supervisor's name, e-mail and phone,
    remarks, the import key and the services' notes; unsent mails naming a student are
    cancelled and emptied; names become "Leerling <id>". Track,
    province, school, postcode, decisions and history stay, so every figure is unchanged.
    Runs at most once per school year (the audit row is one-to-one with the year).
    """
    now = now or timezone.now()
    if not is_operator(user):
        raise DomainError(_("Enkel de beheerder kan een schooljaar anonimiseren."))
    school_year = SchoolYear.objects.select_for_update().get(pk=school_year.pk)
    if school_year.anonymised_at is not None:
        raise DomainError(_("Dit schooljaar werd al geanonimiseerd."))
    if (confirmation or "").strip() != school_year.name:
        raise DomainError(
            _("Typ de naam van het schooljaar (%(name)s) om te bevestigen.")
            % {"name": school_year.name},
            field="confirmation",
        )
    if school_year.closed_at is None and timezone.localdate(now) <= school_year.ends_on:
        raise DomainError(
            _("Een schooljaar kan pas geanonimiseerd worden na de einddatum of na afsluiten.")
        )
    export = selectors.latest_complete_export(school_year)
    if export is None:
        raise DomainError(
            _("Maak eerst een volledige export van dit schooljaar; pas daarna kan het.")
        )

    students = Student.objects.filter(school_year=school_year)
    count = students.update(
        first_name=ANONYMOUS_FIRST_NAME,
        last_name=Cast(F("pk"), output_field=CharField()),
        national_register_number="",
        email="",
        phone="",
        supervisor_name="",
        supervisor_email="",
        supervisor_phone="",
        remarks="",
        import_key="",
        anonymised_at=now,
    )
    # A service's note may describe the student; the decision itself is a statistic.
    Decision.objects.filter(student__school_year=school_year).exclude(note="").update(note="")
    # An acceptance notice still waiting (queued or failed) names the student: cancel it.
    outbox_cancel_for_school_year(school_year=school_year)
    school_year.anonymised_at = now
    school_year.save(update_fields=["anonymised_at"])
    return YearAnonymisation.objects.create(
        school_year=school_year, user=user, performed_at=now, student_count=count, export=export
    )


__all__ = [
    "ANONYMOUS_FIRST_NAME",
    "operator_export_complete",
    "operator_export_start",
    "school_year_anonymise",
]
