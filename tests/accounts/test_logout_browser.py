"""Issue 14 in a real browser: the sign-out ends the session on the server (a GET only asks;
the sidebar's POST and the confirmation's button end it)."""

import pytest

from tests.conftest import both_widths, browser_login, serious_axe_violations
from tests.logins import make_operator

pytestmark = pytest.mark.browser


def test_sign_out_ends_the_session_on_the_server(transactional_db, live_server, page, new_page):
    operator = make_operator(email="beheerder@stagematching.be")
    browser_login(page, live_server, operator.email)
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")

    # A GET (a typed URL, a link) only asks.
    page.goto(f"{live_server.url}/admin/logout/")
    assert "Wilt u zich afmelden?" in page.content()
    both_widths(page, "security-logout-confirm")
    assert serious_axe_violations(page) == []
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" not in page.url  # still signed in

    # The sidebar's sign-out (a POST) ends it; replaying the cookie elsewhere gets nothing.
    page.click(".sidebar-footer button[aria-haspopup]")
    page.click("button:has-text('Uitloggen')")
    page.wait_for_url(f"{live_server.url}/admin/login/**")
    thief = new_page()
    thief.context.add_cookies(
        [{"name": "sessionid", "value": cookie["value"], "url": live_server.url}]
    )
    thief.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in thief.url

    # The confirmation's own button ends the session too.
    browser_login(page, live_server, operator.email)
    second = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    page.goto(f"{live_server.url}/admin/logout/")
    page.click("[data-testid=logout-confirm]")
    page.wait_for_url(f"{live_server.url}/admin/login/**")
    other = new_page()
    other.context.add_cookies(
        [{"name": "sessionid", "value": second["value"], "url": live_server.url}]
    )
    other.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in other.url
