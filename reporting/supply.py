"""Supply and demand (issue 19): per province and track, the unplaced students against the
free places services stated, and the services that still have room. Computed live for
the chosen school year from matching's own rules — unplaced is
`StudentQuerySet.unplaced` (no acceptance), places are matching.capacity's — in a fixed
number of queries (one for the students, one for the services, two per track for the
places), whatever the number of services or students.

Demand counts by the student's province, supply by the service's province. A service that
stated no capacity for a track adds no free places; it is counted apart.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from matching import capacity
from matching.models import SchoolYear, Service, Student, Track


@dataclass
class SupplyRow:
    province_id: int
    province: str
    track: str
    unplaced: int = 0
    capacity: int = 0
    filled: int = 0
    free: int = 0
    over: int = 0  # acceptances beyond stated places (live)
    flagged: int = 0  # acceptances the service confirmed beyond capacity
    without_capacity: int = 0  # active services that stated none for the track

    @property
    def shortage(self) -> int:
        """Unplaced students for whom no free place exists in the province."""
        return max(self.unplaced - self.free, 0)

    @property
    def track_label(self) -> str:
        return str(Track(self.track).label)


@dataclass(frozen=True)
class RoomRow:
    service_id: int
    service: str
    province: str
    municipality: str
    track: str
    places: capacity.Places
    period_start: object = None
    period_end: object = None

    @property
    def track_label(self) -> str:
        return str(Track(self.track).label)


@dataclass
class SupplyDemand:
    school_year: SchoolYear | None
    rows: list[SupplyRow] = field(default_factory=list)
    room: list[RoomRow] = field(default_factory=list)

    def totals(self) -> SupplyRow:
        total = SupplyRow(province_id=0, province=_("Totaal"), track="")
        for row in self.rows:
            for name in ("unplaced", "capacity", "filled", "free", "over", "flagged"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
            total.without_capacity += row.without_capacity
        return total

    def by_province(self) -> list[SupplyRow]:
        """The rows summed over the tracks, per province (the chart's bars)."""
        merged: dict[int, SupplyRow] = {}
        for row in self.rows:
            total = merged.setdefault(
                row.province_id, SupplyRow(row.province_id, row.province, track="")
            )
            total.unplaced += row.unplaced
            total.free += row.free
        return list(merged.values())


def supply_and_demand(*, school_year: SchoolYear | None, provinces=None, track: str = ""):
    """Everything the supply-and-demand page shows for `school_year`, restricted to
    `provinces` (a coordinator's; None = all) and to one `track` if given."""
    if school_year is None:
        return SupplyDemand(school_year=None)
    tracks = [track] if track in Track.values else list(Track.values)
    students = Student.objects.filter(
        school_year=school_year, track__in=tracks, anonymised_at__isnull=True
    ).unplaced()
    services = Service.objects.filter(is_active=True)
    if provinces is not None:
        students = students.filter(province__in=provinces)
        services = services.filter(province__in=provinces)
    rows: dict[tuple[int, str], SupplyRow] = {}

    def row_for(province_id, name, each_track) -> SupplyRow:
        key = (province_id, each_track)
        if key not in rows:
            rows[key] = SupplyRow(province_id, name, each_track)
        return rows[key]

    for item in (
        students.values("province_id", "province__name", "track").annotate(n=Count("pk")).order_by()
    ):
        row_for(item["province_id"], item["province__name"], item["track"]).unplaced = item["n"]

    service_info = {
        s["pk"]: s
        for s in services.values("pk", "name", "municipality", "province_id", "province__name")
    }
    room = []
    periods = capacity.periods(school_year=school_year, service_ids=list(service_info))
    for each_track in tracks:
        places = capacity.places_by_service(school_year=school_year, track=each_track)
        flagged = capacity.beyond_capacity_by_service(school_year=school_year, track=each_track)
        for pk, info in service_info.items():
            row = row_for(info["province_id"], info["province__name"], each_track)
            found = places.get(pk)
            if found is None or found.capacity is None:
                row.without_capacity += 1
                if found is not None:
                    row.filled += found.filled
                continue
            row.capacity += found.capacity
            row.filled += found.filled
            row.free += found.free
            row.over += found.over
            row.flagged += flagged.get(pk, 0)
            if found.free:
                start, end = periods.get((pk, each_track), (None, None))
                room.append(
                    RoomRow(
                        service_id=pk,
                        service=info["name"],
                        province=info["province__name"],
                        municipality=info["municipality"],
                        track=each_track,
                        places=found,
                        period_start=start,
                        period_end=end,
                    )
                )
    order = {value: index for index, value in enumerate(Track.values)}
    return SupplyDemand(
        school_year=school_year,
        rows=sorted(rows.values(), key=lambda r: (r.province, order[r.track])),
        room=sorted(room, key=lambda r: (r.province, order[r.track], r.service)),
    )
