"""One declaration of what a school registers for a student (matching.models
REGISTRABLE_FIELDS) feeds the form, the registration service and the import columns."""

from django.db import models

from matching.models import REGISTRABLE_FIELDS, REGISTRABLE_RELATIONS, Student
from matching.school.forms import StudentForm
from matching.school.services import SCALAR_FIELDS
from schoolimports.parsing import COLUMN_BY_KEY, COLUMNS


def test_the_form_asks_exactly_the_registrable_fields_in_their_order():
    assert list(StudentForm.Meta.fields) == list(REGISTRABLE_FIELDS)
    assert list(StudentForm.base_fields) == list(REGISTRABLE_FIELDS)


def test_the_import_has_one_column_per_registrable_field_in_the_same_order():
    assert [c.key for c in COLUMNS] == list(REGISTRABLE_FIELDS)
    assert set(COLUMN_BY_KEY) == set(REGISTRABLE_FIELDS)


def test_the_service_writes_every_registrable_column_of_the_row():
    assert [f for f in REGISTRABLE_FIELDS if f not in REGISTRABLE_RELATIONS] == SCALAR_FIELDS


def test_the_declaration_names_real_fields_of_the_student():
    for name in REGISTRABLE_FIELDS:
        field = Student._meta.get_field(name)
        assert field.editable, name
        assert isinstance(field, models.ManyToManyField) == (name in REGISTRABLE_RELATIONS), name
