"""One national register number registered by several schools in the same school year.

A school is never told that another school registered a number (the answer would let it
probe other schools' students): both registrations are kept, and the operator sees them
here with both schools' contacts. The operator contacts the schools (most often one of
them mistyped the number and corrects it in its own screen; otherwise the schools agree
who keeps the request) and then records the case as settled. Settling marks every row of
the group; a later registration of the same number by yet another school is a new,
unsettled row, so the group shows up again.

Reads (duplicate_groups) and the one state change (duplicate_resolve) live here.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import is_operator

from .errors import DomainError
from .models import PersonalDataAccess, SchoolYear, Student
from .services import personal_data_log
from .validators import mask_nrn


@dataclass
class DuplicateGroup:
    key: int  # the pk of the group's first registration: the only id in URLs
    nrn_masked: str
    students: list[Student]
    resolved: bool

    @property
    def resolved_by(self):
        return self.students[0].duplicate_resolved_by if self.resolved else None

    @property
    def resolved_at(self):
        return self.students[0].duplicate_resolved_at if self.resolved else None

    @property
    def note(self):
        return self.students[0].duplicate_note if self.resolved else ""


def _registrations(school_year: SchoolYear):
    return (
        Student.objects.active()
        .filter(school_year=school_year)
        .exclude(national_register_number="")
    )


def duplicate_groups(*, school_year: SchoolYear | None, open_only: bool = True):
    """The numbers of `school_year` registered by more than one school, each with every
    registration (school, who registered, when). Two queries, whatever the count."""
    if school_year is None:
        return []
    numbers = (
        _registrations(school_year)
        .values("national_register_number")
        .annotate(
            schools=Count("school", distinct=True),
            unsettled=Count("pk", filter=Q(duplicate_resolved_at__isnull=True)),
        )
        .filter(schools__gt=1)
    )
    if open_only:
        numbers = numbers.filter(unsettled__gt=0)
    rows = (
        _registrations(school_year)
        .filter(national_register_number__in=numbers.values("national_register_number"))
        .select_related("school", "registered_by", "duplicate_resolved_by")
        .order_by("national_register_number", "registered_at", "pk")
    )
    groups: dict[str, list[Student]] = {}
    for student in rows:
        groups.setdefault(student.national_register_number, []).append(student)
    return [
        DuplicateGroup(
            key=students[0].pk,
            nrn_masked=mask_nrn(nrn),
            students=students,
            resolved=all(s.duplicate_resolved_at for s in students),
        )
        for nrn, students in groups.items()
    ]


def duplicate_groups_shown(*, user, groups) -> None:
    """Log the display: who is registered at two schools is personal data too."""
    personal_data_log(
        user=user,
        students=[s.pk for group in groups for s in group.students],
        context=PersonalDataAccess.Context.OPERATOR,
    )


@transaction.atomic
def duplicate_resolve(*, user, student_id: int, note: str) -> int:
    """Record that the operator settled the group of `student_id`'s number: every
    registration of that number in that year gets who, when and the note. Returns how
    many rows. Operators only (the screen checks too)."""
    if not is_operator(user):
        raise DomainError(_("Enkel een beheerder handelt dubbele inschrijvingen af."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Schrijf kort hoe dit werd afgehandeld."))
    first = Student.objects.active().filter(pk=student_id).first()
    if first is None or not first.national_register_number:
        raise DomainError(_("Deze dubbele inschrijving werd niet gevonden."))
    group = list(
        _registrations(first.school_year)
        .filter(national_register_number=first.national_register_number)
        .select_for_update()
        .order_by("pk")
    )
    if len({s.school_id for s in group}) < 2:
        raise DomainError(
            _("Dit rijksregisternummer is niet (meer) door meerdere scholen ingeschreven.")
        )
    now = timezone.now()
    return Student.objects.filter(pk__in=[s.pk for s in group]).update(
        duplicate_resolved_at=now, duplicate_resolved_by=user, duplicate_note=note[:500]
    )
