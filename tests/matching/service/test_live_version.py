"""The live list's version moves with what its answer holds: acceptances of the track made or
taken back (by anyone) and the round in force. Other status changes and other tracks keep
it, so those polls end in a 304."""

import datetime as dt

import pytest
from django.utils import timezone

from matching import services
from matching.models import Round, Scope, Status, Track
from tests.factories import ContactPersonFactory, RoundFactory, StudentFactory

from .conftest import PERIOD_DATES

LIVE = "/admin/service/students/secondary/live/"


def set_status(service, student, status):
    extra = {}
    if status == Status.ACCEPTED:
        extra = {"mentor": ContactPersonFactory(service=service), **PERIOD_DATES}
    return services.decision_set_status(
        service=service, student_id=student.pk, status=status, user=None, **extra
    )


@pytest.fixture
def shown(open_round):
    return [StudentFactory(school_year=open_round.school_year) for _ in range(2)]


@pytest.fixture
def poll(service_client, shown):
    """First poll of the open list (ids of the shown students); then `poll(etag)`."""
    url = f"{LIVE}?ids={shown[0].pk},{shown[1].pk}"

    def again(etag=None):
        headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
        return service_client.get(url, **headers)

    return again


def test_another_services_non_acceptance_keeps_the_list_at_304(poll, shown, other_service):
    etag = poll()["ETag"]
    set_status(other_service, shown[0], Status.NOT_ACCEPTED)
    answer = poll(etag)
    assert answer.status_code == 304 and answer["ETag"] == etag


def test_an_acceptance_in_another_track_keeps_the_list_at_304(poll, open_round, other_service):
    RoundFactory(school_year=open_round.school_year, scope=Scope.ALL, track=Track.ADULT)
    adult = StudentFactory(school_year=open_round.school_year, track=Track.ADULT)
    etag = poll()["ETag"]
    set_status(other_service, adult, Status.ACCEPTED)
    assert poll(etag).status_code == 304


def test_another_services_acceptance_and_its_withdrawal_each_move_the_version(
    poll, shown, other_service
):
    first = poll()
    set_status(other_service, shown[0], Status.ACCEPTED)
    placed = poll(first["ETag"])
    assert placed.status_code == 200 and placed["ETag"] != first["ETag"]
    assert placed.json()["placed"] == [shown[0].pk]
    assert placed.json()["counts"] == {"open": 1, "accepted": 0}
    # Taken back: the student is in the pool again, and the poll hears of it.
    set_status(other_service, shown[0], Status.UNDECIDED)
    released = poll(placed["ETag"])
    assert released.status_code == 200
    assert released.json()["placed"] == [] and released.json()["counts"]["open"] == 2


def test_the_services_own_acceptance_moves_the_version(poll, shown, service):
    etag = poll()["ETag"]
    set_status(service, shown[1], Status.ACCEPTED)
    answer = poll(etag)
    assert answer.status_code == 200
    assert answer.json()["counts"] == {"open": 1, "accepted": 1}


def test_a_new_round_in_force_moves_the_version(poll, open_round):
    etag = poll()["ETag"]
    Round.objects.create(
        school_year=open_round.school_year,
        track=Track.SECONDARY,
        number=open_round.number + 1,
        name="Volgende ronde",
        scope=Scope.ALL,
        starts_at=timezone.now() - dt.timedelta(seconds=1),
        ends_at=timezone.now() + dt.timedelta(days=10),
    )
    assert poll(etag).status_code == 200
