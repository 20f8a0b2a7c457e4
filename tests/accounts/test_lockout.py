import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import UserFactory
from tests.logins import PASSWORD, make_operator

LOGIN = "/admin/login/"


def attempt(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


@pytest.fixture
def victim(db):
    return UserFactory(email="doelwit@dienst.be")


def lock(client, email, settings):
    responses = [
        attempt(client, email, "fout-wachtwoord") for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    return responses


def test_lockout_after_configured_failures(client, victim, settings):
    responses = lock(client, victim.email, settings)
    assert all(r.status_code == 200 for r in responses[:-1])
    assert responses[-1].status_code == 429
    assert "Tijdelijk vergrendeld" in responses[-1].content.decode()


def test_correct_password_refused_while_locked(client, victim, settings):
    lock(client, victim.email, settings)
    response = attempt(client, victim.email, PASSWORD)
    assert response.status_code == 429
    assert "te vaak een verkeerd wachtwoord" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_user_from_same_ip_is_not_locked(client, victim, settings):
    lock(client, victim.email, settings)
    other = UserFactory(email="collega@dienst.be")
    response = attempt(Client(), other.email, PASSWORD)
    assert response.status_code == 302


def test_operator_unlocks_from_admin(client, victim, settings):
    lock(client, victim.email, settings)
    operator_client = Client()
    operator_client.force_login(make_operator())
    listing = operator_client.get("/admin/lockouts/")
    assert listing.status_code == 200
    assert victim.email in listing.content.decode()
    row = AccessAttempt.objects.get(username=victim.email)
    response = operator_client.post(f"/admin/lockouts/{row.pk}/unlock/")
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=victim.email).exists()
    assert attempt(client, victim.email, PASSWORD).status_code == 302


def test_only_operator_sees_lockouts(client, victim, settings):
    lock(client, victim.email, settings)
    row = AccessAttempt.objects.get(username=victim.email)
    editor = Client()
    from tests.logins import make_editor

    editor.force_login(make_editor())
    # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
    for response in (
        editor.get("/admin/lockouts/"),
        editor.post(f"/admin/lockouts/{row.pk}/unlock/"),
    ):
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    assert AccessAttempt.objects.filter(pk=row.pk).exists()
