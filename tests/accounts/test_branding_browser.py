"""The sign-in and lockout pages in a real browser: the product's name and look, Dutch
words (also the parts Wagtail renders with JavaScript), the helpdesk's contact, no axe-core
violations, at desktop (1280x800) and phone (375 px) width."""

import pytest

from tests.conftest import browser_login, screenshot, serious_axe_violations
from tests.factories import UserFactory
from tests.visible import english_in

WIDTHS = [(1280, 800, "desktop"), (375, 740, "phone")]


def english_on(page) -> list[str]:
    return english_in(page.inner_text("body"))


def no_axe_violations(page):
    # Wagtail fades its messages in (0.5 s): check the colours once they are opaque.
    # (Polled from Python: the page's CSP forbids Playwright's in-page polling.)
    opaque = "() => [...document.querySelectorAll('.messages > ul')].every(ul => getComputedStyle(ul).opacity === '1')"  # noqa: E501
    for _ in range(50):
        if page.evaluate(opaque):
            break
        page.wait_for_timeout(100)
    assert serious_axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height", "name"), WIDTHS)
def test_sign_in_and_lockout_pages_are_branded_and_dutch(
    transactional_db, live_server, browser, settings, width, height, name
):
    from django.core.management import call_command

    call_command("seed_cms", verbosity=0)  # the public site and its helpdesk setting
    user = UserFactory(email="vergrendeld@dienst.be")
    context = browser.new_context(locale="nl-BE", viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        assert page.title() == "Aanmelden - Stagematching gezinszorg"
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Aanmelden bij Stagematching gezinszorg"
        )
        assert page.get_by_label("Wachtwoord").is_visible()
        assert english_on(page) == []
        assert "helpdesk@stagematching.org" in page.inner_text("body")
        no_axe_violations(page)
        screenshot(page, f"branding-sign-in-{name}")

        for _ in range(settings.AXES_FAILURE_LIMIT):
            page.goto(f"{live_server.url}/admin/login/")
            page.fill("input[name=username]", user.email)
            page.fill("input[name=password]", "fout-wachtwoord")
            page.click("button[type=submit]")
        page.wait_for_selector("text=Tijdelijk vergrendeld")
        body = page.inner_text("body")
        assert "helpdesk@stagematching.org" in body and "02 123 45 67" in body
        assert english_on(page) == []
        no_axe_violations(page)
        screenshot(page, f"branding-lockout-{name}")

        page.goto(f"{live_server.url}/admin/bestaat/niet/")
        assert english_on(page) == []
        screenshot(page, f"branding-admin-404-{name}")
        page.goto(f"{live_server.url}/bestaat-niet/")
        assert english_on(page) == []
        assert "Foutcode 404" in page.inner_text("body")
        no_axe_violations(page)
        screenshot(page, f"branding-public-404-{name}")
    finally:
        context.close()


ROLE_LOGINS = [
    "beheerder@demo.stagematching.be",
    "redacteur@demo.stagematching.be",
    "dienst001@demo.stagematching.be",
    "school001@demo.stagematching.be",
    "trekker.antwerpen@demo.stagematching.be",
]


@pytest.mark.browser
def test_the_sidebar_wagtail_renders_with_javascript_is_dutch(transactional_db, live_server, page):
    """The menu is drawn by Wagtail's JavaScript (its own catalogue): every role's sidebar,
    all sections opened, reads Dutch and names our product."""
    from django.core.management import call_command

    call_command("seed_demo", "--students", "60", "--services", "12", "--schools", "8", "--quiet")
    for email in ROLE_LOGINS:
        browser_login(page, live_server, email, password="Stage-Demo-2026!")
        page.wait_for_selector("#wagtail-sidebar .sidebar-main-menu")
        # Wagtail shows one submenu at a time: read the page with each of them open.
        toggles = page.query_selector_all("#wagtail-sidebar button[aria-expanded=false]")
        for toggle in [None, *toggles]:
            if toggle is not None and toggle.is_visible():
                toggle.click()
            labels = " ".join(
                element.get_attribute("aria-label") or ""
                for element in page.query_selector_all("[aria-label]")
            )
            text = f"{page.inner_text('body')} {labels}"
            found = english_in(text)
            at = text.find(found[0]) if found else 0
            assert found == [], (email, text[max(at - 80, 0) : at + 80])
        assert len(toggles) >= 1, email
        assert page.title().endswith("Stagematching gezinszorg"), email
        screenshot(page, f"branding-dashboard-{email.split('@')[0]}")
        page.context.clear_cookies()
