"""The second factor through the test client: the code after the password, wrong codes
(throttled, counted toward the lockout), recovery codes once, the operator's reset, the
coordinator's opt-in and the demo's fixed secrets. Codes are computed with pyotp."""

import datetime as dt
import io
import re

import pyotp
import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.middleware import LOGIN_ID_KEY
from accounts.models import SecondFactorReset, UserSession
from matching.errors import DomainError
from tests.accounts.conftest import mails_to
from tests.conftest import second_factor_device, sign_in, totp_code
from tests.factories import ServiceFactory, province
from tests.logins import (
    PASSWORD,
    make_coordinator,
    make_editor,
    make_operator,
    make_service_user,
)

LOGIN = "/admin/login/"
VERIFY = "/accounts/tweestapsverificatie/code/"
ENROL = "/accounts/tweestapsverificatie/instellen/"


def password(client, user, pw=PASSWORD):
    return client.post(LOGIN, {"username": user.email, "password": pw})


def code(client, value):
    return client.post(VERIFY, {"code": value})


def wrong_code(device):
    return f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"


def later(seconds):
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=True)


@pytest.fixture
def user(db):
    return make_service_user(ServiceFactory(), email="medewerker@dienst.be")


@pytest.fixture
def device(user):
    return second_factor_device(user)


def test_the_code_is_asked_after_the_password_and_remembered_in_the_session(user, device):
    client = Client()
    response = password(client, user)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    page = client.get(response["Location"])
    assert "Tweestapsverificatie" in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    response = client.post(VERIFY + "?next=/admin/service/", {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/admin/service/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/").status_code == 200  # the session remembers


def test_next_must_stay_on_this_site(user, device):
    client = Client()
    password(client, user)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_a_wrong_code_is_refused_and_throttled(user, device):
    client = Client()
    password(client, user)
    wrong = code(client, wrong_code(device))
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.content.decode()
    # Right after a wrong code even the right one waits (django-otp's throttling).
    throttled = code(client, totp_code(device))
    assert "Te veel verkeerde codes" in throttled.content.decode()
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    with later(3):
        assert code(client, totp_code(device)).status_code == 302
        assert client.get("/admin/").status_code == 200


def test_a_code_is_accepted_once(user, device):
    first, second = Client(), Client()
    password(first, user)
    used = totp_code(device)
    assert code(first, used).status_code == 302
    password(second, user)
    assert "Deze code klopt niet" in code(second, used).content.decode()


def test_wrong_codes_count_toward_the_lockout_like_wrong_passwords(user, device, settings):
    """AXES_FAILURE_LIMIT is 3 in tests: one wrong password, then a correct one (which no
    longer clears the count by itself), then two wrong codes lock the login out."""
    client = Client()
    assert password(client, user, "fout-wachtwoord").status_code == 200
    assert password(client, user).status_code == 302
    assert AccessAttempt.objects.get(username=user.email).failures_since_start == 1
    assert "Deze code klopt niet" in code(client, wrong_code(device)).content.decode()
    with later(3):
        locked = code(client, wrong_code(device))
    assert locked.status_code == 429
    assert "Tijdelijk vergrendeld" in locked.content.decode()
    # The half sign-in is over, and the right password is refused while locked.
    assert "_auth_user_id" not in client.session
    assert password(Client(), user).status_code == 429


def test_a_correct_code_clears_the_failed_attempts(user, device):
    client = Client()
    password(client, user, "fout-wachtwoord")
    password(client, user)
    assert AccessAttempt.objects.filter(username=user.email).exists()
    code(client, totp_code(device))
    assert not AccessAttempt.objects.filter(username=user.email).exists()


def test_a_recovery_code_works_once_and_is_stored_hashed(user, device):
    codes = second_factor.recovery_codes_replace(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)

    client = Client()
    password(client, user)
    response = code(client, codes[3].upper())  # case and dash do not matter
    assert response.status_code == 302
    page = client.get("/admin/", follow=True).content.decode()
    assert "herstelcode" in page and "nog 9" in page

    again = Client()
    password(again, user)
    assert "Deze code klopt niet" in code(again, codes[3]).content.decode()
    with later(3):
        assert code(again, codes[4]).status_code == 302


def test_a_new_password_sign_in_asks_the_code_again(user, device):
    client = Client()
    sign_in(client, user)
    assert client.get("/admin/").status_code == 200
    password(client, user)
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_first_sign_in_of_an_existing_login_enrols_through_the_mailed_link(user, mailbox):
    client = Client()
    password(client, user)
    response = client.get("/admin/")
    assert response["Location"].startswith(ENROL)
    # The password alone shows no secret: a link goes to the login's address first.
    asked = client.get(ENROL).content.decode()
    assert 'id="totp-secret"' not in asked and "Stuur mij de link" in asked
    assert not TOTPDevice.objects.filter(user=user).exists()
    with mailbox.commit():
        client.post(ENROL, {"action": "send-link"})
    (message,) = mails_to(user.email)
    link = re.search(r"https?://[^/\s]+(/accounts/tweestapsverificatie/link/\S+/)", message.body)
    assert client.get(link.group(1))["Location"] == ENROL
    page = client.get(ENROL)
    body = page.content.decode()
    assert "data:image/svg+xml" in body and 'id="totp-secret"' in body
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    # Reloading shows the same secret.
    assert client.get(ENROL).context["device"].pk == pending.pk
    secret = second_factor.totp_secret(pending)
    wrong = client.post(ENROL, {"device": pending.pk, "code": "abcdef"})
    assert "Deze code klopt niet" in wrong.content.decode()
    with later(3):
        done = client.post(ENROL, {"device": pending.pk, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert done.context["download_href"].startswith("data:text/plain")
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/admin/").status_code == 200


def test_enrolling_a_new_app_needs_the_old_one_first(user, device):
    client = Client()
    password(client, user)
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    code(client, totp_code(device))
    assert client.get(ENROL).status_code == 200  # verified: may replace its app


def test_operator_resets_a_login_which_enrols_again(user, device, mailbox):
    operator = make_operator(email="beheer@stagematching.be")
    second_factor.recovery_codes_replace(user)
    victim_session = Client()
    sign_in(victim_session, user)
    admin = Client()
    admin.force_login(operator)
    listing = admin.get(reverse("logins:index")).content.decode()
    assert "ingesteld" in listing
    before = timezone.now()
    with mailbox.commit():
        response = admin.post(reverse("logins:second_factor_reset", args=[user.pk]))
    assert response.status_code == 302

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    reset = SecondFactorReset.objects.get(user=user)
    assert reset.reset_by == operator and reset.reset_at >= before
    listing = admin.get(reverse("logins:index")).content.decode()
    assert "beheer@stagematching.be" in listing and "gereset op" in listing
    (mail,) = mails_to(user.email)
    assert "tweestapsverificatie" in mail.subject and "gereset" in mail.body
    # The session the login had is over; its next sign-in sets up a new app.
    assert victim_session.get("/admin/")["Location"].startswith(LOGIN)
    client = Client()
    password(client, user)
    assert client.get("/admin/")["Location"].startswith(ENROL)


def test_only_an_operator_resets(user, device):
    with pytest.raises(DomainError):
        second_factor.second_factor_reset(user=user, by=make_editor())
    assert TOTPDevice.objects.filter(user=user).exists()
    assert not SecondFactorReset.objects.exists()


def test_coordinators_need_none_but_may_opt_in(db):
    coordinator = make_coordinator(province("ANT"))
    client = Client()
    password(client, coordinator)
    assert client.get("/admin/").status_code == 200
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert "Tweestapsverificatie aanzetten" in account
    page = client.get(ENROL)
    secret = second_factor.totp_secret(page.context["device"])
    client.post(ENROL, {"device": page.context["device"].pk, "code": pyotp.TOTP(secret).now()})
    # Opted in: from now on held to it.
    again = Client()
    password(again, coordinator)
    assert again.get("/admin/")["Location"].startswith(VERIFY)


def test_one_session_rule_still_holds_after_the_code(user, device):
    first, second = Client(), Client()
    sign_in(first, user)
    assert first.get("/admin/").status_code == 200
    sign_in(second, user)
    assert first.get("/admin/")["Location"].startswith(LOGIN)
    assert UserSession.objects.get(user=user).session_key == second.session[LOGIN_ID_KEY]


def test_idle_timeout_still_ends_a_verified_session(user, device):
    client = Client()
    sign_in(client, user)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=45)):
        assert client.get("/admin/")["Location"].startswith(LOGIN)


def test_demo_logins_have_fixed_printed_secrets_and_totp_code_prints_the_code(db):
    out = io.StringIO()
    call_command("seed_demo", "--students", "120", "--services", "8", "--schools", "6", stdout=out)
    report = out.getvalue()
    for email in ("beheerder@demo.stagematching.be", "dienst001@demo.stagematching.be"):
        secret = second_factor.demo_secret(email)
        assert secret in report
        printed = io.StringIO()
        call_command("totp_code", email, stdout=printed)
        assert printed.getvalue().strip() == pyotp.TOTP(secret).now()
    assert "totp_code" in report
    # The demo is not exempt: every service and school login has an app; the coordinator
    # (who needs none) has not.
    from accounts.models import User

    for login in User.objects.filter(email__endswith="@demo.stagematching.be"):
        has_app = TOTPDevice.objects.filter(user=login, confirmed=True).exists()
        assert has_app == (not login.email.startswith("trekker")), login.email


def test_before_the_code_the_site_documents_and_api_send_to_the_code_too(user, device):
    client = Client()
    password(client, user)
    for url in ("/", "/api/v2/pages/", "/documents/1/x.pdf", "/zoeken/?q=stage"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url


def test_a_session_naming_a_removed_device_is_no_longer_verified(user, device):
    """The device ids come with the user's own query (no query of their own); a device
    that is gone leaves the session unverified, as with django-otp's own middleware."""
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    TOTPDevice.objects.filter(user=user).delete()
    assert client.get("/admin/")["Location"].startswith(ENROL)
