"""Fixtures of the service workspace: a service with a login, an open round, students."""

import datetime as dt

import pytest

from matching.models import Scope, Track
from tests.factories import ContactPersonFactory, RoundFactory, ServiceFactory
from tests.logins import make_service_user

PERIOD = {"period_start": "2025-10-06", "period_end": "2025-11-28"}
PERIOD_DATES = {"period_start": dt.date(2025, 10, 6), "period_end": dt.date(2025, 11, 28)}


@pytest.fixture
def service(db):
    return ServiceFactory(name="Zorg Antwerpen")


@pytest.fixture
def other_service(db):
    return ServiceFactory(name="Zorg Elders")


@pytest.fixture
def service_user(service):
    return make_service_user(service)


@pytest.fixture
def service_client(client, service_user):
    client.force_login(service_user)
    return client


@pytest.fixture
def mentor(service):
    return ContactPersonFactory(service=service, name="Mentor Eigen")


@pytest.fixture
def open_round(db):
    return RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)


@pytest.fixture
def dual_round(open_round):
    return RoundFactory(school_year=open_round.school_year, scope=Scope.ALL, track=Track.DUAL)
