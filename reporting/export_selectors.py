"""Reads behind the operator's export of a school year.

The export walks the students in chunks and fetches what a chunk needs in a fixed number
of queries; its columns read the one declaration of a student's registrable fields
(matching.columns).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.blackout import Releases
from matching.columns import Extra, StudentColumns, student_columns
from matching.models import Decision, SchoolYear, Service, Status, StatusChange, Student, Track
from matching.selectors import rounds_by_track, visibility_round
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


# The order export_chunks builds a row in (a list, not a dict per row): the columns' keys,
# checked at start-up with the columns themselves against the declaration.
ROW_KEYS = (
    "pk",
    "first_name",
    "last_name",
    "track",
    "school",
    "province",
    "postcode",
    "municipality",
    "education",
    "registered_at",
    "visible_from",
    "visible_round",
    "preferred_services",
    "accepted_by",
    "mentor",
    "period_start",
    "period_end",
    *(f"count:{s.value}" for s in STATUS_COLUMNS),
)


def _check_row_keys() -> None:
    for personal in (False, True):
        keys = export_columns(with_personal_data=personal).keys
        if keys != ROW_KEYS + (PERSONAL_FIELDS if personal else ()):
            raise ImproperlyConfigured(
                "reporting.export_selectors: ROW_KEYS and PERSONAL_FIELDS no longer follow "
                "export_columns(); export_chunks would write cells under the wrong header"
            )


_check_row_keys()


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


def _memoised(function, size: int = 4096):
    """`function` with its results kept for the export's first `size` distinct values: a
    school's supervisor writes the same phone number on many rows."""
    memo: dict = {}

    def written(value):
        found = memo.get(value)
        if found is None:
            found = function(value)
            if len(memo) < size:
                memo[value] = found
        return found

    return written


def _status_count_rows(*, first: int, last: int) -> dict[int, tuple[int, ...]]:
    """Per student of the pk range, how often each status of STATUS_COLUMNS was chosen
    (matching.selectors.status_counts, one row per student). Read as plain tuples: the ORM's
    dict and converter per row cost the export more than the query."""
    queryset = (
        StatusChange.objects.filter(student_id__gte=first, student_id__lte=last)
        .values_list("student_id")
        .annotate(
            **{f"n_{s.value}": Count("pk", filter=Q(to_status=s.value)) for s in STATUS_COLUMNS}
        )
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def export_chunks(
    *,
    school_year: SchoolYear,
    with_personal_data: bool = False,
    chunk_size: int = EXPORT_CHUNK_SIZE,
) -> Iterator[ExportChunk]:
    """The operator export of a school year, one chunk of rows at a time.

    Students come through one `.iterator()`; per chunk three queries fetch the status
    counts (from the history), the preferred services and the acceptance. Nothing is held
    beyond one chunk, so memory stays flat however many students the year has. Rows are
    lists in the order of ROW_KEYS (then PERSONAL_FIELDS), built without a dict per row.
    """
    services = {
        pk: (name, province_id)
        for pk, name, province_id in Service.objects.values_list("pk", "name", "province_id")
    }
    service_names = {pk: name for pk, (name, _province) in services.items()}
    service_provinces = {pk: province for pk, (_name, province) in services.items()}
    rounds = rounds_by_track(school_year)
    releases = Releases(school_year)
    track_labels = {value: str(label) for value, label in Track.choices}
    # str(round) translates the track label: once per export, not once per row.
    round_labels = {r.pk: str(r) for track_rounds in rounds.values() for r in track_rounds}
    through = Student.preferred_services.through
    no_counts = (0,) * len(STATUS_COLUMNS)
    written = [
        _memoised(WRITTEN_FORMS[name]) if name in WRITTEN_FORMS else None
        for name in PERSONAL_FIELDS
    ]
    fields = BASE_FIELDS + (list(PERSONAL_FIELDS) if with_personal_data else [])
    # Tuples, not dicts: the students' columns by position (BASE_FIELDS, then personal).
    students = export_students(school_year).values_list(*fields).iterator(chunk_size=chunk_size)

    for chunk in _chunks(students, chunk_size):
        ids = [row[0] for row in chunk]
        # Look-ups by the chunk's pk range (its rows come in pk order) instead of an IN list
        # of 2,000 ids, which Django and psycopg spent ~10 % of the export building; rows of
        # other years' students inside the range are never looked up.
        first, last = ids[0], ids[-1]
        counts = _status_count_rows(first=first, last=last)
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
        rows = out.rows
        for student in chunk:
            (
                pk,
                first_name,
                last_name,
                track,
                school_name,
                province_name,
                province_id,
                postcode,
                municipality,
                education,
                registered_at,
            ) = student[:11]
            own_preferred = [s for s in preferred.get(pk, ()) if s in services]
            held_back = releases.held_back(registered_at)
            visible_from = releases.visible_from(registered_at=registered_at, track=track)
            visible_round = visibility_round(
                rounds=rounds.get(track, []),
                visible_from=visible_from,
                released=not held_back or visible_from is not None,
                preferred_province_ids=[service_provinces[s] for s in own_preferred],
                province_id=province_id,
            )
            service_id, mentor, period_start, period_end = accepted.get(pk, (None, "", None, None))
            row = [
                pk,
                first_name,
                last_name,
                track_labels.get(track, track),
                school_name,
                province_name,
                postcode,
                municipality,
                education,
                registered_at,
                visible_from,
                round_labels[visible_round.pk] if visible_round else "",
                ", ".join(sorted([service_names[s] for s in own_preferred])),
                service_names.get(service_id, ""),
                mentor or "",
                period_start,
                period_end,
                *counts.get(pk, no_counts),
            ]
            if with_personal_data:
                row += [
                    form(value) if form else value
                    for form, value in zip(written, student[11:], strict=True)
                ]
            rows.append(row)
        yield out
