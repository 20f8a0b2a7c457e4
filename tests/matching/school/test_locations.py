"""A school's registration and edit store the student's point (matching.geo)."""

from matching.models import LocationPrecision
from matching.school import services as school_services
from tests.matching.school.test_students import form_data
from tests.matching.test_geo import ANTWERPEN, BRUSSEL


def test_registration_stores_the_point_and_an_edit_of_the_postcode_moves_it(
    school, school_user, year
):
    student = school_services.student_register(
        school=school, user=school_user, data=form_data(postcode="2000")
    )
    student.refresh_from_db()
    assert (student.latitude, student.longitude) == ANTWERPEN
    assert student.location_precision == LocationPrecision.POSTCODE
    school_services.student_update(
        school=school, user=school_user, student_id=student.pk, data={"postcode": "1000"}
    )
    student.refresh_from_db()
    assert (student.latitude, student.longitude) == BRUSSEL
