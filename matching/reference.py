"""Reference rows every installation has: provinces and transport modes.

Created by a data migration; `ensure_reference_data` puts them back where a test database
was flushed (transactional tests) or an operator deleted one by mistake.
"""

from functools import cache

from . import postcodes

TRANSPORT_MODES = [
    ("openbaar-vervoer", "Openbaar vervoer"),
    ("fiets", "Fiets"),
    ("bromfiets", "Bromfiets"),
    ("auto", "Auto"),
    ("te-voet", "Te voet"),
]


def province_choices() -> list[tuple[str, str]]:
    """(code, name) of every province, alphabetical: the rows `ensure_reference_data` makes,
    read from here so that a filter form costs no query."""
    return sorted(postcodes.PROVINCE_NAMES.items(), key=lambda item: item[1])


def transport_mode_choices() -> list[tuple[str, str]]:
    """(code, name) of every transport mode, in their position order."""
    return list(TRANSPORT_MODES)


@cache
def _province_ids_by_code() -> dict[str, int]:
    from .models import Province

    return dict(Province.objects.values_list("code", "pk"))


def province_ids(codes) -> list[int]:
    """The ids of these province codes, without a query once known in this process.

    Province rows are reference data: made by a data migration (or `ensure_reference_data`,
    which forgets what was remembered), never edited in the product. An unknown code makes
    it look again once, so a row made elsewhere is found too."""
    codes = [code for code in codes or () if code]
    known = _province_ids_by_code()
    if any(code not in known for code in codes):
        _province_ids_by_code.cache_clear()
        known = _province_ids_by_code()
    return [known[code] for code in codes if code in known]


def ensure_reference_data(apps=None) -> None:
    if apps is None:
        from django.apps import apps
    Province = apps.get_model("matching", "Province")
    TransportMode = apps.get_model("matching", "TransportMode")
    # Alphabetical by name, so that ordering students by province id is by province name.
    for code, name in province_choices():
        Province.objects.get_or_create(code=code, defaults={"name": name})
    for position, (code, name) in enumerate(transport_mode_choices()):
        TransportMode.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
    _province_ids_by_code.cache_clear()
