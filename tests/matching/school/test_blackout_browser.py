"""The school's students list says when a student registered in the entry blackout becomes
visible, as the timetable says now: the note follows round 3 when the operator moves it."""

import datetime as dt

import pytest
from django.utils import timezone

from matching.models import Round, Scope, Track
from tests import factories
from tests.conftest import browser_login, screenshot
from tests.logins import make_school_user

from .conftest import reload_reference_data

pytestmark = pytest.mark.browser


def test_school_sees_the_release_follow_round_3(page, live_server, transactional_db, request):
    reload_reference_data()
    now = timezone.now()
    year = request.getfixturevalue("year")
    year.entry_blackout_starts_at = now - dt.timedelta(days=20)
    year.entry_blackout_ends_at = now - dt.timedelta(days=10)
    year.save()
    round_3 = factories.RoundFactory(
        school_year=year,
        track=Track.SECONDARY,
        number=3,
        scope=Scope.ALL,
        starts_at=now + dt.timedelta(days=12),
        ends_at=now + dt.timedelta(days=30),
    )
    school = request.getfixturevalue("school")
    factories.StudentFactory(
        school_year=year,
        school=school,
        first_name="Wout",
        last_name="Wachtstop",
        registered_at=now - dt.timedelta(days=15),
    )
    user = make_school_user(school)
    browser_login(page, live_server, user.email)
    page.goto(f"{live_server.url}/admin/school/students/")
    row = page.wait_for_selector("[data-testid=students] tr:has-text('Wachtstop')")
    first = timezone.localtime(round_3.starts_at).strftime("%d/%m/%Y")
    assert f"zichtbaar vanaf {first}" in row.inner_text()
    screenshot(page, "schools-students-blackout-1280")

    # The operator moves round 3 later: the note follows without anything stored.
    Round.objects.filter(pk=round_3.pk).update(starts_at=now + dt.timedelta(days=16))
    later = timezone.localtime(now + dt.timedelta(days=16)).strftime("%d/%m/%Y")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    row = page.wait_for_selector("[data-testid=students] tr:has-text('Wachtstop')")
    assert f"zichtbaar vanaf {later}" in row.inner_text()
    screenshot(page, "schools-students-blackout-375")
