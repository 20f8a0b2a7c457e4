"""The first sign-in of an existing login that has no app, in the browser: the password
alone shows no secret; the login has a link mailed to its address, opens it, and only then
sets up its app. A used link shows its own page."""

from urllib.parse import urlsplit

import pytest
from django.core import mail

from tests.accounts.conftest import link_in
from tests.accounts.test_second_factor_browser import (
    ENROL,
    narrow_screenshot,
    no_serious_axe_violations,
    password_step,
)
from tests.conftest import browser_enrol, screenshot
from tests.factories import SchoolFactory
from tests.logins import make_school_user


@pytest.mark.browser
def test_an_existing_login_enrols_through_the_mailed_link(transactional_db, live_server, page):
    user = make_school_user(SchoolFactory(name="Campus West"), email="oud@campuswest.be")
    mail.outbox.clear()
    page.set_viewport_size({"width": 1280, "height": 800})
    password_step(page, live_server, user.email)
    assert ENROL in page.url
    assert page.locator("#totp-secret").count() == 0
    assert "oud@campuswest.be" in page.inner_text("main")
    screenshot(page, "second-factor-enrol-link")
    narrow_screenshot(page, "second-factor-enrol-link")
    no_serious_axe_violations(page, "enrol link")
    # Nothing of the admin opens meanwhile.
    page.goto(f"{live_server.url}/admin/school/")
    assert ENROL in page.url

    page.click("#enrol-link-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{ENROL}**")
    assert "We stuurden een link naar oud@campuswest.be" in page.content()
    screenshot(page, "second-factor-enrol-link-sent")
    (message,) = [m for m in mail.outbox if user.email in m.to]
    link = link_in(message, r"https?://\S+/accounts/tweestapsverificatie/link/\S+/")
    page.goto(live_server.url + urlsplit(link).path)
    page.wait_for_url(f"{live_server.url}{ENROL}**")
    codes = browser_enrol(page)
    assert len(codes) == 10
    page.click("#codes-continue")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "Campus West" in page.content()

    # Used once: the link now shows why it no longer works.
    page.goto(live_server.url + urlsplit(link).path)
    assert "Deze link werkt niet meer" in page.content()
    screenshot(page, "second-factor-enrol-link-used")
    narrow_screenshot(page, "second-factor-enrol-link-used")
    no_serious_axe_violations(page, "enrol link used")
