import datetime as dt
import io

import pytest
from django.utils import timezone

from matching.models import School, TransportMode
from tests import factories
from tests.logins import make_school_user

HEADER = [
    "Type leerling",
    "Voornaam",
    "Achternaam",
    "Rijksregisternummer",
    "E-mail leerling",
    "Telefoon leerling",
    "Postcode",
    "Gemeente",
    "Opleiding",
    "Naam stagebegeleider",
    "E-mail stagebegeleider",
    "Telefoon stagebegeleider",
    "Vervoersmiddelen",
    "Voorkeursdiensten",
    "Gewenste start",
    "Gewenst einde",
    "Aantal stage-uren",
    "Opmerkingen",
]


def good_row(index: int, **overrides) -> dict:
    row = {
        "Type leerling": "secundair",
        "Voornaam": f"Lotte{index}",
        "Achternaam": "Peeters",
        "Rijksregisternummer": factories.make_nrn(index, dt.date(2007, 3, 1 + index % 28)),
        "E-mail leerling": f"lotte{index}@example.be",
        "Telefoon leerling": "0470 12 34 56",
        "Postcode": "2000",
        "Gemeente": "",
        "Opleiding": "Verzorgende",
        "Naam stagebegeleider": "Els Peeters",
        "E-mail stagebegeleider": "els@school.be",
        "Telefoon stagebegeleider": "03 123 45 67",
        "Vervoersmiddelen": "Fiets, Openbaar vervoer",
        "Voorkeursdiensten": "",
        "Gewenste start": "01/10/2025",
        "Gewenst einde": "31/10/2025",
        "Aantal stage-uren": "80",
        "Opmerkingen": "",
    }
    row.update(overrides)
    return row


def csv_bytes(rows, *, sep=";", encoding="utf-8", header=HEADER) -> bytes:
    import csv

    handle = io.StringIO()
    writer = csv.writer(handle, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return handle.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER, formulas=()) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") or None for h in header])
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def year(db):
    # Current school year, entry blackout well in the past by default.
    today = timezone.localdate()
    return factories.SchoolYearFactory(
        name="huidig",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=300),
    )


@pytest.fixture
def school(db):
    return factories.SchoolFactory(kind=School.Kind.SECONDARY)


@pytest.fixture
def other_school(db):
    return factories.SchoolFactory(kind=School.Kind.SECONDARY)


@pytest.fixture
def school_user(school):
    return make_school_user(school)


@pytest.fixture
def school_client(client, school_user):
    client.force_login(school_user)
    return client


@pytest.fixture
def modes(db):
    return {m.name: m for m in TransportMode.objects.all()}


def reload_reference_data():
    """Transactional tests flush the rows the data migration made; put them back."""
    import importlib

    from django.apps import apps

    importlib.import_module("matching.migrations.0002_reference_data").forwards(apps, None)
