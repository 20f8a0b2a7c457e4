"""Reads for the public site. The timetable is built from the same rows the tool enforces
(matching's rounds, milestones and entry blackout), so what people read is what happens."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Page, Site

from matching.blackout import Releases
from matching.models import Milestone, Round, SchoolYear, Scope, Track
from matching.timetable import round_in_force

TRACK_ORDER = [choice.value for choice in Track]


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _track_labels(tracks) -> list[str]:
    ordered = sorted(set(tracks), key=lambda t: TRACK_ORDER.index(t) if t in TRACK_ORDER else 99)
    return [str(Track(t).label) if t in TRACK_ORDER else t for t in ordered]


@dataclass
class TimetableEntry:
    """One line of the timetable: one or more rounds that share number, dates and scope."""

    number: int
    name: str
    scope: str
    scope_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    tracks: list[str] = field(default_factory=list)
    track_labels: list[str] = field(default_factory=list)
    in_force: bool = False
    is_last: bool = False


@dataclass
class RoundGroup:
    number: int
    entries: list[TimetableEntry]

    @property
    def in_force(self) -> bool:
        return any(entry.in_force for entry in self.entries)


@dataclass
class MilestoneEntry:
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    track_labels: list[str]


@dataclass
class InForce:
    track_label: str
    round: Round | None


@dataclass
class Timetable:
    school_year: SchoolYear
    groups: list[RoundGroup]
    milestones: list[MilestoneEntry]
    in_force: list[InForce]
    now: dt.datetime

    @cached_property
    def blackout(self) -> dict | None:
        year = self.school_year
        if not year.entry_blackout_starts_at:
            return None
        return {
            "starts_at": year.entry_blackout_starts_at,
            "ends_at": year.entry_blackout_ends_at,
            # The release the services' screens apply (matching.blackout), not a copy.
            "release_at": Releases(year).common_release(),
            "active": year.in_entry_blackout(self.now),
        }

    def as_dict(self) -> dict:
        """A JSON-friendly form for the headless API."""
        return {
            "school_year": self.school_year.name,
            "rounds": [
                {
                    "number": entry.number,
                    "name": entry.name,
                    "tracks": entry.tracks,
                    "scope": entry.scope,
                    "starts_at": _iso(entry.starts_at),
                    "ends_at": _iso(entry.ends_at),
                    "in_force": entry.in_force,
                }
                for group in self.groups
                for entry in group.entries
            ],
            "milestones": [
                {
                    "name": m.name,
                    "starts_at": _iso(m.starts_at),
                    "ends_at": _iso(m.ends_at),
                }
                for m in self.milestones
            ],
            "entry_blackout": (
                {key: _iso(value) for key, value in self.blackout.items() if key != "active"}
                if self.blackout
                else None
            ),
        }


def timetable_for(*, now: dt.datetime, school_year: SchoolYear | None = None) -> Timetable | None:
    """The current school year's rounds grouped by number, with the round in force per track.

    A round is in force for its track from its start until the next round of that track
    starts; the last one stays in force until the school year is closed. Rounds of several
    tracks with the same number, dates and scope form one entry.
    """
    school_year = school_year or SchoolYear.objects.current(now)
    if school_year is None:
        return None

    open_year = school_year.closed_at is None or school_year.closed_at > now
    in_force_ids: set[int] = set()
    in_force: list[InForce] = []
    rounds = list(Round.objects.filter(school_year=school_year).order_by("number", "starts_at"))
    tracks_with_rounds = {r.track for r in rounds}
    for track in TRACK_ORDER:
        if track not in tracks_with_rounds:
            continue
        current = (
            round_in_force(track=track, now=now, school_year=school_year) if open_year else None
        )
        if current:
            in_force_ids.add(current.pk)
        in_force.append(InForce(track_label=str(Track(track).label), round=current))

    last_per_track: dict[str, int] = {}
    for r in sorted(rounds, key=lambda r: r.starts_at):
        last_per_track[r.track] = r.pk

    by_number: dict[int, dict[tuple, TimetableEntry]] = defaultdict(dict)
    for r in rounds:
        key = (r.starts_at, r.ends_at, r.scope, r.name)
        entry = by_number[r.number].get(key)
        if entry is None:
            entry = by_number[r.number][key] = TimetableEntry(
                number=r.number,
                name=r.name,
                scope=r.scope,
                scope_label=str(Scope(r.scope).label) if r.scope in Scope.values else r.scope,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
            )
        entry.tracks.append(r.track)
        entry.in_force = entry.in_force or r.pk in in_force_ids
        entry.is_last = entry.is_last or last_per_track.get(r.track) == r.pk

    groups = []
    for number in sorted(by_number):
        entries = sorted(by_number[number].values(), key=lambda e: (e.starts_at, e.tracks))
        for entry in entries:
            entry.tracks.sort(key=TRACK_ORDER.index)
            entry.track_labels = _track_labels(entry.tracks)
        groups.append(RoundGroup(number=number, entries=entries))

    milestones = [
        MilestoneEntry(
            name=m.name,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            track_labels=_track_labels(t.strip() for t in m.tracks.split(",") if t.strip()),
        )
        for m in Milestone.objects.filter(school_year=school_year).order_by("starts_at")
    ]
    return Timetable(
        school_year=school_year,
        groups=groups,
        milestones=milestones,
        in_force=in_force,
        now=now,
    )


def menu_pages(site: Site | None) -> QuerySet[Page]:
    """The pages of the main navigation: live, public children of the site root in the menu."""
    if site is None:
        return Page.objects.none()
    return site.root_page.get_children().live().public().in_menu()


def search_pages(query: str, site: Site | None = None):
    """Full-text search over live, public pages of the site (never drafts or private pages)."""
    pages = Page.objects.live().public()
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    return pages.search(query, operator="and")
