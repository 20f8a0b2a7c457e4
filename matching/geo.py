"""Distance between two points in Belgium: the one rule for every screen, filter and sort.

Shown distances are great-circle distances (haversine on a sphere of the mean Earth radius).
The database sorts and filters with a flat approximation that needs only arithmetic, so the
same expression runs on SQLite and PostgreSQL: north-south and east-west offsets in km, the
east-west one scaled by the cosine of 50.5° (the middle of Belgium), compared squared (no
square root either). Within Belgium (latitudes 49.5°-51.5°) that approximation stays within
2.5 % of the haversine distance (tests/matching/test_geo.py measures the extremes): at
"binnen 10 km" a student 10.2 km away may still be listed, one at 9.8 km may be left out.
Postcode points are themselves only a postcode's centre, so neither figure is exact to the
door; `Distance.approximate` says when one of the two postcodes was not in the table.
"""

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Value
from django.db.models.expressions import CombinedExpression, ExpressionWrapper

from . import postcodes

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
REFERENCE_LATITUDE = 50.5
COS_REFERENCE = math.cos(math.radians(REFERENCE_LATITUDE))
# Largest relative difference between `flat_km` and `haversine_km` inside Belgium.
FLAT_ERROR_BOUND = 0.025


@dataclass(frozen=True)
class Distance:
    km: float
    approximate: bool


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def flat_squared_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The database's figure, in Python: the squared flat distance in km²."""
    north = (lat2 - lat1) * KM_PER_DEGREE
    east = (lon2 - lon1) * KM_PER_DEGREE * COS_REFERENCE
    return north * north + east * east


def flat_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return math.sqrt(flat_squared_km(lat1, lon1, lat2, lon2))


def has_location(obj) -> bool:
    return getattr(obj, "latitude", None) is not None and obj.longitude is not None


def distance_between(a, b) -> Distance | None:
    """Distance between two located objects (Student, Service: latitude, longitude,
    location_precision); None when either has no point."""
    if not (has_location(a) and has_location(b)):
        return None
    km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)
    approximate = is_approximate(a.location_precision) or is_approximate(b.location_precision)
    return Distance(km=km, approximate=approximate)


def is_approximate(precision: str) -> bool:
    return precision != postcodes.EXACT


def squared_km_expression(latitude: float, longitude: float, prefix: str = ""):
    """SQL expression: squared flat distance (km²) from the given point to the row's
    `latitude`/`longitude` (through `prefix`, e.g. "student__"). NULL without a point."""
    north = (F(f"{prefix}latitude") - Value(latitude)) * Value(KM_PER_DEGREE)
    east = (F(f"{prefix}longitude") - Value(longitude)) * Value(KM_PER_DEGREE * COS_REFERENCE)
    total = CombinedExpression(north * north, "+", east * east)
    return ExpressionWrapper(total, output_field=FloatField())


def within_squared(km: float) -> float:
    """The bound for `squared_km_expression` of a "binnen X km" filter."""
    return float(km) * float(km)
