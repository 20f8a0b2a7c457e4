"""The whole flow in the browser: the operator asks for a proposal and sends it, the
service accepts one student and declines another with a reason, the operator sees both
outcomes. Both screens at 1280x800 and 375 px, with axe."""

import datetime as dt

import pytest

from matching.models import Decision, Status
from proposals.models import ProposalLine, ProposalRun
from tests.conftest import browser_login, screenshot, serious_axe_violations
from tests.factories import ContactPersonFactory, ServiceFactory, StudentFactory
from tests.logins import make_operator, make_service_user
from tests.proposals.conftest import at_km, places

pytestmark = pytest.mark.browser


def axe_violations(page):
    return serious_axe_violations(page)


def look(page, name):
    """Screenshots at both widths, axe at both; back to the desktop width."""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        screenshot(page, f"{name}-{width}")
        assert axe_violations(page) == [], (name, width)
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.fixture
def flow(transactional_db, round3):
    from django.apps import apps

    from accounts.roles import ensure_role_groups

    ensure_role_groups(apps)
    service = ServiceFactory(name="Familiehulp Mechelen", **at_km(0))
    places(service, round3, 2)
    ContactPersonFactory(service=service, name="An Peeters")
    period = {"requested_start": dt.date(2026, 1, 5), "requested_end": dt.date(2026, 2, 27)}
    first = StudentFactory(
        school_year=round3.school_year,
        first_name="Lotte",
        last_name="Hermans",
        **at_km(3),
        **period,
    )
    second = StudentFactory(
        school_year=round3.school_year, first_name="Arthur", last_name="Kaya", **at_km(9), **period
    )
    return {
        "service": service,
        "operator": make_operator(email="beheer@example.be"),
        "login": make_service_user(service, email="coordinator@familiehulp.be"),
        "first": first,
        "second": second,
    }


def test_operator_proposes_service_accepts_one_declines_one_operator_sees_both(
    live_server, page, new_page, flow
):
    browser_login(page, live_server, flow["operator"].email)
    page.goto(f"{live_server.url}/admin/voorstellen/")
    look(page, "proposals-operator-index")
    page.click("[data-testid=create-secondary]")
    page.wait_for_selector("[data-table=lines]")
    assert page.locator("[data-table=lines] tbody tr").count() == 2
    assert "voorkeursdienst" not in page.inner_text("[data-table=lines]")
    assert "3 km" in page.inner_text("[data-table=lines]")
    look(page, "proposals-operator-draft")
    page.click("[data-testid=send]")
    page.wait_for_selector("[data-testid=close]")
    assert "Verstuurd" in page.inner_text("[data-testid=summary]")

    service_page = new_page()
    browser_login(service_page, live_server, flow["login"].email)
    screenshot(service_page, "proposals-service-dashboard")
    service_page.get_by_role("link", name="Voorstellen", exact=True).click()
    service_page.wait_for_selector("[data-testid=open-count]")
    assert service_page.inner_text("[data-testid=open-count]") == "2"
    look(service_page, "proposals-service-open")
    lines = {line.student_id: line.pk for line in ProposalLine.objects.all()}
    service_page.click(f"[data-testid=accept-{lines[flow['first'].pk]}]")
    service_page.wait_for_selector(".messages")
    assert "Lotte Hermans werd aanvaard." in service_page.inner_text(".messages")
    service_page.fill(f"#reason-{lines[flow['second'].pk]}", "Geen mentor vrij in januari")
    service_page.click(f"[data-testid=decline-{lines[flow['second'].pk]}]")
    service_page.wait_for_selector("[data-testid=none-open]")
    look(service_page, "proposals-service-answered")

    page.reload()
    table = page.locator("[data-table=lines]")
    assert table.locator("tr[data-outcome=accepted]").count() == 1
    assert table.locator("tr[data-outcome=declined]").count() == 1
    assert "Geen mentor vrij in januari" in table.inner_text()
    provinces = page.inner_text("[data-table=provinces]")
    assert "Antwerpen" in provinces and "Aanvaard" in provinces and "Geweigerd" in provinces
    look(page, "proposals-operator-outcome")

    accepted = Decision.objects.get(student=flow["first"], status=Status.ACCEPTED)
    assert accepted.service == flow["service"] and accepted.mentor.name == "An Peeters"
    assert ProposalRun.objects.get().status == ProposalRun.Status.SENT
