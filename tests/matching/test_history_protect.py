"""History is append-only, also against a cascade: deleting a student, a service or a login
that has history is refused by the database layer (on_delete=PROTECT), and the operator's
screens deactivate a service instead of deleting it."""

import pytest
from django.apps import apps
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from matching.models import AppendOnlyQuerySet, PersonalDataAccess, Service, Status, StatusChange
from tests import factories
from tests.logins import make_operator, make_service_user

pytestmark = pytest.mark.django_db

HISTORY = {StatusChange, PersonalDataAccess}


def test_every_history_model_is_listed():
    append_only = {
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.get_queryset(), AppendOnlyQuerySet)
    }
    assert append_only <= HISTORY


@pytest.mark.parametrize("model", sorted(HISTORY, key=lambda m: m.__name__))
def test_no_history_row_can_disappear_by_a_cascade(model):
    """A row goes with a cascade only through a foreign key of its own that CASCADEs (or
    SET_NULLs away who it names): every such key of a history model PROTECTs."""
    keys = [f for f in model._meta.get_fields() if f.many_to_one and f.concrete]
    assert keys
    loose = {f.name: f.remote_field.on_delete.__name__ for f in keys}
    assert loose == {f.name: "PROTECT" for f in keys}
    assert not any(f.many_to_many or f.one_to_one for f in model._meta.get_fields() if f.concrete)


@pytest.fixture
def history():
    service = factories.ServiceFactory()
    user = make_service_user(service)
    student = factories.StudentFactory()
    StatusChange.objects.create(
        student=student,
        service=service,
        from_status=Status.UNDECIDED,
        to_status=Status.ACCEPTED,
        changed_by=user,
    )
    PersonalDataAccess.objects.create(
        user=user, student=student, service=service, context=PersonalDataAccess.Context.DETAIL
    )
    return {"service": service, "user": user, "student": student}


@pytest.mark.parametrize("victim", ["student", "service", "user"])
def test_deleting_what_history_names_is_refused(history, victim):
    with pytest.raises(ProtectedError):
        history[victim].delete()
    assert StatusChange.objects.count() == 1
    assert PersonalDataAccess.objects.count() == 1


def test_deleting_up_the_chain_is_refused_too(history):
    """A school year or school cascades nowhere into the history: they PROTECT their
    students already, and the students their history."""
    student = history["student"]
    for parent in (student.school, student.school_year):
        with pytest.raises(ProtectedError):
            parent.delete()
    assert StatusChange.objects.count() == 1


def test_the_operator_deactivates_a_service_and_cannot_delete_it(client, history):
    service = history["service"]
    client.force_login(make_operator())
    listing = client.get(reverse("services:index")).content.decode()
    assert reverse("services:edit", args=[service.pk]) in listing
    assert reverse("services:delete", args=[service.pk]) not in listing
    # Wagtail's delete view refuses before anything runs: the permission policy allows no
    # `delete` on services, whatever model permissions a login holds.
    for method in (client.get, client.post):
        response = method(reverse("services:delete", args=[service.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert Service.objects.filter(pk=service.pk).exists()
    edit = client.get(reverse("services:edit", args=[service.pk])).content.decode()
    assert reverse("services:delete", args=[service.pk]) not in edit
    assert 'name="is_active"' in edit


def test_a_superuser_cannot_delete_a_service_either(client, history):
    service = history["service"]
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    response = client.post(reverse("services:delete", args=[service.pk]))
    assert response.status_code == 302
    assert Service.objects.filter(pk=service.pk).exists()
