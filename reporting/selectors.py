"""Reads behind the operator's and the regional coordinators' figures and the reporting
screens (the operator export's rows are read in reporting.export_selectors).

Every figure is one grouped query over the school year's students, so a dashboard costs
the same at 100 or 100,000 students.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from matching import capacity
from matching.models import (
    Decision,
    Province,
    SchoolYear,
    Status,
    StatusChange,
    Student,
    Track,
)
from matching.selectors import (
    school_year_current,
    visible_q,
)
from matching.timetable import rounds_in_force

from .models import OperatorExport, YearAnonymisation

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
    beyond_capacity: int = 0  # acceptances services confirmed beyond their stated places

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
    school_year = school_year or school_year_current(now)
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
        beyond_capacity=beyond_capacity_total(school_year=school_year, provinces=provinces),
    )


def beyond_capacity_total(*, school_year: SchoolYear, provinces=None) -> int:
    """Acceptances in force that services confirmed beyond their capacity (matching's
    flag), of services in `provinces` (None = all); one query."""
    return capacity.beyond_capacity_count(school_year=school_year, provinces=provinces)


def provinces_in_reach(allowed: QuerySet[Province] | None) -> QuerySet[Province]:
    """The provinces a reporting page may offer: a coordinator's own, every one (None)."""
    return allowed if allowed is not None else Province.objects.all()


def only_province(province: Province) -> QuerySet[Province]:
    return Province.objects.filter(pk=province.pk)


def school_years() -> QuerySet[SchoolYear]:
    return SchoolYear.objects.order_by("-starts_on")


def recent_exports(limit: int = 20) -> QuerySet[OperatorExport]:
    return OperatorExport.objects.select_related("school_year", "user")[:limit]


def anonymisations() -> QuerySet[YearAnonymisation]:
    return YearAnonymisation.objects.select_related("school_year", "user")


def latest_complete_export(school_year: SchoolYear) -> OperatorExport | None:
    """The year's last finished operator export: what allows its anonymisation."""
    return (
        OperatorExport.objects.filter(school_year=school_year, completed_at__isnull=False)
        .order_by("-completed_at", "-pk")
        .first()
    )


def province_for_coordinator(*, provinces: QuerySet[Province], pk) -> Province | None:
    """One of the given provinces by id, None for 'not yours' and 'does not exist' alike."""
    try:
        return provinces.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None
