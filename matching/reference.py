"""Reference rows every installation has: provinces and transport modes.

Created by a data migration; `ensure_reference_data` puts them back where a test database
was flushed (transactional tests) or an operator deleted one by mistake.
"""

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
