"""The 403, 404 and 500 pages (cms.errors, config.urls' handlers) speak Dutch, carry the
product's name and point to the helpdesk, in the admin and on the public site; the 500 page
renders without the database."""

import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.db import DatabaseError
from django.test import Client, RequestFactory

from tests.dutch import DUTCH, ROLES, dutch_client, english, sign_in
from tests.dutch import demo as demo  # noqa: F401  (a fixture)
from tests.visible import visible_text

pytestmark = pytest.mark.django_db


def test_admin_404_is_dutch_with_the_list_and_the_helpdesk(demo):
    client, _ = sign_in(ROLES["service"])
    response = client.get("/admin/service/students/secondary/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert english(html) == []
    soup = BeautifulSoup(html, "html.parser")
    assert "Stagematching gezinszorg" in soup.title.get_text()
    back = soup.find("a", string=re.compile("Terug naar de lijst"))
    assert back and back["href"] == "/admin/service/students/secondary/"
    assert "helpdesk@stagematching.org" in visible_text(html)


def test_admin_403_is_dutch(demo):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from cms.errors import permission_denied

    request = RequestFactory().get("/admin/school_years/default/", HTTP_ACCEPT_LANGUAGE=DUTCH)
    request.user = get_user_model().objects.get(email=ROLES["service"])
    response = permission_denied(request, PermissionDenied())
    response.render()
    assert response.status_code == 403
    html = response.content.decode()
    assert english(html) == [] and "Stagematching gezinszorg" in html
    assert "helpdesk" in visible_text(html)


def test_public_404_and_403_are_dutch_and_branded(demo):
    response = dutch_client().get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert english(html) == [] and "Naar de startpagina" in html
    assert "helpdesk@stagematching.org" in visible_text(html)

    from django.core.exceptions import PermissionDenied

    from cms.errors import permission_denied

    request = RequestFactory().get("/geheim/", HTTP_ACCEPT_LANGUAGE=DUTCH)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    response.render()
    assert response.status_code == 403
    assert english(response.content.decode()) == []


@pytest.mark.parametrize("path", ["/admin/services/", "/tijdlijn/"])
def test_500_renders_in_dutch_without_the_database(db, path, django_assert_num_queries):
    from cms.errors import server_error

    request = RequestFactory().get(path)
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError),
        django_assert_num_queries(0),
    ):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert english(html) == []
    assert "Er ging iets mis" in html and "Stagematching gezinszorg" in html
    assert "info@stagematching.org" in html or "helpdesk@" in html


def test_500_is_served_by_the_handler_with_debug_off(db, settings):
    """A view that crashes: Django calls config.urls.handler500 (DEBUG is off in tests)."""
    from django.urls import path

    def crash(request):
        raise RuntimeError("boom")

    from config import urls

    patterns = [path("crash/", crash), *urls.urlpatterns]
    module = type(urls)("crash_urls")
    module.urlpatterns = patterns
    module.handler500 = urls.handler500
    settings.ROOT_URLCONF = module
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=DUTCH)
    response = client.get("/crash/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
    assert english(response.content.decode()) == []
