"""One declaration of what a school registers for a student (matching.models
REGISTRABLE_FIELDS) feeds the form, the registration service, the import columns and the
exports (the exports' own checks: tests/matching/test_columns.py)."""

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


def test_the_school_export_writes_a_field_under_the_declarations_label(
    school_client, school, year, monkeypatch
):
    """Renaming a field in the one declaration (its model label) renames the column."""
    from core.exports import read_csv_bytes
    from tests import factories

    student = factories.StudentFactory(school=school, school_year=year, education="Zorg 7")
    monkeypatch.setattr(Student._meta.get_field("education"), "verbose_name", "richting (test)")
    response = school_client.get("/admin/school/students/export/?format=csv")
    header, *rows = read_csv_bytes(b"".join(response.streaming_content))
    assert "Opleiding" not in header
    assert [row[header.index("Richting (test)")] for row in rows] == [student.education]
