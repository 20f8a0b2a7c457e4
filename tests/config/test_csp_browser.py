"""Issue 14 in a real browser: the strict CSP of config.settings (no inline script) with
the admin working, the page editor and its publishing schedule included."""

import pytest

from tests import factories
from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser


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
