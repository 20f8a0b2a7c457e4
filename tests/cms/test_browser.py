"""The public site in a real browser, on desktop and phone widths."""

import re

import pytest
import time_machine
from playwright.sync_api import expect

from tests.conftest import screenshot

from .conftest import brussels

pytestmark = [
    pytest.mark.browser,
    # Restore the rows migrations made (root collection, provinces) for the tests after these.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = {
    "home": "/",
    "manual": "/handleiding-diensten/",
    "timetable": "/tijdlijn/",
    "contact": "/contact/",
}


@pytest.fixture
def public_site(live_server, site_pages, default_timetable):
    with time_machine.travel(brussels(2025, 9, 10, 10, 0), tick=True):
        yield live_server


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_public_pages_at_desktop_and_phone_width(page, public_site, width, height):
    page.set_viewport_size({"width": width, "height": height})
    label = "desktop" if width > 800 else "phone"
    for name, path in PAGES.items():
        response = page.goto(f"{public_site.url}{path}")
        assert response.status == 200, path
        assert page.locator("h1").count() == 1
        # Nothing may stick out sideways on a phone.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        screenshot(page, f"cms-{name}-{label}")
    assert page.locator(".round--active").count() == 0  # contact page has no timetable


def test_timetable_highlights_round_in_force(page, public_site):
    page.goto(f"{public_site.url}/tijdlijn/")
    active = page.locator(".round--active")
    assert active.count() == 2
    assert "5 september 2025, 12:00" in active.first.inner_text() + active.last.inner_text()


def test_skip_link_is_first_and_moves_focus_to_main(page, public_site):
    page.goto(f"{public_site.url}/handleiding-diensten/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_have_text("Naar de inhoud")
    expect(page.locator(".skip-link")).to_be_in_viewport(ratio=1)
    screenshot(page, "cms-skip-link-focus")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#inhoud$"))


def test_phone_menu_opens_and_closes(page, public_site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{public_site.url}/")
    toggle = page.get_by_role("button", name="Menu")
    menu_link = page.locator("#hoofdmenu").get_by_role("link", name="Tijdlijn")
    assert not menu_link.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert menu_link.is_visible()
    screenshot(page, "cms-phone-menu-open")
    menu_link.click()
    page.wait_for_url("**/tijdlijn/")


def test_search_from_the_header(page, public_site):
    page.goto(f"{public_site.url}/")
    page.fill("#zoek-header", "rijksregisternummer")
    page.keyboard.press("Enter")
    page.wait_for_url("**/zoeken/?q=rijksregisternummer")
    assert page.get_by_role("link", name="Handleiding voor diensten").count() >= 1
