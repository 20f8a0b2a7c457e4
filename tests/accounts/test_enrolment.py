"""Enrolment needs more than the password (accounts.enrolment): an existing login without an
app, or one just reset, sets one up only through a link mailed to its address (or within
activation). The link is signed, expires, works for one login and stops working once an
app is set up; the reset mail carries one."""

import datetime as dt
import re

import pyotp
import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment, second_factor
from tests.accounts.conftest import mails_to
from tests.conftest import second_factor_device
from tests.factories import SchoolFactory, ServiceFactory
from tests.logins import PASSWORD, make_operator, make_school_user, make_service_user

LOGIN = "/admin/login/"
ENROL = "/accounts/tweestapsverificatie/instellen/"


def password(client, user, pw=PASSWORD):
    response = client.post(LOGIN, {"username": user.email, "password": pw})
    assert response.status_code == 302
    return response


def link_path(message) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/tweestapsverificatie/link/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def confirm_app(client):
    page = client.get(ENROL)
    assert page.status_code == 200 and "device" in page.context, page.content.decode()[:300]
    secret = second_factor.totp_secret(page.context["device"])
    done = client.post(
        ENROL, {"device": page.context["device"].pk, "code": pyotp.TOTP(secret).now()}
    )
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    return done


@pytest.fixture
def user(db):
    return make_service_user(ServiceFactory(), email="nieuw@dienst.be")


def test_a_password_alone_cannot_enrol(user):
    client = Client()
    password(client, user)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "device" not in page.context and 'id="totp-secret"' not in page.content.decode()
    # Posting a code straight away changes nothing either.
    client.post(ENROL, {"device": "1", "code": "123456"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get("/admin/")["Location"].startswith(ENROL)


def test_the_mailed_link_lets_this_login_enrol_once(user, mailbox):
    client = Client()
    password(client, user)
    with mailbox.commit():
        response = client.post(ENROL, {"action": "send-link"})
    assert response.status_code == 302
    (message,) = mails_to(user.email)
    assert "tweestapsverificatie" in message.subject
    assert "48 uur" in message.body
    path = link_path(message)
    assert client.get(path)["Location"] == ENROL
    confirm_app(client)
    assert client.get("/admin/").status_code == 200
    # Used: the link no longer works, for anyone.
    assert Client().get(path).status_code == 410


def test_asking_again_at_once_sends_no_second_mail(user, mailbox):
    client = Client()
    password(client, user)
    with mailbox.commit():
        client.post(ENROL, {"action": "send-link"})
        again = client.post(ENROL, {"action": "send-link"}, follow=True)
    assert len(mails_to(user.email)) == 1
    assert "De link werd net verstuurd" in again.content.decode()


def test_a_link_opened_before_signing_in_waits_for_the_password(user, mailbox):
    first = Client()
    password(first, user)
    with mailbox.commit():
        first.post(ENROL, {"action": "send-link"})
    path = link_path(mails_to(user.email)[0])

    browser = Client()
    response = browser.get(path)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert browser.get(ENROL)["Location"].startswith(LOGIN)  # the link does not sign in
    password(browser, user)
    confirm_app(browser)


def test_the_link_counts_for_its_own_login_only(user, mailbox):
    other = make_school_user(SchoolFactory(), email="ander@school.be")
    first = Client()
    password(first, user)
    with mailbox.commit():
        first.post(ENROL, {"action": "send-link"})
    path = link_path(mails_to(user.email)[0])
    # Opened in a session signed in as another login: that session ends.
    session = Client()
    password(session, other)
    assert session.get(path)["Location"].startswith(LOGIN)
    # And the grant does not carry over to that other login's password.
    password(session, other)
    assert "device" not in session.get(ENROL).context


def test_a_forged_or_expired_link_is_refused(user, mailbox):
    assert Client().get(f"/accounts/tweestapsverificatie/link/{'x' * 40}/").status_code == 410
    token = enrolment.enrolment_token(user)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        assert Client().get(f"/accounts/tweestapsverificatie/link/{token}/").status_code == 410
    assert Client().get(f"/accounts/tweestapsverificatie/link/{token}/").status_code == 302


def test_a_password_change_voids_the_link(user):
    token = enrolment.enrolment_token(user)
    user.set_password("Een-ander-wachtwoord-2026")
    user.save()
    assert enrolment.enrolment_token_user(token) is None


def test_the_operators_reset_mails_a_link_to_enrol_again(user, mailbox):
    second_factor_device(user)
    old_token = enrolment.enrolment_token(user)
    with mailbox.commit():
        second_factor.second_factor_reset(user=user, by=make_operator())
    (message,) = mails_to(user.email)
    assert "gereset" in message.body
    assert enrolment.enrolment_token_user(old_token) is None
    client = Client()
    assert client.get(link_path(message))["Location"].startswith(LOGIN)
    password(client, user)
    confirm_app(client)
    assert client.get("/admin/").status_code == 200


def test_activation_enrols_without_a_link(db, mailbox):
    from tests.accounts.conftest import invite

    operator = make_operator()
    service = ServiceFactory()
    invitation, token = invite(
        mailbox, email="gloednieuw@dienst.be", role="service", service=service, invited_by=operator
    )
    mailbox.clear()
    client = Client()
    new = "Zonnebloem-Stage-2025"
    response = client.post(
        f"/accounts/activeer/{token}/", {"new_password1": new, "new_password2": new}
    )
    assert response["Location"] == ENROL
    confirm_app(client)
    assert mails_to("gloednieuw@dienst.be") == []
