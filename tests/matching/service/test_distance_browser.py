"""A service filters its list to students "binnen 10 km" and sorts by distance (issue 19),
at 1280x800 and 375 px, with axe on the filtered list."""

import os
import re

import pytest

from tests.conftest import SCREENSHOTS, browser_login, screenshot, serious_axe_violations
from tests.factories import StudentFactory, province
from tests.logins import make_service_user

from . import test_workspace_browser

SIZES = test_workspace_browser.SIZES
sized = test_workspace_browser.sized  # the fixture: a browser session at a viewport size

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST = "/admin/service/students/secondary/"
US = "planning@zorg-antwerpen.be"
# (last name, postcode, municipality, province): km from the service in 2000 Antwerpen.
PEOPLE = [
    ("Claes", "2800", "Mechelen", "ANT"),  # ~22 km
    ("Aerts", "2100", "Deurne", "ANT"),  # ~4 km
    ("Peeters", "2018", "Antwerpen", "ANT"),  # < 1 km
    ("Maes", "9000", "Gent", "OVL"),  # ~52 km
    ("Wouters", "2640", "Mortsel", "ANT"),  # ~7 km
    ("Dubois", "4999", "Ergens", "LIE"),  # not in the table: approximate
]


@pytest.fixture
def people(open_round, service):
    for last, postcode, municipality, code in PEOPLE:
        StudentFactory(
            school_year=open_round.school_year,
            last_name=last,
            postcode=postcode,
            municipality=municipality,
            province=province(code),
        )
    make_service_user(service, email=US)


def names_on(page):
    texts = page.locator("table.listing .sm-name").all_inner_texts()
    return [t.split(",")[0].strip() for t in texts]  # "Aerts, Tatiana" -> "Aerts"


def distances_on(page):
    return [t.strip() for t in page.get_by_test_id("distance").all_inner_texts()]


def sort_by(page, viewport, order):
    """Wide: click the column header (twice for descending); phone (cards, no header): the
    "Sorteren op" choice of the filters."""
    if viewport["width"] >= 800:
        page.click("a[data-sort=distance]")
        return
    if page.locator("details.sm-filters").get_attribute("open") is None:
        page.locator("details.sm-filters > summary").click()
    page.get_by_label("Sorteren op").select_option(order)
    page.click("text=Filteren")


@pytest.mark.parametrize("viewport", SIZES)
def test_service_filters_within_10_km_and_sorts_by_distance(
    sized,
    live_server,
    people,
    viewport,
):

    page = sized(viewport)
    browser_login(page, live_server, US)
    page.goto(live_server.url + LIST)
    assert page.get_by_test_id("count-open").inner_text() == "6"
    assert page.get_by_test_id("approx-note").is_visible()

    page.locator("details.sm-filters > summary").click()
    page.get_by_label("Binnen (km)").fill("tien")
    page.click("text=Filteren")
    page.wait_for_url(re.compile(r"within=tien"))
    assert "Geef een afstand in kilometer" in page.get_by_test_id("within-error").inner_text()
    assert names_on(page) == []

    page.get_by_label("Binnen (km)").fill("10")
    page.click("text=Filteren")
    page.wait_for_url(re.compile(r"within=10"))
    assert page.get_by_test_id("count-open").inner_text() == "3"
    assert sorted(names_on(page)) == ["Aerts", "Peeters", "Wouters"]

    sort_by(page, viewport, "distance")
    page.wait_for_url(re.compile(r"order=distance"))
    assert "within=10" in page.url
    assert names_on(page) == ["Peeters", "Aerts", "Wouters"]
    assert distances_on(page) == ["< 1 km", "4 km", "7 km"]
    sort_by(page, viewport, "-distance")
    page.wait_for_url(re.compile(r"order=-distance"))
    assert names_on(page) == ["Wouters", "Aerts", "Peeters"]
    screenshot(page, f"distance-within-10-{viewport['width']}")

    assert serious_axe_violations(page) == []

    page.goto(live_server.url + LIST + "?order=distance")
    assert names_on(page)[-1] == "Dubois"  # Liège province, farthest
    assert distances_on(page)[-1].startswith("± ")
    screenshot(page, f"distance-all-{viewport['width']}")
    # The page scrolls inside Wagtail's layout: the list itself as its own picture.
    page.locator(".sm-listing-wrap").screenshot(
        path=os.path.join(SCREENSHOTS, f"distance-list-{viewport['width']}.png")
    )
