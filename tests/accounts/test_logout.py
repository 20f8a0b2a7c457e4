"""Issue 14.4/14.5: signing out ends the session on the server; GET changes nothing;
Wagtail's error-test page does not exist in production."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.logins import PASSWORD, make_operator

pytestmark = pytest.mark.django_db


def signed_in():
    user = make_operator()
    client = Client()
    sign_in(client, user, PASSWORD)  # password, then the second factor, as a person does
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/admin/").status_code == 200
    return client, key


def replay(key):
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = key
    return thief.get("/admin/")


def test_get_logout_shows_a_dutch_confirmation_and_changes_nothing():
    client, key = signed_in()
    before = Session.objects.get(session_key=key).session_data
    response = client.get("/admin/logout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wilt u zich afmelden?" in html
    assert 'method="post"' in html and 'action="/admin/logout/"' in html
    # Nothing changed: no cookie dropped, the session row untouched and still valid.
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get(session_key=key).session_data == before
    assert client.get("/admin/").status_code == 200
    assert replay(key).status_code == 200


def test_post_logout_ends_the_session_on_the_server():
    client, key = signed_in()
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets the sign-in page, not the admin.
    again = replay(key)
    assert again.status_code == 302 and reverse("wagtailadmin_login") in again["Location"]


def test_the_sidebar_signs_out_by_post_to_the_same_view():
    client, _key = signed_in()
    html = client.get("/admin/").content.decode()
    # Wagtail's sidebar props carry the sign-out as an action (a POST form) to this URL.
    assert '"/admin/logout/"' in html or "/admin/logout/" in html
    from django.urls import resolve

    assert resolve("/admin/logout/").func.view_class.__name__ == "AdminLogoutView"


def test_anonymous_get_logout_goes_to_sign_in():
    response = Client().get("/admin/logout/")
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]


def test_failwhale_is_not_found_in_production():
    client, _key = signed_in()
    assert client.get("/admin/failwhale/").status_code == 404
