"""A school works on its own students only; schools never see declines or service notes."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from matching.models import Status
from schoolimports.models import ImportJob
from tests import factories
from tests.logins import make_school_user, make_service_user

from .conftest import csv_bytes, good_row


@pytest.fixture
def theirs(other_school, year):
    return factories.StudentFactory(
        school=other_school, school_year=year, first_name="Geheim", last_name="Anderschool"
    )


def test_other_schools_student_is_a_404_for_view_and_edit(school_client, theirs):
    assert school_client.get(f"/admin/school/students/{theirs.pk}/").status_code == 404
    response = school_client.post(f"/admin/school/students/{theirs.pk}/", {"remarks": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.remarks == ""
    assert school_client.get("/admin/school/students/999999/").status_code == 404


def test_overview_and_export_hold_only_own_students(school_client, school, year, theirs):
    mine = factories.StudentFactory(school=school, school_year=year, first_name="Eigen")
    html = school_client.get("/admin/school/students/").content.decode()
    assert "Eigen" in html and "Geheim" not in html
    for fmt in ("csv", "xlsx"):
        response = school_client.get(f"/admin/school/students/export/?format={fmt}")
        body = b"".join(response.streaming_content)
        if fmt == "csv":
            text = body.decode("utf-8-sig")
        else:
            import io

            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(body)).active
            text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
        assert mine.last_name in text and "Anderschool" not in text


def test_other_schools_import_job_is_a_404(client, school_user, other_school, year):
    other_user = make_school_user(other_school)
    from schoolimports import services as import_services

    job = import_services.import_start(
        school=other_school, user=other_user, filename="b.csv", content=csv_bytes([good_row(1)])
    )
    client.force_login(school_user)
    assert client.get(f"/admin/school/students/import/{job.pk}/").status_code == 404
    assert client.get(f"/admin/school/students/import/{job.pk}/status/").status_code == 404
    assert ImportJob.objects.count() == 1


def test_login_without_school_is_turned_away(client, db):
    user = factories.UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)
    for url in (
        "/admin/school/students/",
        "/admin/school/students/export/",
        "/admin/school/students/import/",
    ):
        response = client.get(url)
        # Wagtail turns PermissionDenied into a redirect to the dashboard with a message.
        assert (response.status_code, response.get("Location")) == (302, "/admin/")


def test_service_user_is_no_school(client, db):
    client.force_login(make_service_user(factories.ServiceFactory()))
    # AdminRoleMiddleware keeps a service login out of the school's section.
    response = client.get("/admin/school/students/")
    assert (response.status_code, response.get("Location")) == (302, "/admin/")


def test_placement_shows_service_mentor_and_period_never_declines_or_notes(
    school_client, school, year
):
    placed = factories.StudentFactory(school=school, school_year=year, first_name="Geplaatst")
    mentor = factories.ContactPersonFactory(name="Mentor Marleen", phone="09 222 33 44")
    factories.DecisionFactory(
        student=placed,
        service=mentor.service,
        status=Status.ACCEPTED,
        mentor=mentor,
        period_start=dt.date(2025, 10, 6),
        period_end=dt.date(2025, 11, 14),
        note="Interne notitie dienst",
    )
    decliner = factories.ServiceFactory(name="Weigerende Dienst")
    factories.DecisionFactory(
        student=placed, service=decliner, status=Status.NOT_ACCEPTED, note="nee"
    )
    waiting = factories.StudentFactory(school=school, school_year=year, first_name="Wachtend")
    factories.DecisionFactory(student=waiting, service=decliner, status=Status.NOT_ACCEPTED)

    html = school_client.get("/admin/school/students/").content.decode()
    assert mentor.service.name in html and "Mentor Marleen" in html and "09 222 33 44" in html
    assert mentor.email in html and "06/10/2025" in html and "14/11/2025" in html
    assert "Weigerende Dienst" not in html and "Interne notitie" not in html
    assert "Niet aanvaard" not in html
    export = b"".join(
        school_client.get("/admin/school/students/export/?format=csv").streaming_content
    ).decode("utf-8-sig")
    assert "Mentor Marleen" in export
    assert "Weigerende Dienst" not in export and "Interne notitie" not in export


def test_filters_track_placement_and_name(school_client, school, year):
    # Fixed surnames: a random one ("Lucas", "Casteels") would match the name search below.
    placed = factories.StudentFactory(
        school=school, school_year=year, first_name="Aline", last_name="Peeters"
    )
    mentor = factories.ContactPersonFactory()
    factories.DecisionFactory(
        student=placed, service=mentor.service, status=Status.ACCEPTED, mentor=mentor
    )
    factories.StudentFactory(
        school=school, school_year=year, first_name="Bram", last_name="Janssens", track="dual"
    )
    factories.StudentFactory(
        school=school, school_year=year, first_name="Cas", last_name="Maes", postcode="9000"
    )

    def names(query):
        response = school_client.get(f"/admin/school/students/?{query}")
        return sorted(r["student"].first_name for r in response.context["rows"])

    assert names("placement=placed") == ["Aline"]
    assert names("placement=unplaced") == ["Bram", "Cas"]
    assert names("track=dual") == ["Bram"]
    assert names("q=cas") == ["Cas"]
    assert names("postcode=90") == ["Cas"]


def test_menu_items_only_for_school_users(school_client, client, db):
    html = school_client.get("/admin/").content.decode()
    assert "school-students" in html and "school-import" in html
