"""Issue 14 in a real browser: the strict CSP (no inline script) with the admin working,
the sign-out that ends the session on the server, and the operator's duplicates screen."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from matching.models import School
from tests import factories
from tests.conftest import browser_login, screenshot
from tests.logins import make_operator

pytestmark = pytest.mark.browser


def serious_axe_violations(page):
    results = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def both_widths(page, name):
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()  # Wagtail's sidebar settles for the width at load
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_strict_csp_with_the_admin_working(transactional_db, live_server, page, csp_violations):
    # A superuser: a transactional flush removes the groups' page permissions.
    operator = factories.UserFactory(email="admin@stagematching.be", is_superuser=True)
    response = page.goto(f"{live_server.url}/admin/login/")
    policy = response.headers["content-security-policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src
    browser_login(page, live_server, operator.email)

    # The page editor (Draftail, telepath, Stimulus) and its publishing schedule, whose
    # date-time widgets start their picker without inline script (admin-csp.js).
    from django.core.management import call_command

    from cms.models import HomePage

    call_command("seed_cms", verbosity=0)
    home = HomePage.objects.get()
    page.goto(f"{live_server.url}/admin/pages/{home.pk}/edit/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "security-csp-page-editor")
    assert "Welkom bij Stagematching" in page.content()
    markers = page.locator("[data-sm-chooser]")
    assert markers.count() >= 2  # go_live_at and expire_at
    started = page.evaluate(
        """() => [...document.querySelectorAll('[data-sm-chooser]')].map(
            (m) => !!window.jQuery('#' + m.dataset.smChooserId).data('xdsoft_datetimepicker'))"""
    )
    assert started and all(started), started
    for path in ("/admin/", "/admin/outbox/", "/admin/invitations/", "/admin/pages/"):
        page.goto(f"{live_server.url}{path}")
    assert csp_violations == []

    # Positive control: an inline script really is refused and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.head.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__ran") is None
    assert any(v.get("directive", "").startswith("script-src") for v in csp_violations)
    csp_violations.clear()


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


def test_operator_settles_a_duplicate_registration(transactional_db, live_server, page):
    today = dt.date.today()
    year = factories.SchoolYearFactory(
        name="huidig",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=300),
    )
    nrn = factories.make_nrn(5, dt.date(2007, 2, 3))
    for name, email in (
        ("GO! Atheneum Berchem", "info@atheneum.be"),
        ("Sint-Lucas", "sec@sintlucas.be"),
    ):
        school = factories.SchoolFactory(kind=School.Kind.SECONDARY, name=name, email=email)
        factories.StudentFactory(school=school, school_year=year, national_register_number=nrn)
    operator = make_operator(email="beheerder@stagematching.be")
    browser_login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/admin/operator/dubbele-inschrijvingen/")
    assert page.locator("[data-testid=duplicate-group]").count() == 1
    assert "info@atheneum.be" in page.content() and "sec@sintlucas.be" in page.content()
    both_widths(page, "security-duplicates")
    assert serious_axe_violations(page) == []
    page.fill("textarea[name=note]", "Sint-Lucas typte het nummer verkeerd en verbetert het.")
    page.click("button:has-text('Markeren als afgehandeld')")
    page.wait_for_selector("[data-testid=no-duplicates]")
    assert "afgehandeld" in page.content().lower()
