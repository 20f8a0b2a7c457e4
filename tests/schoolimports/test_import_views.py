"""The upload page, the report page, the progress endpoint, and the task hand-off."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from matching.models import Student
from schoolimports.models import ImportJob
from tests.matching.school.conftest import csv_bytes, good_row


def upload(client, content, name="klas.csv"):
    return client.post(
        "/admin/school/students/import/", {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def test_upload_with_errors_shows_every_error_and_imports_nothing(school_client, year):
    rows = [good_row(1, Postcode="x"), good_row(2, **{"E-mail leerling": "a@"})]
    response = upload(school_client, csv_bytes(rows))
    html = response.content.decode()
    assert "Er werd niets geïmporteerd" in html and "2 fouten" in html
    assert "Postcode" in html and "E-mail leerling" in html
    assert not Student.objects.exists()


def test_reupload_of_an_imported_file_says_so_and_adds_nothing(school_client, year):
    content = csv_bytes([good_row(1)])
    first = upload(school_client, content)
    assert "1 leerling werd geïmporteerd" in first.content.decode()
    again = upload(school_client, content, name="andere-naam.csv")
    assert "Dit bestand werd al geïmporteerd." in again.content.decode()
    assert again.redirect_chain[-1][0].endswith(f"/import/{ImportJob.objects.get().pk}/")
    assert Student.objects.count() == 1 and ImportJob.objects.count() == 1


@override_settings(IMPORT_MAX_BYTES=100)
def test_too_large_upload_names_the_limit(school_client, year):
    response = upload(school_client, csv_bytes([good_row(i) for i in range(5)]))
    assert "te groot" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_too_large_upload_names_its_real_size(school_client, year):
    # The view reads only the first 5 MB + 1 byte; the message gives the whole file's size.
    content = csv_bytes([good_row(1)]) + b"x" * (12 * 1024 * 1024)
    response = upload(school_client, content)
    assert (
        "Het bestand is te groot (12,0 MB). Een bestand mag hoogstens 5,0 MB zijn."
        in response.content.decode()
    )
    just_over = csv_bytes([good_row(1)]) + b"x" * (5 * 1024 * 1024)
    response = upload(school_client, just_over)
    size = f"{len(just_over):,}".replace(",", ".")
    assert (
        f"Het bestand is te groot ({size} bytes). Een bestand mag hoogstens 5,0 MB zijn."
        in response.content.decode()
    )
    assert not ImportJob.objects.exists()


def test_one_error_is_one_fout_three_are_fouten(school_client, year):
    one = upload(school_client, csv_bytes([good_row(1, Postcode="x")])).content.decode()
    assert (
        "Er werd niets geïmporteerd: het bestand bevat 1 fout. Verbeter die en laad het "
        "bestand opnieuw op." in " ".join(one.split())
    )
    rows = [good_row(1, Postcode="x"), good_row(2, Postcode="y"), good_row(3, Postcode="z")]
    three = upload(school_client, csv_bytes(rows)).content.decode()
    assert (
        "Er werd niets geïmporteerd: het bestand bevat 3 fouten. Verbeter ze en laad het "
        "bestand opnieuw op." in " ".join(three.split())
    )


def test_a_refused_format_is_named_on_the_upload_page(school_client, year):
    from .files import fake_zip

    ods = fake_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    html = " ".join(upload(school_client, ods, name="klas.ods").content.decode().split())
    assert (
        "Dit is een OpenDocument-rekenblad (.ods), zoals LibreOffice het bewaart; dat wordt "
        "niet ondersteund. Open het bestand in uw rekenprogramma, kies „Opslaan als” en "
        "bewaar het als Excel-werkmap (.xlsx) of als CSV-bestand (.csv)." in html
    )
    assert not ImportJob.objects.exists()


@override_settings(IMPORT_SYNC_MAX_ROWS=2)
def test_a_large_file_goes_to_the_task(school_client, year, django_capture_on_commit_callbacks):
    from unittest import mock

    with (
        mock.patch("schoolimports.tasks.school_import_run.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = upload(school_client, csv_bytes([good_row(i) for i in range(3)]))
    job = ImportJob.objects.get()
    delay.assert_called_once_with(job.pk)
    assert job.status == ImportJob.Status.PENDING and not Student.objects.exists()
    html = response.content.decode()
    assert "data-import-status" in html and "<progress" in html
    status = school_client.get(f"/admin/school/students/import/{job.pk}/status/").json()
    assert status == {
        "status": "pending",
        "status_label": "In de wachtrij",
        "progress": 0,
        "total": 3,
        "percent": 0,
        "finished": False,
        "imported": 0,
        "error_count": 0,
    }
    from schoolimports.tasks import school_import_run

    school_import_run(job.pk)  # what the worker does
    assert (
        school_client.get(f"/admin/school/students/import/{job.pk}/status/").json()["imported"] == 3
    )
    school_import_run(job.pk)  # a redelivered message changes nothing
    assert Student.objects.count() == 3


def test_templates_download_for_a_school_user(school_client, year):
    assert school_client.get("/admin/school/students/import/sjabloon.xlsx").status_code == 200


def test_the_students_page_offers_the_import(school_client, year):
    html = school_client.get(reverse("matching_school:index")).content.decode()
    assert f'href="{reverse("schoolimports:upload")}"' in html
    assert "Leerlingen importeren" in html
