"""Passkeys through the test client: who may start a registration or a sign-in ceremony,
that the relying party comes from the settings (not the Host header), that a refused
passkey counts toward the lockout, and that the operator's reset removes passkeys. The
ceremonies themselves run in the browser (test_passkeys_browser.py)."""

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from accounts import second_factor
from tests.conftest import password_only_login, second_factor_device
from tests.factories import ServiceFactory
from tests.logins import PASSWORD, make_operator, make_service_user

REGISTER_BEGIN = "/accounts/tweestapsverificatie/passkey/registreren/begin/"
AUTH_BEGIN = "/accounts/tweestapsverificatie/passkey/aanmelden/begin/"
AUTH_COMPLETE = "/accounts/tweestapsverificatie/passkey/aanmelden/klaar/"
PASSKEYS = "/accounts/tweestapsverificatie/passkeys/"
VERIFY = "/accounts/tweestapsverificatie/code/"


@pytest.fixture
def user(db):
    user = make_service_user(ServiceFactory(), email="medewerker@dienst.be")
    second_factor_device(user)
    return user


def stored_passkey(user, credential_id=b"\x01\x02\x03\x04"):
    return WebAuthnCredential.objects.create(
        user=user,
        name="Passkey",
        credential_id=credential_id,
        public_key=b"\x00",
        sign_count=0,
        confirmed=True,
    )


def after_password(user):
    client = Client()
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_password_alone_cannot_register_a_passkey(user):
    client = after_password(user)
    response = client.post(REGISTER_BEGIN)
    assert response.status_code == 403
    assert response.json()["code"] == "user_not_verified"
    assert "Meld eerst aan met uw code" in response.json()["detail"]
    page = client.get(PASSKEYS)
    assert page.status_code == 302 and page["Location"].startswith(VERIFY)


def test_a_login_without_an_app_cannot_register_a_passkey(db):
    user = make_service_user(ServiceFactory(), email="nieuw@dienst.be")
    client = Client()
    password_only_login(client, user)
    assert client.post(REGISTER_BEGIN).status_code == 403


def test_registration_names_the_relying_party_of_the_settings_not_the_host(user, settings):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    response = client.post(REGISTER_BEGIN)
    assert response.status_code == 200
    options = response.json()
    assert options["rp"] == {"id": "localhost", "name": "Stagematching gezinszorg"}
    assert settings.OTP_WEBAUTHN_RP_ID == "localhost"
    assert options["user"]["name"] == user.email
    assert client.get(PASSKEYS).status_code == 200


def test_no_passkey_ceremony_without_a_password_sign_in(user):
    stored_passkey(user)
    response = Client().post(AUTH_BEGIN)
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_a_login_without_a_passkey_is_offered_none(user):
    client = after_password(user)
    response = client.post(AUTH_BEGIN)
    assert response.status_code == 403 and response.json()["code"] == "no_passkey"
    assert "passkey-verification-button" not in client.get(VERIFY).content.decode()


def test_after_the_password_the_passkeys_of_the_login_are_asked_for(user):
    stored_passkey(user)
    client = after_password(user)
    page = client.get(VERIFY).content.decode()
    assert 'id="passkey-verification-button"' in page
    assert 'type="application/json"' in page and "otp_webauthn_config" in page
    response = client.post(AUTH_BEGIN)
    assert response.status_code == 200
    options = response.json()
    assert options["rpId"] == "localhost"
    assert [c["id"] for c in options["allowCredentials"]] == ["AQIDBA"]
    assert not second_factor.is_verified(client.get("/admin/").wsgi_request.user)


def test_a_refused_passkey_counts_toward_the_lockout(user, settings):
    stored_passkey(user)
    client = after_password(user)
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        assert client.post(AUTH_BEGIN).status_code == 200
        response = client.post(
            AUTH_COMPLETE, data=json.dumps({"id": "AQIDBA"}), content_type="application/json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "refused"
        assert "Deze passkey werd niet aanvaard" in response.json()["detail"]
        (row,) = AccessAttempt.objects.filter(username=user.email)
        assert row.failures_since_start == attempt
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    client.post(AUTH_BEGIN)
    response = client.post(
        AUTH_COMPLETE, data=json.dumps({"id": "AQIDBA"}), content_type="application/json"
    )
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    # The half sign-in ended with the lockout.
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_locked_login_gets_no_passkey_ceremony(user, settings):
    stored_passkey(user)
    client = after_password(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/admin/login/", {"username": user.email, "password": "fout"})
    response = client.post(AUTH_BEGIN)
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_operators_reset_removes_the_passkeys(user, mailbox):
    stored_passkey(user)
    operator = make_operator()
    with mailbox.commit():
        second_factor.second_factor_reset(user=user, by=operator)
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_a_login_removes_its_own_passkey_only(user):
    mine = stored_passkey(user)
    other_user = make_service_user(ServiceFactory(), email="ander@dienst.be")
    theirs = stored_passkey(other_user, credential_id=b"\x09\x09")
    client = Client()
    client.force_login(user)
    assert client.post(PASSKEYS, {"remove": theirs.pk}).status_code == 302
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()
    assert client.post(PASSKEYS, {"remove": mine.pk}).status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=mine.pk).exists()
