"""A Dutch-speaking visitor: a client that asks for nl-BE, the demo world (seed_demo) with one
login per role, signing in as the product does (password, then the second factor's code
page, which must read Dutch too), and the English words a page's visible text holds
(tests/visible.py). Used by the tests/<app>/test_dutch*.py modules."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from tests.visible import english_in, visible_text

DUTCH = "nl-BE,nl;q=0.9"
DEMO_PASSWORD = "Stage-Demo-2026!"
# One login per role from the demo data (seed_demo).
ROLES = {
    "operator": "beheerder@demo.stagematching.be",
    "editor": "redacteur@demo.stagematching.be",
    "service": "dienst001@demo.stagematching.be",
    "school": "school001@demo.stagematching.be",
    "coordinator": "trekker.antwerpen@demo.stagematching.be",
}
HOST_PORT = re.compile(r"\b(?:localhost|127\.0\.0\.1|testserver)(?::\d+)?\b")


@pytest.fixture
def demo(db, settings):
    from matching.reference import ensure_reference_data

    settings.LANGUAGE_CODE = "nl-be"
    ensure_reference_data()  # a transactional test run before may have flushed them
    call_command("seed_demo", "--students", "150", "--services", "12", "--schools", "8", "--quiet")


def dutch_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=DUTCH)


def sign_in(email: str) -> tuple[Client, str]:
    """Password on the sign-in page, then (for a role that needs one) the second factor's
    code page, which must read Dutch too; returns the client and the dashboard's HTML."""
    from accounts.models import User
    from tests.conftest import needs_second_factor, second_factor_device, totp_code

    client = dutch_client()
    user = User.objects.get(email=email)
    response = client.post("/admin/login/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, email
    if needs_second_factor(user):
        device = second_factor_device(user)
        page = client.get("/accounts/tweestapsverificatie/code/").content.decode()
        assert english_in(visible_text(page)) == [], (email, "second factor page")
        response = client.post("/accounts/tweestapsverificatie/code/", {"code": totp_code(device)})
        assert response.status_code == 302, email
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200 and "_auth_user_id" in client.session, email
    return client, dashboard.content.decode()


def english(html: str) -> list[str]:
    return english_in(visible_text(html))
