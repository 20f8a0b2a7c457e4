"""Registering and editing one student, the blackout warning, and the frozen acceptance."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.blackout import Releases
from matching.errors import DomainError
from matching.models import Status, Student
from matching.school import services as school_services
from tests import factories

NRN = factories.make_nrn(7, dt.date(2007, 9, 14))


def form_data(**overrides):
    data = {
        "track": "secondary",
        "first_name": "Noor",
        "last_name": "Janssens",
        "national_register_number": NRN[:2]
        + "."
        + NRN[2:4]
        + "."
        + NRN[4:6]
        + "-"
        + NRN[6:9]
        + "."
        + NRN[9:],
        "email": "noor@example.be",
        "phone": "0470 11 22 33",
        "postcode": "2018",
        "municipality": "",
        "education": "Zorgkundige",
        "supervisor_name": "Els",
        "supervisor_email": "els@school.be",
        "supervisor_phone": "03 111 22 33",
        "requested_start": "2025-10-01",
        "requested_end": "2025-10-31",
        "hours": "80",
        "remarks": "",
    }
    data.update(overrides)
    return data


def test_school_registers_a_student_in_the_current_year_visible_now(
    school_client, school, school_user, year, modes
):
    service = factories.ServiceFactory()
    data = form_data(transport_modes=[modes["Fiets"].pk], preferred_services=[service.pk])
    response = school_client.post("/admin/school/students/nieuw/", data)
    assert response.status_code == 302, response.context["form"].errors
    student = Student.objects.get()
    assert student.school == school and student.school_year == year
    assert student.national_register_number == NRN
    assert student.province.code == "ANT"
    assert student.registered_by == school_user
    assert not Releases(year).held_back(student.registered_at)
    assert list(student.transport_modes.all()) == [modes["Fiets"]]
    assert list(student.preferred_services.all()) == [service]


def test_bad_nrn_is_refused_with_a_dutch_reason(school_client, year):
    response = school_client.post(
        "/admin/school/students/nieuw/", form_data(national_register_number="85073003362")
    )
    assert response.status_code == 200
    assert "controlecijfers" in str(response.context["form"].errors["national_register_number"])
    assert not Student.objects.exists()


def test_registering_during_the_blackout_warns_and_delays_visibility(school_client, year):
    now = timezone.now()
    year.entry_blackout_starts_at = now - dt.timedelta(days=1)
    year.entry_blackout_ends_at = now + dt.timedelta(days=10)
    year.blackout_release_at = now + dt.timedelta(days=20)
    year.save()
    page = school_client.get("/admin/school/students/nieuw/")
    assert "pas zichtbaar" in page.content.decode()
    response = school_client.post("/admin/school/students/nieuw/", form_data(), follow=True)
    assert "pas zichtbaar" in response.content.decode()
    student = Student.objects.get()
    assert Releases(year).visible_from(
        registered_at=student.registered_at, track=student.track
    ) == (year.blackout_release_at)
    listing = school_client.get("/admin/school/students/").content.decode()
    assert (
        "zichtbaar vanaf " + timezone.localtime(year.blackout_release_at).strftime("%d/%m/%Y")
        in listing
    )


def test_service_register_outside_blackout_uses_the_clock(school, school_user, year):
    registered = timezone.now() - dt.timedelta(hours=1)
    with time_machine.travel(registered, tick=False):
        student = school_services.student_register(
            school=school,
            user=school_user,
            data={
                k: v
                for k, v in form_data().items()
                if k not in ("requested_start", "requested_end", "hours")
            },
        )
    assert student.registered_at == registered
    assert Releases(year).visible_from(registered_at=registered, track=student.track) == registered


def test_no_current_school_year_means_no_registration(school, school_user, db):
    with pytest.raises(DomainError, match="geen lopend schooljaar"):
        school_services.student_register(school=school, user=school_user, data=form_data())


def test_nrn_is_never_shown_back_in_full(school_client, school, year):
    student = factories.StudentFactory(
        school=school, school_year=year, national_register_number=NRN
    )
    for url in ("/admin/school/students/", f"/admin/school/students/{student.pk}/"):
        html = school_client.get(url).content.decode()
        assert NRN not in html
        assert NRN[-4:] in html
    export = school_client.get("/admin/school/students/export/?format=csv")
    assert NRN not in b"".join(export.streaming_content).decode("utf-8-sig")


def test_edit_with_empty_nrn_keeps_the_stored_number(school_client, school, year):
    student = factories.StudentFactory(
        school=school, school_year=year, national_register_number=NRN
    )
    response = school_client.post(
        f"/admin/school/students/{student.pk}/",
        form_data(
            national_register_number="",
            first_name="Nora",
            postcode="9000",
            municipality="Antwerpen",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    student.refresh_from_db()
    assert student.national_register_number == NRN and student.first_name == "Nora"
    # The old municipality left in the form follows the new postcode.
    assert (student.province.code, student.municipality) == ("OVL", "Gent")


def test_duplicate_nrn_in_the_form_is_refused(school_client, school, year):
    factories.StudentFactory(school=school, school_year=year, national_register_number=NRN)
    response = school_client.post("/admin/school/students/nieuw/", form_data())
    assert "al ingeschreven door uw school" in str(response.context["form"].errors)
    assert Student.objects.count() == 1


def _accept(student):
    mentor = factories.ContactPersonFactory()
    factories.DecisionFactory(
        student=student,
        service=mentor.service,
        status=Status.ACCEPTED,
        mentor=mentor,
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 10, 31),
    )
    return mentor


def test_accepted_student_only_remarks_can_change(school, school_user, year):
    student = factories.StudentFactory(school=school, school_year=year)
    _accept(student)
    with pytest.raises(DomainError, match="enkel de opmerkingen"):
        school_services.student_update(
            school=school, user=school_user, student_id=student.pk, data={"first_name": "X"}
        )
    school_services.student_update(
        school=school, user=school_user, student_id=student.pk, data={"remarks": "Start later"}
    )
    student.refresh_from_db()
    assert student.remarks == "Start later" and student.first_name != "X"


def test_accepted_student_edit_page_offers_only_remarks(school_client, school, year):
    student = factories.StudentFactory(school=school, school_year=year)
    mentor = _accept(student)
    page = school_client.get(f"/admin/school/students/{student.pk}/")
    assert list(page.context["form"].fields) == ["remarks"]
    assert mentor.name in page.content.decode()
    response = school_client.post(
        f"/admin/school/students/{student.pk}/", {"remarks": "ok", "first_name": "Hacker"}
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.remarks == "ok" and student.first_name != "Hacker"


def test_model_rules_apply_to_the_service(school, school_user, year):
    with pytest.raises(ValidationError) as caught:
        school_services.student_register(
            school=school, user=school_user, data=form_data(track="adult", postcode="12")
        )
    assert {"track", "postcode"} <= set(caught.value.message_dict)
