"""Belgian postcodes: the province a postcode belongs to, and its municipality where known.

The province follows the ranges of bpost's numbering, with the exceptions that moved with
municipal mergers: since 1 January 2025 Zwijndrecht and Burcht (2070) belong to
Beveren-Kruibeke-Zwijndrecht, in East Flanders.

Coordinates come from GeoNames' postal codes for Belgium (CC BY 4.0, see
data/postcode_coordinates_be.csv and README): a postcode's point is the mean of the places
GeoNames lists for it. A postcode the table lacks gets an approximate point, and says so
(`Location.precision`): the places of the same name in its province, else the nearest known
postcode of its province by number (bpost numbers neighbouring areas consecutively).
"""

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Province codes, as stored in matching.Province.code.
ANTWERPEN = "ANT"
LIMBURG = "LIM"
OOST_VLAANDEREN = "OVL"
VLAAMS_BRABANT = "VBR"
WEST_VLAANDEREN = "WVL"
BRUSSEL = "BRU"
WAALS_BRABANT = "WBR"
HENEGOUWEN = "HAI"
LUIK = "LIE"
LUXEMBURG = "LUX"
NAMEN = "NAM"

PROVINCE_NAMES = {
    ANTWERPEN: "Antwerpen",
    LIMBURG: "Limburg",
    OOST_VLAANDEREN: "Oost-Vlaanderen",
    VLAAMS_BRABANT: "Vlaams-Brabant",
    WEST_VLAANDEREN: "West-Vlaanderen",
    BRUSSEL: "Brussels Hoofdstedelijk Gewest",
    WAALS_BRABANT: "Waals-Brabant",
    HENEGOUWEN: "Henegouwen",
    LUIK: "Luik",
    LUXEMBURG: "Luxemburg",
    NAMEN: "Namen",
}
FLEMISH_AND_BRUSSELS = [
    ANTWERPEN,
    LIMBURG,
    OOST_VLAANDEREN,
    VLAAMS_BRABANT,
    WEST_VLAANDEREN,
    BRUSSEL,
]

_RANGES = [
    (1000, 1299, BRUSSEL),
    (1300, 1499, WAALS_BRABANT),
    (1500, 1999, VLAAMS_BRABANT),
    (2000, 2999, ANTWERPEN),
    (3000, 3499, VLAAMS_BRABANT),
    (3500, 3999, LIMBURG),
    (4000, 4999, LUIK),
    (5000, 5999, NAMEN),
    (6000, 6599, HENEGOUWEN),
    (6600, 6999, LUXEMBURG),
    (7000, 7999, HENEGOUWEN),
    (8000, 8999, WEST_VLAANDEREN),
    (9000, 9999, OOST_VLAANDEREN),
]
# Postcodes whose province differs from their range (municipal mergers of 2025).
_EXCEPTIONS = {2070: OOST_VLAANDEREN}

_DATA = Path(__file__).with_name("data") / "postcodes_be.csv"
_COORDINATES = Path(__file__).with_name("data") / "postcode_coordinates_be.csv"

# How a point was found (stored as Student/Service.location_precision).
EXACT = "postcode"  # the postcode is in the table
BY_MUNICIPALITY = "municipality"  # not in the table; a place of the same name in the province
BY_REGION = "region"  # not in the table; the nearest known postcode of the province


def clean_postcode(value) -> str:
    text = str(value or "").strip().upper().removeprefix("B-").removeprefix("B").strip()
    if not (len(text) == 4 and text.isdigit() and 1000 <= int(text) <= 9999):
        raise ValidationError(
            _("Geef een Belgische postcode van 4 cijfers in (1000 tot 9999)."), code="postcode"
        )
    return text


def province_code_for(postcode) -> str:
    """The province code of a Belgian postcode; raises ValidationError if it is not one."""
    number = int(clean_postcode(postcode))
    if number in _EXCEPTIONS:
        return _EXCEPTIONS[number]
    for low, high, code in _RANGES:
        if low <= number <= high:
            return code
    raise ValidationError(_("Onbekende postcode."), code="postcode")


@cache
def _municipalities() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    if _DATA.exists():
        with _DATA.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                table.setdefault(row["postcode"], []).append(row["municipality"])
    return table


def known_postcode(postcode) -> str:
    """`clean_postcode`, and for Flanders and Brussels (where the municipality table is
    complete) also that the postcode exists. Walloon postcodes are checked for form only."""
    text = clean_postcode(postcode)
    if province_code_for(text) in FLEMISH_AND_BRUSSELS and text not in _municipalities():
        raise ValidationError(
            _("Postcode %(postcode)s bestaat niet in Vlaanderen of Brussel.") % {"postcode": text},
            code="postcode",
        )
    return text


def municipalities_for(postcode) -> list[str]:
    """Known municipalities (deelgemeenten) for a postcode, main one first; may be empty."""
    return list(_municipalities().get(clean_postcode(postcode), []))


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    precision: str

    @property
    def approximate(self) -> bool:
        return self.precision != EXACT


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("-", " ").replace("'", " ").split())


def _mean(points) -> tuple[float, float]:
    return (
        round(sum(p[0] for p in points) / len(points), 5),
        round(sum(p[1] for p in points) / len(points), 5),
    )


@cache
def _places() -> dict[str, list[tuple[float, float, str]]]:
    """postcode -> [(lat, lon, folded place name)], in the table's order."""
    table: dict[str, list[tuple[float, float, str]]] = {}
    with _COORDINATES.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            table.setdefault(row["postcode"], []).append(
                (float(row["lat"]), float(row["lon"]), _fold(row["municipality"]))
            )
    return table


@cache
def _points() -> dict[str, tuple[float, float]]:
    return {code: _mean(places) for code, places in _places().items()}


@cache
def _by_province() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for code in _points():
        table.setdefault(province_code_for(code), []).append(code)
    return table


def location_for(postcode, municipality: str = "") -> Location | None:
    """The point of a Belgian postcode, or an approximation (precision says which) for one
    the coordinates table lacks. None for a value that is no Belgian postcode."""
    try:
        code = clean_postcode(postcode)
        province = province_code_for(code)
    except ValidationError:
        return None
    points = _points()
    if code in points:
        return Location(*points[code], EXACT)
    same_province = _by_province().get(province, [])
    wanted = _fold(municipality)
    if wanted:
        named = [
            (lat, lon) for c in same_province for lat, lon, name in _places()[c] if name == wanted
        ]
        if named:
            return Location(*_mean(named), BY_MUNICIPALITY)
    if not same_province:
        return None
    nearest = min(same_province, key=lambda c: (abs(int(c) - int(code)), int(c)))
    return Location(*points[nearest], BY_REGION)
