"""Reads for a school's own screens: its students and their placement.

A school sees only its own students, and of the services' decisions only the acceptance
(which service, mentor, period): never a service's notes, never who declined."""

from django.db.models import Prefetch, QuerySet

from matching.errors import StudentNotFound
from matching.models import Decision, School, SchoolYear, Status, Student


def students_of_school(*, school: School, school_year: SchoolYear | None) -> QuerySet[Student]:
    """The school's students of `school_year`, each with `acceptances` (0 or 1 decision)."""
    if school_year is None:
        return Student.objects.none()
    accepted = Decision.objects.filter(status=Status.ACCEPTED).select_related("service", "mentor")
    return (
        Student.objects.filter(school=school, school_year=school_year)
        .active()
        .select_related("province")
        .prefetch_related(
            "transport_modes",
            "preferred_services",
            Prefetch("decisions", queryset=accepted, to_attr="acceptances"),
        )
        .order_by("track", "last_name", "first_name", "pk")
    )


def filter_students(queryset: QuerySet[Student], *, q="", track="", placement="", postcode=""):
    """The overview's filters: name, track, placed or not, postcode (4 digits or 2)."""
    queryset = queryset.search_name(q).with_postcode(postcode)
    if track:
        queryset = queryset.filter(track=track)
    if placement == "placed":
        queryset = queryset.placed()
    elif placement == "unplaced":
        queryset = queryset.unplaced()
    return queryset


def registered_nrns(*, school: School, school_year: SchoolYear, nrns) -> set[str]:
    """Which of `nrns` the school already registered this year (its own students only:
    another school's registration is never hinted at)."""
    nrns = list(nrns)
    found = set()
    for start in range(0, len(nrns), 1000):
        found.update(
            Student.objects.filter(
                school_year=school_year,
                school=school,
                national_register_number__in=nrns[start : start + 1000],
            ).values_list("national_register_number", flat=True)
        )
    return found


def acceptance_of(student: Student) -> Decision | None:
    acceptances = getattr(student, "acceptances", None)
    if acceptances is None:
        acceptances = list(
            student.decisions.filter(status=Status.ACCEPTED).select_related("service", "mentor")
        )
    return acceptances[0] if acceptances else None


def student_for_school(*, school: School, pk) -> Student:
    """A student of `school`; another school's student is as missing as a wrong id."""
    student = Student.objects.filter(school=school, pk=pk, anonymised_at__isnull=True).first()
    if student is None:
        raise StudentNotFound()
    return student


def is_frozen(student: Student) -> bool:
    """Once a service accepted the student, the school changes only the remarks."""
    return Student.objects.filter(pk=student.pk).placed().exists()
