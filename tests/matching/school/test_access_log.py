"""Issue 14.5: every display of a student's personal data on the school's own screens
and exports writes an access-log row ("Schoolscherm")."""

import pytest

from matching.models import PersonalDataAccess
from tests import factories

SCHOOL = PersonalDataAccess.Context.SCHOOL


def logged(user):
    return sorted(
        PersonalDataAccess.objects.filter(user=user, context=SCHOOL).values_list(
            "student_id", flat=True
        )
    )


@pytest.fixture
def students(school, year, other_school):
    own = [factories.StudentFactory(school=school, school_year=year) for _ in range(3)]
    factories.StudentFactory(school=other_school, school_year=year)
    return own


def test_overview_logs_the_students_it_shows(school_client, school_user, students):
    assert school_client.get("/admin/school/students/").status_code == 200
    assert logged(school_user) == sorted(s.pk for s in students)
    # A filter shows fewer students: only those are logged.
    PersonalDataAccess.objects.all().delete()
    name = students[0].last_name
    school_client.get("/admin/school/students/", {"q": name})
    shown = [s.pk for s in students if s.last_name == name or s.first_name == name]
    assert logged(school_user) == sorted(shown)


def test_student_page_logs_that_student(school_client, school_user, students):
    student = students[1]
    response = school_client.get(f"/admin/school/students/{student.pk}/")
    assert response.status_code == 200
    assert student.email in response.content.decode()
    assert logged(school_user) == [student.pk]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_logs_every_exported_student(school_client, school_user, students, fmt):
    response = school_client.get("/admin/school/students/export/", {"format": fmt})
    b"".join(response.streaming_content)
    assert logged(school_user) == sorted(s.pk for s in students)


def test_another_schools_student_is_neither_shown_nor_logged(
    school_client, school_user, year, other_school
):
    theirs = factories.StudentFactory(school=other_school, school_year=year)
    assert school_client.get(f"/admin/school/students/{theirs.pk}/").status_code == 404
    assert logged(school_user) == []
