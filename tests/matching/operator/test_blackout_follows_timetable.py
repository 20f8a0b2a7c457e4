"""The entry blackout follows the timetable as it is now (issue 13, DESIGN.md "School entry
blackout"): the operator moves round 3 and the school year's "zichtbaar vanaf" through the
operator's own admin forms, earlier and later, and a student registered during the blackout
appears and disappears at once for its preferred service's list, detail and export, in the
operator's counts and in the count of the reminder mail."""

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from matching.models import Round, Track
from matching.selectors import undecided_counts
from matching.timetable import school_year_create_from_default
from tests import factories
from tests.logins import make_service_user
from tests.reporting.helpers import operator

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(month, day, hour=12, minute=0):
    return dt.datetime(2025, month, day, hour, minute, tzinfo=BRUSSELS)


def form_time(moment: dt.datetime) -> str:
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M")


@dataclass
class Seen:
    listed: bool
    detail: bool
    exported: bool
    operator_visible: int  # the operator's "zichtbaar" total
    reminder_count: int  # undecided visible requests in the service's reminder mail


@pytest.fixture
def world(db):
    year = school_year_create_from_default(year=2025)  # blackout 30/06-15/08, round 3 19/09
    ours = factories.ServiceFactory(province=factories.province("ANT"))
    held = factories.StudentFactory(
        school_year=year,
        first_name="Bart",
        last_name="Wachtstop",
        registered_at=at(7, 1),  # during the entry blackout (round 1)
        preferred_services=[ours],
    )
    early = factories.StudentFactory(
        school_year=year,
        first_name="Vera",
        last_name="Vroegtijdig",
        registered_at=at(6, 1),
        preferred_services=[ours],
    )
    return {
        "year": year,
        "ours": ours,
        "held": held,
        "early": early,
        "service_user": make_service_user(ours),
        "operator": operator(),
    }


def seen(world, moment) -> Seen:
    """What the preferred service and the operator see of the held student at `moment`."""
    with time_machine.travel(moment, tick=False):
        service = Client()
        service.force_login(world["service_user"])
        listing = service.get("/admin/service/students/secondary/").content.decode()
        detail = service.get(f"/admin/service/student/{world['held'].pk}/")
        export = b"".join(
            service.get("/admin/service/students/secondary/export/?tab=open").streaming_content
        ).decode("utf-8-sig")
        # The student registered before the blackout is the yardstick: always there.
        assert "Vroegtijdig" in listing and "Vroegtijdig" in export
        desk = Client()
        desk.force_login(world["operator"])
        home = desk.get(reverse("wagtailadmin_home")).content.decode()
        visible = re.findall(r'<td data-figure="visible">(\d+)</td>', home)
        assert visible, "the operator's figures are missing"
        return Seen(
            listed="Wachtstop" in listing,
            detail=detail.status_code == 200,
            exported="Wachtstop" in export,
            operator_visible=int(visible[-1]),  # the grand total row
            reminder_count=undecided_counts(service=world["ours"], now=moment).get(
                Track.SECONDARY, 0
            ),
        )


HIDDEN = Seen(listed=False, detail=False, exported=False, operator_visible=1, reminder_count=1)
SHOWN = Seen(listed=True, detail=True, exported=True, operator_visible=2, reminder_count=2)


def move_round(world, moment, number, **dates):
    """The operator edits round `number` of the secondary track in the rounds screen."""
    round_ = Round.objects.get(school_year=world["year"], track=Track.SECONDARY, number=number)
    data = {
        "school_year": round_.school_year_id,
        "track": round_.track,
        "number": round_.number,
        "name": round_.name,
        "scope": round_.scope,
        "starts_at": form_time(dates.get("starts_at", round_.starts_at)),
        "ends_at": form_time(dates.get("ends_at", round_.ends_at)),
    }
    with time_machine.travel(moment, tick=False):
        desk = Client()
        desk.force_login(world["operator"])
        response = desk.post(reverse("rounds:edit", args=[round_.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    round_.refresh_from_db()
    for name, value in dates.items():
        assert getattr(round_, name) == value


def set_release(world, moment, release: dt.datetime | None):
    """The operator edits the school year's "zichtbaar vanaf" in the school years screen."""
    year = world["year"]
    data = {
        "name": year.name,
        "starts_on": year.starts_on.isoformat(),
        "ends_on": year.ends_on.isoformat(),
        "entry_blackout_starts_at": form_time(year.entry_blackout_starts_at),
        "entry_blackout_ends_at": form_time(year.entry_blackout_ends_at),
        "blackout_release_at": form_time(release) if release else "",
    }
    with time_machine.travel(moment, tick=False):
        desk = Client()
        desk.force_login(world["operator"])
        response = desk.post(reverse("school_years:edit", args=[year.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    year.refresh_from_db()
    assert year.blackout_release_at == release


def test_the_school_year_form_explains_an_empty_release(world):
    desk = Client()
    desk.force_login(world["operator"])
    html = desk.get(reverse("school_years:edit", args=[world["year"].pk])).content.decode()
    assert "Leeg: vanaf de start van ronde 3" in html


def test_default_timetable_releases_the_blackout_at_round_3(world):
    assert seen(world, at(9, 10)) == HIDDEN  # round 2 names us, but the blackout holds
    assert seen(world, at(9, 19, 11, 59)) == HIDDEN
    assert seen(world, at(9, 19)) == SHOWN


def test_release_follows_round_3_and_the_setting_both_ways(world):
    # Round 3 earlier: the operator shortens round 2 and starts round 3 on 8/9.
    move_round(world, at(9, 6), 2, ends_at=at(9, 8))
    move_round(world, at(9, 6), 3, starts_at=at(9, 8))
    assert seen(world, at(9, 7)) == HIDDEN
    assert seen(world, at(9, 8)) == SHOWN  # not the old 19/09

    # Round 3 later (25/9), round 2 runs until then: hidden again at once, and also after
    # the old date while round 2 is still in force.
    move_round(world, at(9, 10), 3, starts_at=at(9, 25))
    move_round(world, at(9, 10), 2, ends_at=at(9, 25))
    assert seen(world, at(9, 10)) == HIDDEN
    assert seen(world, at(9, 20)) == HIDDEN
    assert seen(world, at(9, 25)) == SHOWN

    # The school year's "zichtbaar vanaf" earlier than round 3 (22/9, in round 2, which
    # names us): the setting wins.
    set_release(world, at(9, 20), at(9, 22))
    assert seen(world, at(9, 21)) == HIDDEN
    assert seen(world, at(9, 22)) == SHOWN

    # The setting later than round 3 (27/9): hidden at once, also in round 3.
    set_release(world, at(9, 22, 13), at(9, 27))
    assert seen(world, at(9, 22, 13)) == HIDDEN
    assert seen(world, at(9, 26)) == HIDDEN
    assert seen(world, at(9, 27)) == SHOWN

    # The setting emptied: round 3 (25/9) rules again.
    set_release(world, at(9, 26, 13), None)
    assert seen(world, at(9, 26, 13)) == SHOWN
    assert seen(world, at(9, 24)) == HIDDEN


def test_a_student_registered_outside_the_blackout_is_not_held(world):
    # Move the blackout window so that it no longer holds 1 July: visible in round 2.
    year = world["year"]
    year.entry_blackout_ends_at = at(6, 30, 18)
    year.save()
    assert seen(world, at(9, 10)) == SHOWN
