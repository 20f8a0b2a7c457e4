"""Reads behind the operator's and the regional coordinators' figures and the operator export.

Every figure is one grouped query over the school year's students, so a dashboard costs
the same at 100 or 100,000 students; the export walks the students in chunks and fetches
what a chunk needs in a fixed number of queries.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.blackout import Releases
from matching.models import (
    Decision,
    Province,
    SchoolYear,
    Service,
    Status,
    StatusChange,
    Student,
    Track,
)
from matching.selectors import rounds_by_track, status_counts, visibility_round, visible_q
from matching.timetable import rounds_in_force
from matching.validators import format_nrn, format_phone

EXPORT_CHUNK_SIZE = 2000


# Operator export ---------------------------------------------------------------------------

STATUS_COLUMNS = list(Status)
PERSONAL_FIELDS = [
    ("national_register_number", gettext_lazy("Rijksregisternummer")),
    ("email", gettext_lazy("E-mailadres leerling")),
    ("phone", gettext_lazy("Telefoon leerling")),
    ("supervisor_name", gettext_lazy("Naam stagebegeleider")),
    ("supervisor_email", gettext_lazy("E-mailadres stagebegeleider")),
    ("supervisor_phone", gettext_lazy("Telefoon stagebegeleider")),
]
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


def export_header(*, with_personal_data: bool = False) -> list[str]:
    header = [
        _("Leerling-ID"),
        _("Voornaam"),
        _("Achternaam"),
        _("Type leerling"),
        _("School"),
        _("Provincie"),
        _("Postcode"),
        _("Gemeente"),
        _("Opleiding"),
        _("Ingeschreven op"),
        _("Zichtbaar vanaf"),
        _("Ronde van zichtbaarheid"),
        _("Voorkeursdiensten"),
        _("Aanvaard door"),
        _("Stagementor"),
        _("Start stage"),
        _("Einde stage"),
    ]
    header += [_("Aantal keer: %(status)s") % {"status": status.label} for status in STATUS_COLUMNS]
    if with_personal_data:
        header += [str(label) for _field, label in PERSONAL_FIELDS]
    return header


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
    fields = BASE_FIELDS + (
        [name for name, _label in PERSONAL_FIELDS] if with_personal_data else []
    )
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
            row = [
                pk,
                student["first_name"],
                student["last_name"],
                track_labels.get(student["track"], student["track"]),
                student["school__name"],
                student["province__name"],
                student["postcode"],
                student["municipality"],
                student["education"],
                student["registered_at"],
                visible_from,
                round_labels[visible_round.pk] if visible_round else "",
                ", ".join(sorted(services[s][0] for s in own_preferred if s in services)),
                services[service_id][0] if service_id in services else "",
                mentor or "",
                period_start,
                period_end,
            ]
            row += [student_counts.get(status.value, 0) for status in STATUS_COLUMNS]
            if with_personal_data:
                row += [
                    WRITTEN_FORMS[name](student[name]) if name in WRITTEN_FORMS else student[name]
                    for name, _label in PERSONAL_FIELDS
                ]
            out.rows.append(row)
        yield out


# Figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    province_id: int
    province: str
    track: str
    registered: int
    visible: int
    placed: int

    @property
    def unplaced(self) -> int:
        return self.registered - self.placed

    @property
    def track_label(self) -> str:
        return str(Track(self.track).label)


@dataclass(frozen=True)
class ProvinceTotal:
    province_id: int
    province: str
    registered: int
    visible: int
    placed: int

    @property
    def unplaced(self) -> int:
        return self.registered - self.placed


def _placed_q() -> Q:
    return Q(Student.objects.placed_q())


def _visible_now_q(*, school_year: SchoolYear, now) -> Q | None:
    """Unplaced students that at least one service sees at `now`: the services' own rule,
    matching.selectors.visible_q, read for "some service". None when no round is in force."""
    rounds = rounds_in_force(tracks=Track.values, now=now, school_year=school_year)
    if not any(rounds.values()):
        return None
    by_track = Q(pk__in=[])
    for current in rounds.values():
        by_track |= visible_q(service=None, round=current, now=now)
    return by_track


def year_students(school_year: SchoolYear, provinces=None) -> QuerySet[Student]:
    qs = Student.objects.filter(school_year=school_year)
    if provinces is not None:
        qs = qs.filter(province__in=provinces)
    return qs


def province_track_figures(*, school_year: SchoolYear, provinces=None, now=None) -> list[FigureRow]:
    """Per province and track: registered, visible now, placed (and so unplaced).

    One grouped query. `provinces` restricts to a coordinator's provinces (None = all).
    Anonymised students still count: the purge keeps the statistics.
    """
    now = now or timezone.now()
    visible = _visible_now_q(school_year=school_year, now=now)
    rows = (
        year_students(school_year, provinces)
        .values("province_id", "province__name", "track")
        .annotate(
            registered=Count("pk"),
            placed=Count("pk", filter=_placed_q()),
            visible=Count("pk", filter=visible)
            if visible is not None
            else Value(0, output_field=IntegerField()),
        )
        .order_by("province__name", "track")
    )
    track_order = {value: index for index, value in enumerate(Track.values)}
    figures = [
        FigureRow(
            province_id=row["province_id"],
            province=row["province__name"],
            track=row["track"],
            registered=row["registered"],
            visible=row["visible"],
            placed=row["placed"],
        )
        for row in rows
    ]
    return sorted(figures, key=lambda r: (r.province, track_order.get(r.track, 99)))


def province_totals(figures: list[FigureRow]) -> list[ProvinceTotal]:
    """The figures summed over the tracks, per province (for the bar chart)."""
    totals: dict[int, dict] = {}
    for row in figures:
        total = totals.setdefault(
            row.province_id,
            {"province": row.province, "registered": 0, "visible": 0, "placed": 0},
        )
        total["registered"] += row.registered
        total["visible"] += row.visible
        total["placed"] += row.placed
    return [ProvinceTotal(province_id=pk, **values) for pk, values in totals.items()]


@dataclass(frozen=True)
class WeekPoint:
    week: dt.date
    placed: int
    cumulative: int


def placements_by_week(
    *, school_year: SchoolYear, provinces=None, today: dt.date | None = None
) -> list[WeekPoint]:
    """Placements in force now, by the week in which they were accepted.

    Counted from the current `accepted` decisions, each dated by its latest StatusChange
    to `accepted` (the decision's own timestamp when history is missing). A placement that
    was taken back is therefore not counted at all, and a re-acceptance counts once, in the
    week of the last acceptance: the line ends at today's number of placed students.
    Weeks without placements are filled with zero up to `today` (within the school year).
    """
    accepted_at = Subquery(
        StatusChange.objects.filter(
            student_id=OuterRef("student_id"),
            service_id=OuterRef("service_id"),
            to_status=Status.ACCEPTED,
        )
        .order_by("-changed_at", "-pk")
        .values("changed_at")[:1]
    )
    decisions = Decision.objects.filter(status=Status.ACCEPTED, student__school_year=school_year)
    if provinces is not None:
        decisions = decisions.filter(student__province__in=provinces)
    rows = (
        decisions.annotate(accepted_at=Coalesce(accepted_at, F("updated_at")))
        .annotate(week=TruncWeek("accepted_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    per_week: dict[dt.date, int] = {}
    for row in rows:
        week = row["week"]
        if isinstance(week, dt.datetime):
            week = timezone.localtime(week).date() if timezone.is_aware(week) else week.date()
        per_week[week] = per_week.get(week, 0) + row["n"]
    if not per_week:
        return []
    today = today or timezone.localdate()
    last = max(max(per_week), _monday(min(today, school_year.ends_on)))
    points, cumulative, week = [], 0, min(per_week)
    while week <= last:
        cumulative += per_week.get(week, 0)
        points.append(WeekPoint(week=week, placed=per_week.get(week, 0), cumulative=cumulative))
        week += dt.timedelta(days=7)
    return points


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def undecided_q() -> Q:
    """No service took any decision yet: no decision row other than 'undecided'."""
    return ~Q(
        Exists(Decision.objects.filter(student=OuterRef("pk")).exclude(status=Status.UNDECIDED))
    )


def students_without_decision(*, school_year: SchoolYear, provinces=None) -> QuerySet[Student]:
    return year_students(school_year, provinces).filter(undecided_q())


def unplaced_students(
    *, school_year: SchoolYear, provinces=None, track: str = "", without_decision: bool = False
) -> QuerySet[Student]:
    """The list behind the figures: unplaced students, only the fields that list shows.

    No personal data leaves this selector: name, school, postcode, province, track and
    registration date only.
    """
    qs = year_students(school_year, provinces).unplaced()
    if track in Track.values:
        qs = qs.filter(track=track)
    if without_decision:
        qs = qs.filter(undecided_q())
    return (
        qs.select_related("school", "province")
        .only(
            "pk",
            "first_name",
            "last_name",
            "postcode",
            "municipality",
            "track",
            "registered_at",
            "school__name",
            "province__name",
        )
        .order_by("province__name", "postcode", "last_name", "first_name", "pk")
    )


@dataclass
class Dashboard:
    school_year: SchoolYear | None
    figures: list[FigureRow] = field(default_factory=list)
    totals: list[ProvinceTotal] = field(default_factory=list)
    weeks: list[WeekPoint] = field(default_factory=list)
    without_decision: int = 0

    @property
    def grand_total(self) -> ProvinceTotal:
        return ProvinceTotal(
            province_id=0,
            province=_("Totaal"),
            registered=sum(t.registered for t in self.totals),
            visible=sum(t.visible for t in self.totals),
            placed=sum(t.placed for t in self.totals),
        )


def dashboard(*, provinces=None, school_year: SchoolYear | None = None, now=None) -> Dashboard:
    """Everything the operator's (or a coordinator's) dashboard shows, in a few queries."""
    now = now or timezone.now()
    school_year = school_year or SchoolYear.objects.current(now)
    if school_year is None:
        return Dashboard(school_year=None)
    figures = province_track_figures(school_year=school_year, provinces=provinces, now=now)
    return Dashboard(
        school_year=school_year,
        figures=figures,
        totals=province_totals(figures),
        weeks=placements_by_week(
            school_year=school_year, provinces=provinces, today=timezone.localdate(now)
        ),
        without_decision=students_without_decision(
            school_year=school_year, provinces=provinces
        ).count(),
    )


def province_for_coordinator(*, provinces: QuerySet[Province], pk) -> Province | None:
    """One of the given provinces by id, None for 'not yours' and 'does not exist' alike."""
    try:
        return provinces.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None
