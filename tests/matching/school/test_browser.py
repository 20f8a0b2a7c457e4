"""A school user uploads a file with errors, reads the report, fixes it and sees the
students; and registers one student with the form."""

import pytest

from matching.models import Student
from tests import factories
from tests.conftest import browser_login, screenshot, serious_axe_violations
from tests.logins import make_school_user

from .conftest import csv_bytes, good_row, reload_reference_data

pytestmark = pytest.mark.browser


@pytest.fixture
def setup(transactional_db, request):
    reload_reference_data()
    school = request.getfixturevalue("school")
    request.getfixturevalue("year")
    factories.ServiceFactory(name="Familiehulp Antwerpen", code="FH-ANT")
    factories.ServiceFactory(
        name="Thuiszorg West", code="TZ-W", postcode="8000", municipality="Brugge"
    )
    user = make_school_user(school)
    return user


def test_upload_with_errors_fix_and_see_students(page, live_server, setup, school):
    browser_login(page, live_server, setup.email)
    page.click("text=Leerlingen importeren")
    page.wait_for_selector("[data-testid=upload]")

    bad = [
        good_row(1, Voornaam="Amira", Voorkeursdiensten="FH-ANT"),
        good_row(2, Voornaam="Bert", Postcode="20"),
        good_row(3, Voornaam="Chloé", **{"E-mail leerling": "chloe@"}),
    ]
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "klas-6a.csv", "mimeType": "text/csv", "buffer": csv_bytes(bad)}],
    )
    page.click("[data-testid=upload]")
    report = page.wait_for_selector("[data-testid=error-report]")
    text = report.inner_text()
    assert "Postcode" in text and "E-mail leerling" in text
    assert "Er werd niets geïmporteerd" in page.inner_text("[data-testid=import-rejected]")
    rows = page.query_selector_all("[data-testid=error-report] tbody tr")
    assert [r.query_selector("td").inner_text() for r in rows] == ["3", "4"]
    screenshot(page, "schools-import-errors")
    assert Student.objects.count() == 0

    page.click("text=Verbeterd bestand opladen")
    fixed = [bad[0], good_row(2, Voornaam="Bert"), good_row(3, Voornaam="Chloé")]
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "klas-6a.csv", "mimeType": "text/csv", "buffer": csv_bytes(fixed)}],
    )
    page.click("[data-testid=upload]")
    done = page.wait_for_selector("[data-testid=import-done]")
    assert "3 leerlingen werden geïmporteerd" in done.inner_text()
    screenshot(page, "schools-import-done")

    page.click("text=Naar mijn leerlingen")
    page.wait_for_selector("[data-testid=students]")
    body = page.inner_text("main")
    assert "Amira" in body and "Bert" in body and "Chloé" in body
    assert "Nog geen stageplaats" in body
    screenshot(page, "schools-students")
    assert Student.objects.filter(school=school).count() == 3


def test_register_one_student_with_the_form(page, live_server, setup, school, modes):
    browser_login(page, live_server, setup.email)
    page.goto(f"{live_server.url}/admin/school/students/nieuw/")
    page.fill("#id_first_name", "Noor")
    page.fill("#id_last_name", "Janssens")
    page.fill("#id_national_register_number", "1234")
    page.fill("#id_postcode", "2018")
    page.check("text=Fiets")
    # The search box finds a service by its municipality as well as by its name.
    page.fill("[data-filter-for=id_preferred_services]", "brugge")
    options = page.locator("#id_preferred_services option")
    assert options.evaluate_all("os => os.filter(o => !o.hidden).map(o => o.text)") == [
        "Thuiszorg West (Brugge)"
    ]
    page.fill("[data-filter-for=id_preferred_services]", "famil")
    page.select_option("#id_preferred_services", label="Familiehulp Antwerpen (Antwerpen)")
    page.click("button:has-text('Bewaren')")
    page.wait_for_selector(".error-message")
    assert "11 cijfers" in page.inner_text("[data-field=national_register_number]")
    screenshot(page, "schools-form-error")
    nrn = factories.make_nrn(3)
    page.fill("#id_national_register_number", nrn)
    page.click("button:has-text('Bewaren')")
    page.wait_for_selector("[data-testid=students]")
    assert "Noor" in page.inner_text("main")
    student = Student.objects.get()
    assert student.national_register_number == nrn
    assert [s.name for s in student.preferred_services.all()] == ["Familiehulp Antwerpen"]
    page.click("text=Janssens, Noor")
    page.wait_for_selector("#id_first_name")
    assert nrn not in page.content()
    screenshot(page, "schools-form-edit")


def both_widths(page, name):
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_spreadsheet_of_another_format_and_a_formula_error(page, live_server, setup, school):
    """The school uploads an .ods (named and refused on the upload page), then an .xlsx
    whose one formula has no stored value (one row error, "1 fout")."""
    from tests.schoolimports.files import fake_zip, header_workbook, workbook_bytes

    browser_login(page, live_server, setup.email)
    page.goto(f"{live_server.url}/admin/school/students/import/")
    page.wait_for_selector("[data-testid=upload]")
    assert "het eerste werkblad met gegevens gelezen" in page.inner_text("main")
    ods = fake_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "klas.ods", "mimeType": "application/octet-stream", "buffer": ods}],
    )
    page.click("[data-testid=upload]")
    error = page.wait_for_selector("[data-testid=file-error]").inner_text()
    assert error.startswith("Dit is een OpenDocument-rekenblad (.ods)")
    assert "bewaar het als Excel-werkmap (.xlsx) of als CSV-bestand (.csv)" in error
    both_widths(page, "schools-import-ods")
    assert serious_axe_violations(page) == []

    workbook = header_workbook([good_row(1), good_row(2)])
    workbook.active["B3"] = '=PROPER("bert")'
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "klas.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": workbook_bytes(workbook),
            }
        ],
    )
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=error-report]")
    banner = " ".join(page.inner_text("[data-testid=import-rejected]").split())
    assert "het bestand bevat 1 fout. Verbeter die en laad" in banner
    cells = [
        td.inner_text() for td in page.query_selector_all("[data-testid=error-report] tbody tr td")
    ]
    assert cells[:2] == ["3", "Voornaam"] and "formule zonder berekende waarde" in cells[2]
    both_widths(page, "schools-import-formula")
    assert serious_axe_violations(page) == []
    assert not Student.objects.exists()
