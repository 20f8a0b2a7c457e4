import datetime as dt

import pytest
from django.utils import timezone

from matching.models import Province, Scope, Status, Track
from tests import factories
from tests.conftest import SCREENSHOTS, browser_login, screenshot

from .helpers import coordinator, operator, set_status

PROVINCES = [
    ("ANT", "Antwerpen", "2000", 9, 5),
    ("LIM", "Limburg", "3500", 4, 1),
    ("OVL", "Oost-Vlaanderen", "9000", 7, 3),
    ("VBR", "Vlaams-Brabant", "3000", 5, 4),
    ("WVL", "West-Vlaanderen", "8000", 6, 2),
]


def build_year():
    """A running school year with students in five provinces, placed over several weeks."""
    now = timezone.now()
    year = factories.SchoolYearFactory(
        name="2026-2027",
        starts_on=now.date() - dt.timedelta(days=120),
        ends_on=now.date() + dt.timedelta(days=200),
    )
    for track in (Track.SECONDARY, Track.DUAL):
        factories.RoundFactory(
            school_year=year,
            track=track,
            number=1,
            scope=Scope.ALL,
            starts_at=now - dt.timedelta(days=90),
            ends_at=now + dt.timedelta(days=30),
        )
    placed_at = 0
    provinces = {}
    for code, name, postcode, registered, placed in PROVINCES:
        province, _created = Province.objects.get_or_create(code=code, defaults={"name": name})
        provinces[code] = province
        school = factories.SchoolFactory(province=province, postcode=postcode)
        service = factories.ServiceFactory(province=province, postcode=postcode)
        for index in range(registered):
            student = factories.StudentFactory(
                school_year=year,
                school=school,
                province=province,
                postcode=postcode,
                registered_at=now - dt.timedelta(days=100),
            )
            if index < placed:
                set_status(
                    service,
                    student,
                    Status.ACCEPTED,
                    now=now - dt.timedelta(days=80 - placed_at * 4),
                )
                placed_at += 1
            elif index == placed:
                set_status(service, student, Status.NOT_ACCEPTED, now=now - dt.timedelta(days=5))
    dual_service = factories.ServiceFactory(province=provinces["ANT"])
    for index in range(3):
        student = factories.StudentFactory(
            school_year=year,
            track=Track.DUAL,
            province=provinces["ANT"],
            registered_at=now - dt.timedelta(days=100),
        )
        if index == 0:
            set_status(dual_service, student, Status.INVITED, now=now - dt.timedelta(days=20))
            set_status(dual_service, student, Status.ACCEPTED, now=now - dt.timedelta(days=10))
    return year, provinces


@pytest.mark.browser
def test_operator_dashboard_renders_figures_and_charts(transactional_db, live_server, page):
    _year, _provinces = build_year()
    user = operator()
    browser_login(page, live_server, user.email)
    page.goto(f"{live_server.url}/admin/")
    bars = page.locator("svg[data-chart=provinces]")
    line = page.locator("svg[data-chart=placements]")
    assert bars.is_visible() and line.is_visible()
    assert bars.locator("rect").count() == 2 * len(PROVINCES)
    assert line.locator("circle").count() >= 8
    assert page.locator("#bars-title").text_content().startswith("Leerlingen per provincie")
    total = page.locator("tr[data-total] td[data-figure=placed]").text_content()
    assert total.strip() == str(sum(p[4] for p in PROVINCES) + 1)
    screenshot(page, "reporting-operator-dashboard")
    line.scroll_into_view_if_needed()
    page.locator("#reporting-placements-section").screenshot(
        path=f"{SCREENSHOTS}/reporting-operator-placements.png"
    )
    page.click("a:has-text('Rapportering')")
    page.wait_for_url(f"{live_server.url}/admin/rapportering/")
    assert page.locator("form[data-form=export]").is_visible()
    screenshot(page, "reporting-operator-index")


@pytest.mark.browser
def test_coordinator_sees_region_figures_and_unplaced_list(transactional_db, live_server, page):
    _year, provinces = build_year()
    user = coordinator(provinces["OVL"])
    browser_login(page, live_server, user.email)
    page.goto(f"{live_server.url}/admin/rapportering/cijfers/")
    assert page.locator("svg[data-chart=provinces] rect").count() == 2
    assert "Antwerpen" not in page.locator("main").inner_text()
    screenshot(page, "reporting-region-figures")
    page.goto(f"{live_server.url}/admin/rapportering/zonder-stageplaats/")
    assert page.locator("table[data-table=unplaced] tbody tr").count() == 4
    screenshot(page, "reporting-region-unplaced")
