"""Passkeys in the browser, with Chromium's virtual authenticator (DevTools protocol,
WebAuthn domain): a login with an authenticator app adds a passkey, signs out, and signs
in with its password and the passkey; a passkey the server refuses (its signature counter
went backwards, as with a cloned authenticator) leaves the session unverified, counts as a
failed sign-in, and the code from the app still works. django-otp-webauthn's scripts run
under the product's Content-Security-Policy (the `page` fixture fails on a violation)."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from tests.accounts.test_second_factor_browser import (
    VERIFY,
    narrow_screenshot,
    no_serious_axe_violations,
    password_step,
)
from tests.conftest import browser_login, browser_type_code, screenshot, second_factor_device
from tests.factories import SchoolFactory, ServiceFactory
from tests.logins import make_school_user, make_service_user

PASSKEYS = "/accounts/tweestapsverificatie/passkeys/"


@pytest.fixture
def passkey_origin(settings, live_server):
    """The origin the browser reports is the live server's (http://localhost:<port>); a
    deployment names its own in WEBAUTHN_ORIGINS. The relying party stays SITE_URL's host."""
    assert settings.OTP_WEBAUTHN_RP_ID == "localhost"
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def virtual_authenticator(page) -> tuple:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def add_passkey(page, live_server, user):
    """From the account menu: Account → Passkeys → Passkey toevoegen."""
    page.goto(f"{live_server.url}/admin/account/")
    page.click("#tab-label-actions")
    page.click(f"a[href^='{PASSKEYS}']")
    page.wait_for_url(f"{live_server.url}{PASSKEYS}**")
    assert page.locator("#passkey-none").is_visible()
    page.click("#passkey-register-button")
    page.wait_for_selector("#passkey-list li")
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1


def sign_out(page, live_server):
    page.goto(f"{live_server.url}/admin/logout/")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/login/**")


@pytest.mark.browser
def test_add_a_passkey_then_sign_in_with_password_and_passkey(
    transactional_db, live_server, passkey_origin, page, new_page
):
    user = make_service_user(ServiceFactory(name="Thuiszorg Kempen"), email="zorg@kempen.be")
    second_factor_device(user)
    page.set_viewport_size({"width": 1280, "height": 800})
    cdp, authenticator = virtual_authenticator(page)

    browser_login(page, live_server, user.email)
    add_passkey(page, live_server, user)
    assert "Passkey van" in page.inner_text("#passkey-list")
    (stored,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]
    assert stored["rpId"] == "localhost"
    screenshot(page, "passkeys")
    narrow_screenshot(page, "passkeys")
    no_serious_axe_violations(page, "passkeys")

    sign_out(page, live_server)
    password_step(page, live_server, user.email)
    assert VERIFY in page.url
    button = page.locator("#passkey-verification-button")
    assert button.inner_text() == "Gebruik een passkey"
    # Nothing opens before the second factor, passkey or not.
    assert "Welkom" not in page.content()
    screenshot(page, "second-factor-verify-passkey")
    narrow_screenshot(page, "second-factor-verify-passkey")
    no_serious_axe_violations(page, "verify with passkey")
    button.click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "Welkom, Thuiszorg Kempen" in page.content()
    page.goto(f"{live_server.url}/admin/service/")
    assert page.url.startswith(f"{live_server.url}/admin/service/")
    credential = WebAuthnCredential.objects.get(user=user)
    assert credential.last_used_at is not None

    # The one-session rule holds for a passkey session too: a new sign-in ends it.
    other = new_page()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=True):
        browser_login(other, live_server, user.email)
    page.goto(f"{live_server.url}/admin/service/")
    assert "/admin/login/" in page.url


@pytest.mark.browser
def test_a_refused_passkey_counts_as_a_failed_sign_in(
    transactional_db, live_server, passkey_origin, page
):
    user = make_school_user(SchoolFactory(name="Campus Oost"), email="sec@campusoost.be")
    second_factor_device(user)
    page.set_viewport_size({"width": 1280, "height": 800})
    virtual_authenticator(page)
    browser_login(page, live_server, user.email)
    add_passkey(page, live_server, user)
    sign_out(page, live_server)
    AccessAttempt.objects.all().delete()
    # What a cloned authenticator looks like to the server: its counter went backwards.
    WebAuthnCredential.objects.filter(user=user).update(sign_count=1_000_000)

    password_step(page, live_server, user.email)
    page.click("#passkey-verification-button")
    status = page.locator("#passkey-verification-status-message")
    status.filter(has_text="niet aanvaard").wait_for()
    assert "Deze passkey werd niet aanvaard" in status.inner_text()
    assert VERIFY in page.url
    screenshot(page, "second-factor-passkey-refused")
    no_serious_axe_violations(page, "passkey refused")
    (attempt,) = AccessAttempt.objects.filter(username=user.email)
    assert attempt.failures_since_start == 1
    page.goto(f"{live_server.url}/admin/")
    assert VERIFY in page.url

    # The app's code is still the way in.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3), tick=True):
        browser_type_code(page, user.email)
        page.wait_for_url(f"{live_server.url}/admin/")
    assert "Campus Oost" in page.content()
