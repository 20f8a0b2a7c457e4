"""Belgian postcodes: the province a postcode belongs to, and its municipality where known.

The province follows the ranges of bpost's numbering, with the exceptions that moved with
municipal mergers: since 1 January 2025 Zwijndrecht and Burcht (2070) belong to
Beveren-Kruibeke-Zwijndrecht, in East Flanders.
"""

import csv
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
