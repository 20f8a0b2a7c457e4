import datetime as dt

import pytest
from django.utils import timezone

from matching.models import Scope, Track
from tests.factories import RoundFactory, SchoolYearFactory

PERIOD = {"period_start": dt.date(2026, 1, 5), "period_end": dt.date(2026, 2, 27)}
# Points (latitude, longitude) chosen for round distances: 0.009° of latitude ≈ 1 km.
KM = 0.0089932


def at_km(km: float) -> dict:
    """A point `km` north of 51.0 N, 4.4 E (distances in this file are read along it)."""
    return {"latitude": 51.0 + km * KM, "longitude": 4.4}


@pytest.fixture
def round3(db):
    """Round 3 of the secondary track in force since yesterday (rounds 1 and 2 before it)."""
    year = SchoolYearFactory()
    now = timezone.now()
    RoundFactory(
        school_year=year,
        number=1,
        scope=Scope.PREFERRED_IN_PROVINCE,
        starts_at=now - dt.timedelta(days=60),
        ends_at=now - dt.timedelta(days=40),
    )
    RoundFactory(
        school_year=year,
        number=2,
        scope=Scope.PREFERRED,
        starts_at=now - dt.timedelta(days=20),
        ends_at=now - dt.timedelta(days=1),
    )
    return RoundFactory(
        school_year=year,
        number=3,
        track=Track.SECONDARY,
        scope=Scope.ALL,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=10),
    )


def places(service, round_, count: int):
    from matching.capacity import capacity_set

    return capacity_set(
        service=service, school_year=round_.school_year, track=round_.track, places=count, user=None
    )
