import datetime as dt

import pytest
import time_machine

from matching.models import Scope, Track
from tests import factories

from .helpers import NOW


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def year(db):
    return factories.SchoolYearFactory()


@pytest.fixture
def rounds(year):
    """Round 1 (preferred in province) ended, round 2 (preferred) in force at NOW; dual all."""
    start = NOW - dt.timedelta(days=60)
    return {
        "r1": factories.RoundFactory(
            school_year=year,
            track=Track.SECONDARY,
            number=1,
            scope=Scope.PREFERRED_IN_PROVINCE,
            starts_at=start,
            ends_at=start + dt.timedelta(days=30),
        ),
        "r2": factories.RoundFactory(
            school_year=year,
            track=Track.SECONDARY,
            number=2,
            scope=Scope.PREFERRED,
            starts_at=NOW - dt.timedelta(days=20),
            ends_at=NOW + dt.timedelta(days=5),
        ),
        "r3": factories.RoundFactory(
            school_year=year,
            track=Track.SECONDARY,
            number=3,
            scope=Scope.ALL,
            starts_at=NOW + dt.timedelta(days=5),
            ends_at=NOW + dt.timedelta(days=20),
        ),
        "dual": factories.RoundFactory(
            school_year=year,
            track=Track.DUAL,
            number=1,
            scope=Scope.ALL,
            starts_at=start,
            ends_at=NOW + dt.timedelta(days=60),
        ),
    }
