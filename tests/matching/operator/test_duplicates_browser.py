"""Issue 14 in a real browser: the operator settles a number registered by two schools on
the duplicates screen."""

import datetime as dt

import pytest

from matching.models import School
from tests import factories
from tests.conftest import both_widths, browser_login, serious_axe_violations
from tests.logins import make_operator

pytestmark = pytest.mark.browser


def test_operator_settles_a_duplicate_registration(transactional_db, live_server, page):
    today = dt.date.today()
    year = factories.SchoolYearFactory(
        name="huidig",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=300),
    )
    nrn = factories.make_nrn(5, dt.date(2007, 2, 3))
    for name, email in (
        ("GO! Atheneum Berchem", "info@atheneum.be"),
        ("Sint-Lucas", "sec@sintlucas.be"),
    ):
        school = factories.SchoolFactory(kind=School.Kind.SECONDARY, name=name, email=email)
        factories.StudentFactory(school=school, school_year=year, national_register_number=nrn)
    operator = make_operator(email="beheerder@stagematching.be")
    browser_login(page, live_server, operator.email)
    page.goto(f"{live_server.url}/admin/operator/dubbele-inschrijvingen/")
    assert page.locator("[data-testid=duplicate-group]").count() == 1
    assert "info@atheneum.be" in page.content() and "sec@sintlucas.be" in page.content()
    both_widths(page, "security-duplicates")
    assert serious_axe_violations(page) == []
    page.fill("textarea[name=note]", "Sint-Lucas typte het nummer verkeerd en verbetert het.")
    page.click("button:has-text('Markeren als afgehandeld')")
    page.wait_for_selector("[data-testid=no-duplicates]")
    assert "afgehandeld" in page.content().lower()
