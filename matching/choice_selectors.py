"""Reads behind the choice lists of forms and filters (schools, services, provinces,
transport modes), so that a form or view names what it offers and never
writes the query itself (tests/architecture/test_reads.py)."""

from django.db.models import QuerySet

from .models import ContactPerson, Province, School, Service, TransportMode


def transport_modes() -> QuerySet[TransportMode]:
    return TransportMode.objects.all()


def active_services() -> QuerySet[Service]:
    """The services a school may name as preferred, by name."""
    return Service.objects.filter(is_active=True).order_by("name")


def schools() -> QuerySet[School]:
    """Every school, by name."""
    return School.objects.order_by("name")


def provinces() -> QuerySet[Province]:
    return Province.objects.all()


def no_contact_persons() -> QuerySet[ContactPerson]:
    """An empty choice of mentors, for a form until it is told its service's own."""
    return ContactPerson.objects.none()
