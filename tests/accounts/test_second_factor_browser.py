"""The second factor in the browser: activation with enrolment and recovery codes, sign-in
with a code, a wrong code, a recovery code refused the second time, and an operator's
reset followed by a new enrolment. Codes are computed with pyotp from the secret the page
shows (as a person types it into an app) or from the login's device."""

import datetime as dt
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecondFactorReset
from tests.accounts.conftest import link_in, token_in
from tests.conftest import (
    browser_enrol,
    browser_login,
    browser_type_code,
    screenshot,
    second_factor_device,
    serious_axe_violations,
    totp_code,
)
from tests.factories import SchoolFactory, ServiceFactory
from tests.logins import PASSWORD, make_operator, make_school_user

NEW_PASSWORD = "Zonnebloem-Stage-2025"
VERIFY = "/accounts/tweestapsverificatie/code/"
ENROL = "/accounts/tweestapsverificatie/instellen/"


def password_step(page, live_server, email, password=PASSWORD):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/tweestapsverificatie/**")


def submit_code(page, value):
    page.fill("input[name=code]", value)
    page.click("#second-factor-form button[type=submit]")
    page.wait_for_load_state()


def no_serious_axe_violations(page, name):
    serious = serious_axe_violations(page)
    assert not serious, f"{name}: {serious}"


def narrow_screenshot(page, name):
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-375")
    page.set_viewport_size(size)


@pytest.mark.browser
def test_activation_enrols_and_shows_recovery_codes_once(
    transactional_db, live_server, page, new_page
):
    service = ServiceFactory(name="Thuiszorg Scheldeland")
    operator = make_operator(email="beheerder@stagematching.be")
    mail.outbox.clear()
    browser_login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/admin/invitations/new/")
    page.fill("input[name=email]", "nieuwe.collega@scheldeland.be")
    page.select_option("select[name=role]", "service")
    page.select_option("select[name=service]", str(service.pk))
    page.click("#invite-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/invitations/")
    (message,) = [m for m in mail.outbox if "nieuwe.collega@scheldeland.be" in m.to]

    person = new_page()
    person.set_viewport_size({"width": 1280, "height": 800})
    person.goto(f"{live_server.url}/accounts/activeer/{token_in(message)}/")
    person.fill("input[name=new_password1]", NEW_PASSWORD)
    person.fill("input[name=new_password2]", NEW_PASSWORD)
    person.click("main form button[type=submit]")
    # Right after the password: the second factor is set up before anything else opens.
    person.wait_for_url(f"{live_server.url}{ENROL}**")
    body = person.content()
    assert "Stel nu de tweestapsverificatie in" in body
    assert person.locator(".second-factor-qr img").is_visible()
    assert len(person.inner_text("#totp-secret").replace(" ", "")) == 32
    screenshot(person, "second-factor-enrol")
    narrow_screenshot(person, "second-factor-enrol")
    no_serious_axe_violations(person, "enrol")
    # Nothing of the admin opens meanwhile.
    person.goto(f"{live_server.url}/admin/service/")
    assert ENROL in person.url
    person.goto(f"{live_server.url}{ENROL}")

    codes = browser_enrol(person)
    assert len(codes) == 10 and len(set(codes)) == 10
    screenshot(person, "second-factor-codes")
    narrow_screenshot(person, "second-factor-codes")
    no_serious_axe_violations(person, "codes")
    with person.expect_download() as download_info:
        person.click("#download-codes")
    download = download_info.value
    assert download.suggested_filename == "stagematching-herstelcodes.txt"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert all(code in text for code in codes)
    href = person.get_attribute("#download-codes", "href")
    assert all(code in unquote(href) for code in codes)

    person.click("#codes-continue")
    person.wait_for_url(f"{live_server.url}/admin/")
    assert "Welkom, Thuiszorg Scheldeland" in person.content()
    # Shown once: going back to set-up shows a new secret, not the codes.
    person.goto(f"{live_server.url}{ENROL}")
    assert person.locator("#recovery-codes").count() == 0


@pytest.mark.browser
def test_sign_in_with_a_code_and_a_wrong_code(transactional_db, live_server, page):
    school = SchoolFactory(name="Campus Zuid")
    user = make_school_user(school, email="leerkracht@campuszuid.be")
    device = second_factor_device(user)
    page.set_viewport_size({"width": 1280, "height": 800})

    password_step(page, live_server, user.email)
    assert VERIFY in page.url
    screenshot(page, "second-factor-verify")
    narrow_screenshot(page, "second-factor-verify")
    no_serious_axe_violations(page, "verify")
    right = totp_code(device)
    submit_code(page, f"{(int(right) + 500_000) % 1_000_000:06d}")
    assert "Deze code klopt niet" in page.content()
    assert VERIFY in page.url
    screenshot(page, "second-factor-wrong-code")

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3), tick=True):
        submit_code(page, totp_code(device))
        page.wait_for_url(f"{live_server.url}/admin/")
    assert "Campus Zuid" in page.content()


@pytest.mark.browser
def test_a_recovery_code_is_refused_the_second_time(transactional_db, live_server, page, new_page):
    from accounts.second_factor import recovery_codes_replace

    user = make_school_user(SchoolFactory(), email="secretariaat@school.be")
    second_factor_device(user)
    codes = recovery_codes_replace(user)

    password_step(page, live_server, user.email)
    submit_code(page, codes[0])
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "U meldde aan met een herstelcode" in page.content()
    assert "nog 9" in page.content()

    other = new_page()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3), tick=True):
        password_step(other, live_server, user.email)
        submit_code(other, codes[0])
    assert "Deze code klopt niet" in other.content()
    assert VERIFY in other.url


@pytest.mark.browser
def test_operator_reset_then_the_login_enrols_again(transactional_db, live_server, page, new_page):
    operator = make_operator(email="beheerder@stagematching.be")
    user = make_school_user(SchoolFactory(name="Atheneum Noord"), email="kwijt@atheneum.be")
    old = second_factor_device(user)
    mail.outbox.clear()

    page.set_viewport_size({"width": 1280, "height": 800})
    browser_login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/admin/logins/?q=kwijt")
    row = page.locator("tr", has_text="kwijt@atheneum.be")
    assert "ingesteld" in row.inner_text()
    row.locator("form.second-factor-reset button").click()
    page.wait_for_url(f"{live_server.url}/admin/logins/")
    assert "werd gereset" in page.content()
    page.goto(f"{live_server.url}/admin/logins/?q=kwijt")
    row = page.locator("tr", has_text="kwijt@atheneum.be")
    assert "gereset op" in row.inner_text() and operator.email in row.inner_text()
    screenshot(page, "second-factor-operator-reset")
    reset = SecondFactorReset.objects.get(user=user)
    assert reset.reset_by == operator
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert any(user.email in m.to and "gereset" in m.body for m in mail.outbox)

    (reset_mail,) = [m for m in mail.outbox if user.email in m.to and "gereset" in m.body]
    person = new_page()
    password_step(person, live_server, user.email)
    # The password alone does not enrol again: the page asks for the mailed link.
    assert ENROL in person.url
    assert person.locator("#totp-secret").count() == 0
    assert "Stuur mij de link" in person.content()
    link = link_in(reset_mail, r"https?://\S+/accounts/tweestapsverificatie/link/\S+/")
    person.goto(live_server.url + urlsplit(link).path)
    person.wait_for_url(f"{live_server.url}{ENROL}**")
    browser_enrol(person)
    person.click("#codes-continue")
    person.wait_for_url(f"{live_server.url}/admin/")
    assert "Atheneum Noord" in person.content()
    # The new app is the one asked for from now on.
    assert TOTPDevice.objects.get(user=user, confirmed=True).pk != old.pk
    person.context.clear_cookies()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=True):
        password_step(person, live_server, user.email)
        assert VERIFY in person.url
        browser_type_code(person, user.email)
        person.wait_for_url(f"{live_server.url}/admin/")
