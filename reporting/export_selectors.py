"""Reads behind the operator's export of a school year.

The export walks the students in chunks and fetches what a chunk needs in a fixed number
of queries; its columns read the one declaration of a student's registrable fields
(matching.columns).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.blackout import Releases
from matching.columns import Extra, StudentColumns, student_columns
from matching.models import Decision, SchoolYear, Service, Status, Student, Track
from matching.selectors import rounds_by_track, status_counts, visibility_round
from matching.validators import format_nrn, format_phone

EXPORT_CHUNK_SIZE = 2000


# Operator export ---------------------------------------------------------------------------

STATUS_COLUMNS = list(Status)
# Personal data (with the supervisor's name) only in the export "met persoonsgegevens".
PERSONAL_FIELDS = (
    "national_register_number",
    "email",
    "phone",
    "supervisor_name",
    "supervisor_email",
    "supervisor_phone",
)
# Not in the operator's export: the details of the request, which the services read.
WITHHELD_FIELDS = ("transport_modes", "requested_start", "requested_end", "hours", "remarks")
# Personal fields written in their usual forms, which spreadsheets keep as text.
WRITTEN_FORMS = {
    "national_register_number": format_nrn,
    "phone": format_phone,
    "supervisor_phone": format_phone,
}
BASE_FIELDS = [
    "pk",
    "first_name",
    "last_name",
    "track",
    "school__name",
    "province__name",
    "province_id",
    "postcode",
    "municipality",
    "education",
    "registered_at",
]


def _status_count_label(status):
    return lambda: _("Aantal keer: %(status)s") % {"status": status.label}


def export_columns(*, with_personal_data: bool = False) -> StudentColumns:
    """The operator export's columns: the student's registrable fields under their one
    label (matching.columns), the placement, a count per status, personal data if asked."""
    return student_columns(
        Extra("pk", gettext_lazy("Leerling-ID")),
        "first_name",
        "last_name",
        "track",
        Extra("school", gettext_lazy("School")),
        Extra("province", gettext_lazy("Provincie")),
        "postcode",
        "municipality",
        "education",
        Extra("registered_at", gettext_lazy("Ingeschreven op")),
        Extra("visible_from", gettext_lazy("Zichtbaar vanaf")),
        Extra("visible_round", gettext_lazy("Ronde van zichtbaarheid")),
        "preferred_services",
        Extra("accepted_by", gettext_lazy("Aanvaard door")),
        Extra("mentor", gettext_lazy("Stagementor")),
        Extra("period_start", gettext_lazy("Start stage")),
        Extra("period_end", gettext_lazy("Einde stage")),
        *[Extra(f"count:{s.value}", _status_count_label(s)) for s in STATUS_COLUMNS],
        *(PERSONAL_FIELDS if with_personal_data else ()),
        withheld=WITHHELD_FIELDS + (() if with_personal_data else PERSONAL_FIELDS),
    )


export_columns(with_personal_data=True)  # checked against the declaration at start-up


def export_header(*, with_personal_data: bool = False) -> list[str]:
    return export_columns(with_personal_data=with_personal_data).header()


@dataclass
class ExportChunk:
    student_ids: list[int]
    rows: list[list] = field(default_factory=list)


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def export_students(school_year: SchoolYear) -> QuerySet[Student]:
    """All students of the year, placed or not, anonymised or not: the operator's whole view."""
    return Student.objects.filter(school_year=school_year).order_by("pk")


def export_chunks(
    *,
    school_year: SchoolYear,
    with_personal_data: bool = False,
    chunk_size: int = EXPORT_CHUNK_SIZE,
) -> Iterator[ExportChunk]:
    """The operator export of a school year, one chunk of rows at a time.

    Students come through one `.iterator()`; per chunk three queries fetch the status
    counts (from the history), the preferred services and the acceptance. Nothing is held
    beyond one chunk, so memory stays flat however many students the year has.
    """
    services = {
        pk: (name, province_id)
        for pk, name, province_id in Service.objects.values_list("pk", "name", "province_id")
    }
    rounds = rounds_by_track(school_year)
    releases = Releases(school_year)
    track_labels = {value: str(label) for value, label in Track.choices}
    # str(round) translates the track label: once per export, not once per row.
    round_labels = {r.pk: str(r) for track_rounds in rounds.values() for r in track_rounds}
    through = Student.preferred_services.through
    columns = export_columns(with_personal_data=with_personal_data)
    fields = BASE_FIELDS + (list(PERSONAL_FIELDS) if with_personal_data else [])
    students = export_students(school_year).values(*fields).iterator(chunk_size=chunk_size)

    for chunk in _chunks(students, chunk_size):
        ids = [row["pk"] for row in chunk]
        # Look-ups by the chunk's pk range (its rows come in pk order) instead of an IN list
        # of 2,000 ids, which Django and psycopg spent ~10 % of the export building; rows of
        # other years' students inside the range are never looked up.
        first, last = ids[0], ids[-1]
        counts = status_counts(student_range=(first, last))
        preferred: dict[int, list[int]] = {}
        for student_id, service_id in through.objects.filter(
            student_id__gte=first, student_id__lte=last
        ).values_list("student_id", "service_id"):
            preferred.setdefault(student_id, []).append(service_id)
        accepted = {
            row[0]: row[1:]
            for row in Decision.objects.filter(
                student_id__gte=first, student_id__lte=last, status=Status.ACCEPTED
            ).values_list("student_id", "service_id", "mentor__name", "period_start", "period_end")
        }
        out = ExportChunk(student_ids=ids)
        for student in chunk:
            pk = student["pk"]
            own_preferred = preferred.get(pk, [])
            held_back = releases.held_back(student["registered_at"])
            visible_from = releases.visible_from(
                registered_at=student["registered_at"], track=student["track"]
            )
            visible_round = visibility_round(
                rounds=rounds.get(student["track"], []),
                visible_from=visible_from,
                released=not held_back or visible_from is not None,
                preferred_province_ids=[services[s][1] for s in own_preferred if s in services],
                province_id=student["province_id"],
            )
            service_id, mentor, period_start, period_end = accepted.get(pk, (None, "", None, None))
            student_counts = counts.get(pk, {})
            cells = {
                "pk": pk,
                "first_name": student["first_name"],
                "last_name": student["last_name"],
                "track": track_labels.get(student["track"], student["track"]),
                "school": student["school__name"],
                "province": student["province__name"],
                "postcode": student["postcode"],
                "municipality": student["municipality"],
                "education": student["education"],
                "registered_at": student["registered_at"],
                "visible_from": visible_from,
                "visible_round": round_labels[visible_round.pk] if visible_round else "",
                "preferred_services": ", ".join(
                    sorted(services[s][0] for s in own_preferred if s in services)
                ),
                "accepted_by": services[service_id][0] if service_id in services else "",
                "mentor": mentor or "",
                "period_start": period_start,
                "period_end": period_end,
            }
            for status in STATUS_COLUMNS:
                cells[f"count:{status.value}"] = student_counts.get(status.value, 0)
            if with_personal_data:
                for name in PERSONAL_FIELDS:
                    value = student[name]
                    cells[name] = WRITTEN_FORMS[name](value) if name in WRITTEN_FORMS else value
            row = columns.row(cells)
            out.rows.append(row)
        yield out
