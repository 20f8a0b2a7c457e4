import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import LOGIN_AT_KEY
from accounts.models import UserSession
from tests.logins import PASSWORD, make_operator

LOGIN = "/admin/login/"


def sign_in(client, user):
    from tests.conftest import sign_in as sign_in_with_code

    return sign_in_with_code(client, user, PASSWORD)


@pytest.fixture
def user(db):
    return make_operator(email="beheer@stagematching.be")


def test_session_key_changes_on_sign_in(client, user):
    before = client.session
    before["warm"] = True
    before.save()
    old_key = before.session_key
    sign_in(client, user)
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    # The login remembers this sign-in (by the id kept in its session, which survives a
    # later password change's key rotation).
    from accounts.middleware import LOGIN_ID_KEY

    assert UserSession.objects.get(user=user).session_key == client.session[LOGIN_ID_KEY]


def test_second_sign_in_ends_the_first_session(user):
    first, second = Client(), Client()
    sign_in(first, user)
    assert first.get("/admin/").status_code == 200
    sign_in(second, user)

    response = first.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    page = first.get(response["Location"])
    assert (
        "U werd afgemeld omdat er met dezelfde login opnieuw werd aangemeld."
        in page.content.decode()
    )
    # The older browser is really signed out, not only redirected once.
    assert first.get("/admin/").status_code == 302
    assert second.get("/admin/").status_code == 200


def test_idle_session_ends_after_idle_timeout(client, user):
    sign_in(client, user)
    with time_machine.travel(timezone.localtime() + dt.timedelta(minutes=20)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(timezone.localtime() + dt.timedelta(minutes=40)):
        # 20 minutes after the last request: still within the 30 idle minutes.
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(timezone.localtime() + dt.timedelta(minutes=75)):
        response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_session_ends_after_absolute_age_despite_activity(client, user):
    sign_in(client, user)
    session = client.session
    session[LOGIN_AT_KEY] -= settings.SESSION_ABSOLUTE_AGE + 1
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Uw sessie is verlopen" in page.content.decode()
    assert client.get("/admin/").status_code == 302


def test_admin_responses_are_not_stored_and_carry_csp(client, user):
    sign_in(client, user)
    response = client.get("/admin/")
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_changing_the_password_keeps_the_user_signed_in(client, db):
    """A password change rotates the session key (update_session_auth_hash); that is not a
    second sign-in."""
    from django.conf import settings

    from tests.logins import make_operator

    client.force_login(make_operator())
    assert client.get("/admin/").status_code == 200
    session = client.session
    session.cycle_key()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert client.get("/admin/").status_code == 200
