"""Rules found in review: a deactivated service's logins lose the workspace; an operator
can correct any contact person."""

from matching.models import ContactPerson
from tests.factories import ContactPersonFactory
from tests.logins import make_operator


def test_deactivated_service_logins_lose_the_workspace(service_client, service, open_round):
    assert service_client.get("/admin/service/students/secondary/").status_code == 200
    service.is_active = False
    service.save()
    response = service_client.get("/admin/service/students/secondary/")
    # The view's PermissionDenied, which Wagtail's admin answers with a redirect home.
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_operator_edits_a_contact_person_of_any_service(client, db):
    contact = ContactPersonFactory(name="Oud")
    client.force_login(make_operator())
    response = client.post(
        f"/admin/contact-persons/edit/{contact.pk}/",
        {"name": "Nieuw", "phone": "03 123 45 67", "email": "n@example.be"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name == "Nieuw"
    assert ContactPerson.objects.get(pk=contact.pk).service_id == contact.service_id
