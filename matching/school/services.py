"""What a school does with its students: register one, change one (the bulk import, in
schoolimports, registers through the same rules).

The rules of a student (national register number, postcode → municipality and province,
track against the kind of school, the requested period) live in Student.clean; the entry
blackout in matching.blackout (read from the timetable when the student is read). These
functions call them, whichever door the data came in by (the form, the import, a command),
and add what only a school's action knows: which school year, who registered, duplicates,
and that an accepted student is frozen.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.choice_selectors import active_services
from matching.errors import DomainError
from matching.models import REGISTRABLE_SCALARS, School, SchoolYear, Student
from matching.selectors import school_year_current
from matching.validators import normalize_nrn

from . import selectors

NO_SCHOOL_YEAR = gettext_lazy("Er is geen lopend schooljaar: leerlingen inschrijven kan nog niet.")
FROZEN = gettext_lazy(
    "Deze leerling werd al aanvaard door een dienst: enkel de opmerkingen kunnen nog "
    "gewijzigd worden."
)
NRN_TAKEN_OWN = gettext_lazy("Deze leerling werd dit schooljaar al ingeschreven door uw school.")
# Only the school's own students are checked. Whether another school registered the number
# is never answered to a school (it would be a probe of other schools' students); such a
# registration goes ahead and the operator sees it in matching.duplicates.

# The registrable fields that are columns of the student row (matching.models).
SCALAR_FIELDS = list(REGISTRABLE_SCALARS)
# Fields set by the system, never by the school's data.
SYSTEM_FIELDS = ["school", "school_year", "province", "registered_by"]


def current_school_year(now=None) -> SchoolYear:
    school_year = school_year_current(now)
    if school_year is None:
        raise DomainError(NO_SCHOOL_YEAR)
    return school_year


def _full_clean(student: Student) -> None:
    """Model rules plus the one-NRN-per-school-and-year constraint, with the school's
    message."""
    student.full_clean(exclude=["province", "registered_by"], validate_constraints=False)
    _check_nrn_free(student)


def _check_nrn_free(student: Student) -> None:
    if not student.national_register_number:
        return
    taken = (
        Student.objects.filter(
            school_year_id=student.school_year_id,
            school_id=student.school_id,
            national_register_number=student.national_register_number,
        )
        .exclude(pk=student.pk)
        .exists()
    )
    if taken:
        raise ValidationError({"national_register_number": NRN_TAKEN_OWN})


def _require_nrn(student: Student) -> None:
    if not student.national_register_number:
        raise ValidationError(
            {"national_register_number": _("Het rijksregisternummer is verplicht.")}
        )


def _save(student: Student) -> None:
    try:
        with transaction.atomic():
            student.save()
    except IntegrityError:
        # A concurrent registration of the same number by this school won the race.
        raise ValidationError({"national_register_number": NRN_TAKEN_OWN})


@transaction.atomic
def student_register(*, school: School, user, data: dict, now=None) -> Student:
    """Register one student of `school` in the current school year.

    Registering during the entry blackout is allowed: the student then waits for the
    release the timetable gives at reading time (matching.blackout), and the caller warns
    the user. Raises
    DomainError without a current school year, ValidationError (per field) for bad data.
    """
    now = now or timezone.now()
    school_year = current_school_year(now)
    student = Student(
        school=school,
        school_year=school_year,
        registered_at=now,
        registered_by=user,
    )
    for name in SCALAR_FIELDS:
        if name in data:
            setattr(student, name, data[name] if data[name] is not None else _empty(name))
    student.national_register_number = normalize_nrn(student.national_register_number)
    _require_nrn(student)
    _full_clean(student)
    _save(student)
    student.transport_modes.set(data.get("transport_modes") or [])
    student.preferred_services.set(_active_services(data.get("preferred_services")))
    return student


def _empty(name):
    return None if name in ("requested_start", "requested_end", "hours") else ""


def _active_services(services):
    ids = [getattr(s, "pk", s) for s in services or []]
    return list(active_services().filter(pk__in=ids))


@transaction.atomic
def student_update(*, school: School, user, student_id: int, data: dict) -> Student:
    """Change a student of `school`. An empty national register number keeps the stored one
    (it is never shown back in full). Once accepted, only the remarks may change."""
    student = selectors.student_for_school(school=school, pk=student_id)
    student = Student.objects.select_for_update().get(pk=student.pk)
    if selectors.is_frozen(student):
        changed = [
            name
            for name in SCALAR_FIELDS
            if name in data
            and name != "remarks"
            and not (name == "national_register_number" and not data[name])
            and _differs(getattr(student, name), data[name], name)
        ]
        m2m_changed = (
            "transport_modes" in data
            and {m.pk for m in data["transport_modes"]}
            != set(student.transport_modes.values_list("pk", flat=True))
        ) or (
            "preferred_services" in data
            and {s.pk for s in data["preferred_services"]}
            != set(student.preferred_services.values_list("pk", flat=True))
        )
        if changed or m2m_changed:
            raise DomainError(FROZEN)
        if "remarks" in data:
            student.remarks = data["remarks"] or ""
            student.save(update_fields=["remarks"])
        return student
    old_postcode, old_municipality = student.postcode, student.municipality
    for name in SCALAR_FIELDS:
        if name not in data:
            continue
        if name == "national_register_number" and not data[name]:
            continue
        setattr(student, name, data[name] if data[name] is not None else _empty(name))
    student.national_register_number = normalize_nrn(student.national_register_number)
    if student.postcode != old_postcode and data.get("municipality", "") in ("", old_municipality):
        student.municipality = ""  # derived again from the new postcode
    _full_clean(student)
    _save(student)
    if "transport_modes" in data:
        student.transport_modes.set(data["transport_modes"] or [])
    if "preferred_services" in data:
        student.preferred_services.set(_active_services(data["preferred_services"]))
    return student


def _differs(current, new, name) -> bool:
    if name == "national_register_number":
        return normalize_nrn(new) != current
    if new in (None, "") and current in (None, ""):
        return False
    return current != new
