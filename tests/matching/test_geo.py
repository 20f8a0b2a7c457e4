"""Coordinates from postcodes (GeoNames, with labelled fallbacks) and the one distance rule:
haversine for what people read, the arithmetic-only flat figure for SQL sort and filter."""

import importlib
import itertools

import pytest
from django.apps import apps
from django.db.models import F

from matching import geo, postcodes
from matching.models import LocationPrecision, Service, Student
from tests import factories

# Postcode points from the committed table (GeoNames): 1000 Brussel, 2000 Antwerpen, 9000 Gent,
# 8400 Oostende, 6700 Arlon, 3500 Hasselt.
BRUSSEL = (50.8504, 4.3488)
ANTWERPEN = (51.2199, 4.4035)
ARLON = (49.6833, 5.8167)  # the place "Arlon" of 6700


def test_postcode_points_come_from_the_table():
    assert postcodes.location_for("1000") == postcodes.Location(50.8504, 4.3488, postcodes.EXACT)
    assert postcodes.location_for("2000") == postcodes.Location(*ANTWERPEN, postcodes.EXACT)
    # 2040 has four places in GeoNames (Antwerpen, Berendrecht, Lillo, Zandvliet): their mean.
    point = postcodes.location_for("2040")
    assert point.precision == postcodes.EXACT and not point.approximate
    assert point.latitude == pytest.approx((51.3593 + 51.2199 + 51.2807 + 51.3425) / 4, abs=1e-5)
    assert point.longitude == pytest.approx((4.31 + 4.4035 + 4.506 + 4.3142) / 4, abs=1e-5)


def test_brussel_antwerpen_is_about_41_km():
    # By hand: dlat 0.3695° = 41.09 km north, dlon 0.0547° x cos(51.03°) = 3.83 km east;
    # sqrt(41.09² + 3.83²) = 41.27 km.
    assert geo.haversine_km(*BRUSSEL, *ANTWERPEN) == pytest.approx(41.27, abs=0.05)
    assert geo.flat_km(*BRUSSEL, *ANTWERPEN) == pytest.approx(41.27, abs=0.3)


# By hand, at the pair's mean latitude (111.195 km per degree):
# Brussel-Gent: 0.1996° = 22.19 km N, 0.6321° x cos(50.95°) 0.6300 = 44.28 km W -> 49.53 km.
# Oostende-Arlon: 1.5199° = 169.00 km S, 2.8526° x cos(50.45°) 0.6368 = 201.99 km E -> 263.36.
# Antwerpen-Hasselt: 0.3048° = 33.89 km S, 0.9193° x cos(51.07°) 0.6284 = 64.24 km E -> 72.63.
@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ("1000", "9000", 49.53),
        ("8400", "6700", 263.36),
        ("2000", "3500", 72.63),
        ("2000", "2000", 0.0),
    ],
)
def test_distance_between_postcodes_matches_hand_values(a, b, km):
    pa, pb = postcodes.location_for(a), postcodes.location_for(b)
    assert geo.haversine_km(pa.latitude, pa.longitude, pb.latitude, pb.longitude) == (
        pytest.approx(km, abs=0.3)
    )


def test_flat_approximation_stays_within_its_bound_at_belgian_extremes():
    corners = [(49.5, 2.5), (49.5, 6.4), (51.5, 2.5), (51.5, 6.4), (50.5, 4.4)]
    # Every pair of corners of Belgium's box, and every 3rd postcode against every other.
    table = list(postcodes._points().values())[::3]
    worst = 0.0
    for (lat1, lon1), (lat2, lon2) in itertools.chain(
        itertools.combinations(corners, 2), itertools.combinations(table, 2)
    ):
        exact = geo.haversine_km(lat1, lon1, lat2, lon2)
        if exact < 1:
            continue
        worst = max(worst, abs(geo.flat_km(lat1, lon1, lat2, lon2) - exact) / exact)
    assert 0.015 < worst <= geo.FLAT_ERROR_BOUND  # east-west at 49.5° and 51.5°: ~2.2 %


def test_postcode_missing_from_the_table_takes_the_nearest_known_one_of_its_province():
    assert "4999" not in postcodes._points()
    point = postcodes.location_for("4999")
    assert point.precision == postcodes.BY_REGION and point.approximate
    nearest = max(c for c in postcodes._points() if c < "4999" and c.startswith("4"))
    assert (point.latitude, point.longitude) == postcodes._points()[nearest]


def test_missing_postcode_with_a_known_municipality_takes_that_place():
    assert "6999" not in postcodes._points()
    point = postcodes.location_for("6999", "arlon")
    assert point.precision == postcodes.BY_MUNICIPALITY
    assert (point.latitude, point.longitude) == ARLON


def test_no_location_for_what_is_no_belgian_postcode():
    assert postcodes.location_for("abc") is None
    assert postcodes.location_for("") is None


def test_distance_is_labelled_approximate_when_either_side_is_a_fallback(db):
    exact = factories.ServiceFactory(postcode="2000")
    fallback = factories.StudentFactory(postcode="4999", municipality="Ergens")
    assert fallback.location_precision == LocationPrecision.REGION
    distance = geo.distance_between(exact, fallback)
    assert distance.approximate and distance.km > 50
    precise = geo.distance_between(exact, factories.StudentFactory(postcode="1000"))
    assert not precise.approximate and precise.km == pytest.approx(41.27, abs=0.05)
    assert geo.distance_between(exact, Student(postcode="2000")) is None


def test_service_form_clean_stores_the_point(db):
    service = factories.ServiceFactory.build(
        postcode="6999", municipality="Arlon", province=factories.province("LUX")
    )
    service.full_clean()
    assert service.location_precision == LocationPrecision.MUNICIPALITY
    assert (service.latitude, service.longitude) == ARLON


def test_data_migration_locates_existing_rows(db):
    service = factories.ServiceFactory(postcode="9000", municipality="Gent")
    student = factories.StudentFactory(postcode="4999", municipality="Ergens")
    Service.objects.update(latitude=None, longitude=None, location_precision="")
    Student.objects.update(latitude=None, longitude=None, location_precision="")
    migration = importlib.import_module("matching.migrations.0009_locations")
    migration.locate_existing(apps, None)
    service.refresh_from_db()
    student.refresh_from_db()
    gent = postcodes.location_for("9000")
    assert (service.latitude, service.longitude, service.location_precision) == (
        gent.latitude,
        gent.longitude,
        "postcode",
    )
    assert student.location_precision == "region" and student.latitude is not None


def test_sql_sort_and_filter_use_the_flat_squared_distance(db):
    origin = postcodes.location_for("2000")
    near = factories.StudentFactory(postcode="2018")  # Antwerpen itself
    middle = factories.StudentFactory(postcode="2800")  # Mechelen, ~22 km
    far = factories.StudentFactory(postcode="1000")  # Brussel, ~41 km
    nowhere = factories.StudentFactory(latitude=None, longitude=None, location_precision="")
    rows = Student.objects.annotate(
        distance_sq=geo.squared_km_expression(origin.latitude, origin.longitude)
    ).order_by(F("distance_sq").asc(nulls_last=True))
    assert list(rows) == [near, middle, far, nowhere]
    for row in rows[:3]:
        assert row.distance_sq == pytest.approx(
            geo.flat_squared_km(origin.latitude, origin.longitude, row.latitude, row.longitude)
        )
    within = rows.filter(distance_sq__lte=geo.within_squared(30))
    assert list(within) == [near, middle]
