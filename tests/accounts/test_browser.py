import pytest
from django.core import mail

from matching.models import Province
from tests.accounts.conftest import token_in
from tests.conftest import browser_enrol, browser_login, screenshot
from tests.factories import ServiceFactory
from tests.logins import make_operator

NEW_PASSWORD = "Zonnebloem-Stage-2025"


@pytest.mark.browser
def test_invitation_activation_sign_in_sign_out(transactional_db, live_server, page, new_page):
    antwerp, _ = Province.objects.get_or_create(code="ANT", defaults={"name": "Antwerpen"})
    service = ServiceFactory(name="Thuiszorg Scheldeland", province=antwerp)
    operator = make_operator(email="beheerder@stagematching.be")
    mail.outbox.clear()
    csp_violations = []
    for tab in (page,):
        tab.on(
            "console",
            lambda msg: (
                csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )

    # The operator invites a service employee from the admin.
    browser_login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/admin/invitations/new/")
    page.fill("input[name=email]", "nieuwe.collega@scheldeland.be")
    page.select_option("select[name=role]", "service")
    page.select_option("select[name=service]", str(service.pk))
    page.click("#invite-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/invitations/")
    assert "nieuwe.collega@scheldeland.be" in page.content()
    screenshot(page, "accounts-invitations")
    # Wagtail's admin (sidebar, forms, listings) runs under the CSP without violations.
    page.goto(f"{live_server.url}/admin/pages/")
    page.goto(f"{live_server.url}/admin/lockouts/")
    assert csp_violations == []

    (message,) = [m for m in mail.outbox if "nieuwe.collega@scheldeland.be" in m.to]
    token = token_in(message)

    # The invited person opens the link in their own browser and chooses a password.
    person = new_page()
    person.goto(f"{live_server.url}/accounts/activeer/{token}/")
    assert "Account activeren" in person.content()
    screenshot(person, "accounts-activation")
    person.fill("input[name=new_password1]", NEW_PASSWORD)
    person.fill("input[name=new_password2]", NEW_PASSWORD)
    person.click("main form button[type=submit]")
    # Then the second factor is set up (tests/accounts/test_second_factor_browser.py).
    person.wait_for_url(f"{live_server.url}/accounts/tweestapsverificatie/instellen/**")
    assert "Uw wachtwoord werd ingesteld" in person.content()
    screenshot(person, "accounts-activated-enrol")
    browser_enrol(person)
    person.click("#codes-continue")
    person.wait_for_url(f"{live_server.url}/admin/")
    person.click(".sidebar-footer button[aria-haspopup]")
    person.click("button:has-text('Uitloggen')")
    person.wait_for_url(f"{live_server.url}/admin/login/**")

    # Sign in with the new password and a code: the dashboard greets the service.
    browser_login(person, live_server, "nieuwe.collega@scheldeland.be", NEW_PASSWORD)
    assert "Welkom, Thuiszorg Scheldeland" in person.content()
    screenshot(person, "accounts-service-dashboard")

    # Sign out through the account menu.
    person.click(".sidebar-footer button[aria-haspopup]")
    person.click("button:has-text('Uitloggen')")
    person.wait_for_url(f"{live_server.url}/admin/login/**")
    person.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in person.url
