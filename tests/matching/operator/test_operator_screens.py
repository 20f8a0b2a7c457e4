"""The operator reads decisions, their history and the personal-data access log; nobody
else does, and nothing there can be edited."""

import pytest
from django.urls import reverse

from matching.models import PersonalDataAccess, Scope, Status, Track
from matching.services import decision_set_status, personal_data_log
from tests.conftest import browser_login, screenshot
from tests.factories import RoundFactory, ServiceFactory, StudentFactory
from tests.logins import make_operator, make_service_user


@pytest.fixture
def history(db):
    rnd = RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)
    student = StudentFactory(school_year=rnd.school_year, last_name="Vandenbroucke")
    service = ServiceFactory(name="Thuiszorg Kempen")
    user = make_service_user(service)
    decision_set_status(
        service=service, student_id=student.pk, status=Status.NOT_ACCEPTED, user=user
    )
    personal_data_log(user=user, students=[student], context="detail", service=service)
    return {"student": student, "service": service, "service_user": user}


SCREENS = ["decisions:index", "status-changes:index", "personal-data-access:index"]


@pytest.mark.parametrize("name", SCREENS)
def test_operator_reads_decisions_history_and_access_log(client, history, name):
    client.force_login(make_operator())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Vandenbroucke" in response.content.decode()


@pytest.mark.parametrize("name", SCREENS)
def test_service_user_cannot_read_them(client, history, name):
    client.force_login(history["service_user"])
    response = client.get(reverse(name))
    assert response.status_code == 302


def test_access_log_cannot_be_edited_or_deleted(client, history):
    client.force_login(make_operator())
    row = PersonalDataAccess.objects.get()
    for name in ("personal-data-access:edit", "personal-data-access:delete"):
        response = client.post(reverse(name, args=[row.pk]), {"context": "export"})
        # Refused: Wagtail turns PermissionDenied into a redirect to the dashboard.
        assert response.status_code == 302
        assert response.get("Location", "/admin/") == "/admin/"
    row.refresh_from_db()
    assert row.context == "detail"


@pytest.mark.browser
def test_operator_signs_in_and_sees_the_students_listing(page, live_server, transactional_db):
    from django.apps import apps

    from accounts.roles import ensure_role_groups

    ensure_role_groups(apps)
    rnd = RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)
    StudentFactory(school_year=rnd.school_year, first_name="Lotte", last_name="Verhaegen")
    operator = make_operator()
    browser_login(page, live_server, operator.email)
    page.goto(f"{live_server.url}{reverse('students:index')}")
    assert page.get_by_text("Verhaegen").first.is_visible()
    screenshot(page, "operator-students")
