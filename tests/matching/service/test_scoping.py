"""Ids reveal nothing: another service's student or contact person is a 404, alike for
'not yours' and 'does not exist'; only service logins get in."""

import pytest

from matching.models import ContactPerson, Status
from tests.factories import (
    ContactPersonFactory,
    DecisionFactory,
    StudentFactory,
    UserFactory,
)

from .conftest import PERIOD


@pytest.fixture
def placed_elsewhere(open_round, other_service):
    student = StudentFactory(school_year=open_round.school_year)
    DecisionFactory(service=other_service, student=student, status=Status.ACCEPTED)
    return student


def test_a_student_accepted_by_another_service_is_shown_as_placed_meanwhile(
    service_client, placed_elsewhere
):
    # A student this service could see but for the placement: the race message, never a 404,
    # and nothing of the request or of the winner.
    response = service_client.get(f"/admin/service/student/{placed_elsewhere.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Deze leerling werd intussen door een andere dienst aanvaard." in body
    assert placed_elsewhere.school.name not in body
    for decision in placed_elsewhere.decisions.all():
        assert decision.service.name not in body
    assert service_client.get("/admin/service/student/999999/").status_code == 404


def test_guessing_an_invisible_student_is_404(service_client, open_round, other_service):
    # Round scope 'preferred': a student who names only another service is out of reach.
    open_round.scope = "preferred"
    open_round.save()
    student = StudentFactory(school_year=open_round.school_year, preferred_services=[other_service])
    assert service_client.get(f"/admin/service/student/{student.pk}/").status_code == 404
    response = service_client.post(
        f"/admin/service/student/{student.pk}/status/", {"status": Status.NOT_ACCEPTED}
    )
    assert response.status_code == 404
    assert not student.decisions.exists()


@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history", "usage"])
def test_guessing_another_services_contact_person_is_404(service_client, other_service, view):
    theirs = ContactPersonFactory(service=other_service)
    assert service_client.get(f"/admin/contact-persons/{view}/{theirs.pk}/").status_code == 404


def test_posting_to_another_services_contact_person_changes_nothing(service_client, other_service):
    theirs = ContactPersonFactory(service=other_service, name="Hun Mentor")
    edit = service_client.post(
        f"/admin/contact-persons/edit/{theirs.pk}/",
        {"name": "Gekaapt", "phone": "03 123 45 67", "email": "x@example.be"},
    )
    delete = service_client.post(f"/admin/contact-persons/delete/{theirs.pk}/")
    assert (edit.status_code, delete.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.name == "Hun Mentor"


def test_contact_person_list_shows_only_own(service_client, service, other_service):
    ContactPersonFactory(service=service, name="Onze Mentor")
    ContactPersonFactory(service=other_service, name="Hun Mentor")
    content = service_client.get("/admin/contact-persons/").content.decode()
    assert "Onze Mentor" in content
    assert "Hun Mentor" not in content


def test_contact_person_create_belongs_to_own_service(service_client, service, other_service):
    response = service_client.post(
        "/admin/contact-persons/new/",
        {
            "name": "Nieuwe Mentor",
            "phone": "03 123 45 67",
            "email": "nieuw@example.be",
            "service": other_service.pk,  # ignored: the service comes from the login
        },
    )
    assert response.status_code == 302
    assert ContactPerson.objects.get(name="Nieuwe Mentor").service == service


def test_contact_person_edit_and_delete_own(service_client, service):
    ours = ContactPersonFactory(service=service, name="Oud")
    response = service_client.post(
        f"/admin/contact-persons/edit/{ours.pk}/",
        {"name": "Nieuw", "phone": "03 123 45 67", "email": "n@example.be"},
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.name == "Nieuw"
    assert service_client.post(f"/admin/contact-persons/delete/{ours.pk}/").status_code == 302
    assert not ContactPerson.objects.filter(pk=ours.pk).exists()


def test_mentor_in_use_cannot_be_deleted(service_client, service, open_round, mentor):
    student = StudentFactory(school_year=open_round.school_year)
    DecisionFactory(service=service, student=student, status=Status.ACCEPTED, mentor=mentor)
    response = service_client.post(f"/admin/contact-persons/delete/{mentor.pk}/", follow=True)
    assert ContactPerson.objects.filter(pk=mentor.pk).exists()
    assert "kan niet verwijderd worden" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/service/students/secondary/",
        "/admin/service/students/secondary/export/",
        "/admin/contact-persons/",
    ],
)
def test_admin_user_without_service_is_refused(client, db, url):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)
    response = client.get(url)
    # The view's PermissionDenied, which Wagtail's admin answers with a redirect home.
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_status_post_for_another_service_student_is_404_and_changes_nothing(
    service_client, placed_elsewhere, mentor
):
    response = service_client.post(
        f"/admin/service/student/{placed_elsewhere.pk + 1000}/status/",
        {"status": Status.ACCEPTED, "mentor": mentor.pk, **PERIOD},
    )
    assert response.status_code == 404


def test_unknown_track_is_404(service_client):
    assert service_client.get("/admin/service/students/nursery/").status_code == 404


def test_menu_shows_service_items_only_to_service_users(service_client, client):
    content = service_client.get("/admin/").content.decode()
    for name in ("students-secondary", "students-adult", "students-dual", "contact-persons"):
        assert name in content
