"""What a service user clicks through: filter, sort and page; accept with mentor and period;
lose a race against another service; download an export."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Decision, Province, Status
from tests.conftest import browser_login, screenshot
from tests.factories import (
    ContactPersonFactory,
    SchoolFactory,
    StudentFactory,
    province,
)
from tests.logins import make_service_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

LIST = "/admin/service/students/secondary/"
SURNAMES = [
    "Aerts", "Baert", "Claes", "Dumont", "Engels", "Fransen", "Geerts", "Hermans", "Jacobs",
    "Janssens", "Kaya", "Lambrechts", "Maes", "Mertens", "Nowak", "Peeters", "Claeys", "Smets",
    "Thys", "Vos", "Wouters", "Yilmaz", "Baerts", "Coppens", "De Backer", "Goossens", "Huysmans",
    "Moens", "Segers", "Stevens",
]  # fmt: skip


@pytest.fixture
def world(open_round, service, other_service):
    year = open_round.school_year
    school = SchoolFactory(name="Zorgschool Sint-Jozef", municipality="Antwerpen")
    west = SchoolFactory(name="Zorgcampus Brugge", province=province("WVL"), postcode="8000")
    for index, name in enumerate(SURNAMES):
        in_west = index % 3 == 0
        StudentFactory(
            school_year=year,
            school=west if in_west else school,
            last_name=name,
            first_name="Lotte" if index % 2 else "Arthur",
            postcode="8000" if in_west else f"2{index % 9}00",
            municipality="Brugge" if in_west else "Antwerpen",
            province=province("WVL") if in_west else province("ANT"),
            registered_at=timezone.now() - dt.timedelta(days=40 - index),
            preferred_services=[service] if index % 4 == 0 else [],
        )
    ContactPersonFactory(service=service, name="Mentor An De Wit")
    ContactPersonFactory(service=other_service, name="Mentor Bart Smet")
    us = make_service_user(service, email="planning@zorg-antwerpen.be")
    them = make_service_user(other_service, email="planning@zorg-elders.be")
    return us, them


def names_on(page):
    return [t.strip() for t in page.locator("table.listing .sm-name").all_inner_texts()]


def test_filter_sort_and_page_keep_the_filters(page, live_server, world):
    browser_login(page, live_server, "planning@zorg-antwerpen.be")
    page.goto(live_server.url + LIST)
    assert page.get_by_test_id("count-open").inner_text() == "30"
    assert len(names_on(page)) == 25

    page.locator("details.sm-filters > summary").click()
    page.get_by_label("Antwerpen", exact=True).check()
    page.click("text=Filteren")
    page.wait_for_url(re.compile(r"province="))
    assert page.get_by_test_id("count-open").inner_text() == "20"

    page.click("a[data-sort=name]")
    page.wait_for_url(re.compile(r"order=name"))
    names = names_on(page)
    assert names == sorted(names, key=lambda n: n.lower())
    page.click("a[data-sort=name]")
    page.wait_for_url(re.compile(r"order=-name"))
    descending = names_on(page)
    assert descending == sorted(descending, key=lambda n: n.lower(), reverse=True)

    page.click(".sm-pagesizes >> text=50")
    page.wait_for_url(re.compile(r"per_page=50"))
    assert len(names_on(page)) == 20

    page.goto(live_server.url + LIST + "?per_page=25&order=name")
    page.click("nav.pagination >> text=Volgende")
    page.wait_for_url(re.compile(r"p=2"))
    assert "order=name" in page.url
    assert len(names_on(page)) == 5
    assert page.locator(".sm-sort--active").count() == 1
    screenshot(page, "workspace-list-page-2")


def test_accept_with_mentor_and_period_then_meer_info_shows_personal_data(
    page, live_server, world, service
):
    browser_login(page, live_server, "planning@zorg-antwerpen.be")
    page.goto(live_server.url + LIST + "?q=Fransen")
    row = page.locator("tr", has_text="Fransen")
    accept_fields = row.locator("[data-accept-fields]")
    assert not accept_fields.is_visible()  # revealed only for "Aanvaard"
    row.locator("select[name=status]").select_option("accepted")
    assert accept_fields.is_visible()
    row.locator("select[name=mentor]").select_option(label="Mentor An De Wit")
    row.locator("input[name=period_start]").fill("2025-10-06")
    row.locator("input[name=period_end]").fill("2025-11-28")
    row.locator("input[name=note]").fill("Start maandag om 9 uur")
    screenshot(page, "workspace-list-accepting")
    row.locator("button[type=submit]").click()
    notice = page.locator("tr", has_text="Fransen").get_by_test_id("row-notice")
    notice.wait_for()
    assert "Aanvaard" in notice.inner_text()
    assert "q=Fransen" in page.url
    expect(page.get_by_test_id("count-accepted")).to_have_text("1")

    decision = Decision.objects.get(service=service, status=Status.ACCEPTED)
    assert decision.mentor.name == "Mentor An De Wit"
    assert decision.period_end == dt.date(2025, 11, 28)

    page.click("[data-tab=accepted]")
    page.click("text=Meer info")
    page.wait_for_selector("[data-testid=personal-data]")
    student = decision.student
    assert student.national_register_number in page.inner_text("[data-testid=personal-data]")
    assert "Onbeslist → Aanvaard" in page.inner_text(".sm-history")
    screenshot(page, "workspace-detail-accepted")


def test_second_service_accepting_the_same_student_sees_the_dutch_error(
    page, new_page, live_server, world
):
    other = new_page()
    browser_login(page, live_server, "planning@zorg-antwerpen.be")
    browser_login(other, live_server, "planning@zorg-elders.be")
    for each in (page, other):
        each.goto(live_server.url + LIST + "?q=Kaya")

    def accept(on, mentor):
        row = on.locator("tr", has_text="Kaya")
        row.locator("select[name=status]").select_option("accepted")
        row.locator("select[name=mentor]").select_option(label=mentor)
        row.locator("input[name=period_start]").fill("2025-10-06")
        row.locator("input[name=period_end]").fill("2025-11-28")
        row.locator("button[type=submit]").click()

    # The other list must not learn of it before the click (the live list's own test).
    other.evaluate(
        "document.querySelector('[data-controller~=sm-live]').removeAttribute('data-controller')"
    )
    accept(page, "Mentor An De Wit")
    page.locator("tr", has_text="Kaya").get_by_test_id("row-notice").wait_for()
    accept(other, "Mentor Bart Smet")
    lost = other.locator("tr", has_text="Kaya").get_by_test_id("row-placed")
    lost.wait_for()
    error = lost.inner_text()
    assert "Deze leerling werd intussen door een andere dienst aanvaard." in error
    assert "Zorg Antwerpen" not in error
    screenshot(other, "workspace-race-lost")
    assert Decision.objects.filter(status=Status.ACCEPTED).count() == 1


def test_export_downloads_the_filtered_tab(page, live_server, world):
    browser_login(page, live_server, "planning@zorg-antwerpen.be")
    wvl = Province.objects.get(code="WVL")
    page.goto(live_server.url + LIST + f"?province={wvl.code}")
    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 10  # header + the West Flemish students only
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    assert info.value.suggested_filename.endswith(".xlsx")
