"""Every export of students reads its student columns from the one declaration of what a
school registers (matching.models.REGISTRABLE_FIELDS), labels included (matching.columns)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from matching.columns import Extra, registrable_label, student_columns
from matching.models import REGISTRABLE_FIELDS
from matching.school import views as school_views
from matching.school.forms import StudentForm
from matching.service import views as service_views
from reporting.export_selectors import export_columns

EXPORTS = {
    "school": school_views.EXPORT_COLUMNS,
    "service": service_views.EXPORT_COLUMNS,
    "operator": export_columns(with_personal_data=False),
    "operator with personal data": export_columns(with_personal_data=True),
}


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_shows_or_withholds_every_registrable_field_once(name):
    columns = EXPORTS[name]
    shown = columns.fields
    assert len(shown) == len(set(shown))
    assert not set(shown) & columns.withheld
    assert set(shown) | columns.withheld == set(REGISTRABLE_FIELDS)


@pytest.mark.parametrize("name", EXPORTS)
def test_a_field_added_to_the_declaration_stops_each_export_until_it_says_which(name):
    with pytest.raises(ImproperlyConfigured, match="neither shown nor withheld: birth_date"):
        EXPORTS[name].check([*REGISTRABLE_FIELDS, "birth_date"])
    EXPORTS[name].check(REGISTRABLE_FIELDS)  # as declared: nothing to say


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_writes_a_registrable_field_under_its_one_label(name):
    columns = EXPORTS[name]
    header = columns.header()
    assert len(header) == len(columns.keys)
    for field in columns.fields:
        assert header[columns.keys.index(field)] == registrable_label(field)


def test_the_school_form_asks_each_field_under_the_same_label():
    for name in REGISTRABLE_FIELDS:
        assert str(StudentForm.base_fields[name].label) == registrable_label(name), name


def test_the_label_is_the_model_fields_own():
    assert registrable_label("hours") == "Aantal stage-uren"
    assert registrable_label("supervisor_name") == "Naam stagebegeleider"


def test_the_check_names_every_mistake():
    rest = [f for f in REGISTRABLE_FIELDS if f not in ("first_name", "last_name")]
    with pytest.raises(ImproperlyConfigured) as caught:
        student_columns(
            "first_name",
            "nickname",
            Extra("first_name", "Voornaam bis"),
            withheld=[*rest, "first_name"],
        )
    text = str(caught.value)
    assert "neither shown nor withheld: last_name" in text
    assert "both shown and withheld: first_name" in text
    assert "not registrable fields: nickname" in text
    assert "columns named twice: first_name" in text


def test_a_row_needs_every_column():
    columns = export_columns(with_personal_data=False)
    cells = dict.fromkeys(columns.keys, "x")
    assert columns.row(cells) == ["x"] * len(columns.keys)
    del cells["education"]
    with pytest.raises(KeyError):
        columns.row(cells)
