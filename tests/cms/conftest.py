import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from wagtail.models import Site

from cms.models import ContactPage, ContentPage, FaqPage, HomePage, TimetablePage

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels(year, month, day, hour=12, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
def site_pages(db):
    """The public site as seed_cms builds it."""
    call_command("seed_cms", stdout=io.StringIO())
    home = HomePage.objects.get()
    return {
        "site": Site.objects.get(is_default_site=True),
        "home": home,
        "services_manual": ContentPage.objects.get(slug="handleiding-diensten"),
        "schools_manual": ContentPage.objects.get(slug="handleiding-scholen"),
        "faq": FaqPage.objects.get(),
        "timetable": TimetablePage.objects.get(),
        "contact": ContactPage.objects.get(),
    }


@pytest.fixture
def default_timetable(db):
    """School year 2025-2026 with DESIGN.md's default timetable."""
    from matching.models import Milestone, Scope, Track
    from tests.factories import RoundFactory, SchoolYearFactory

    year = SchoolYearFactory(
        entry_blackout_starts_at=brussels(2025, 6, 30),
        entry_blackout_ends_at=brussels(2025, 8, 15),
        blackout_release_at=brussels(2025, 9, 19),
    )
    rounds = {}
    for track in [Track.SECONDARY, Track.ADULT]:
        for number, start, end, scope in [
            (1, brussels(2025, 6, 30), brussels(2025, 8, 15), Scope.PREFERRED_IN_PROVINCE),
            (2, brussels(2025, 9, 5), brussels(2025, 9, 19), Scope.PREFERRED),
            (3, brussels(2025, 9, 19), brussels(2025, 9, 30), Scope.ALL),
        ]:
            rounds[track, number] = RoundFactory(
                school_year=year,
                track=track,
                number=number,
                scope=scope,
                starts_at=start,
                ends_at=end,
            )
    rounds[Track.DUAL, 1] = RoundFactory(
        school_year=year,
        track=Track.DUAL,
        number=1,
        scope=Scope.ALL,
        starts_at=brussels(2025, 6, 16),
        ends_at=brussels(2025, 12, 1),
    )
    Milestone.objects.create(
        school_year=year,
        name="Streefdatum plaatsing",
        tracks="secondary,adult",
        starts_at=brussels(2025, 9, 19),
        ends_at=brussels(2025, 10, 7),
    )
    return {"year": year, "rounds": rounds}
