"""Capacity and supply and demand in the browser: a service states its capacity and reads
"x van y plaatsen ingevuld"; accepting beyond capacity asks first (cancel keeps the row,
confirm accepts) and the operator's figures flag it; the operator corrects a capacity; the
supply-and-demand page with its chart. Screenshots at 1280x800 and 375 px, axe on each."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from matching import capacity
from matching.models import Capacity, Decision, Status, Track
from tests.conftest import browser_login, screenshot, serious_axe_violations
from tests.factories import ContactPersonFactory, DecisionFactory, StudentFactory, province
from tests.logins import make_coordinator, make_operator, make_service_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
US = "planning@zorg-antwerpen.be"
OPERATOR = "beheer@stagematching.be"
LIST = "/admin/service/students/secondary/"
SUPPLY = "/admin/rapportering/vraag-en-aanbod/"


def axe_problems(page):
    return [(page.url, *problem) for problem in serious_axe_violations(page)]


def shots_and_axe(page, name) -> list:
    """Screenshot at both sizes, axe at both; the page is left at 1280x800."""
    problems = []
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        screenshot(page, f"{name}-{size['width']}")
        problems += axe_problems(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.evaluate("document.documentElement.clientWidth") + 1, name
    page.set_viewport_size(WIDE)
    return problems


@pytest.fixture
def market(service, other_service, open_round):
    year = open_round.school_year
    ContactPersonFactory(service=service, name="Mentor An De Wit")
    make_service_user(service, email=US)
    make_operator(email=OPERATOR)
    for name in ("Aerts", "Baert", "Claes", "Dumont"):
        StudentFactory(
            school_year=year,
            last_name=name,
            requested_start=dt.date(2025, 10, 6),
            requested_end=dt.date(2025, 11, 28),
        )
    Capacity.objects.create(
        service=other_service, school_year=year, track=Track.SECONDARY, places=4
    )
    return year


def row(page, name):
    return page.locator("tr[data-student]", has_text=name)


def test_service_states_capacity_and_sees_places_filled(page, live_server, service, market):
    page.set_viewport_size(WIDE)
    browser_login(page, live_server, US)
    page.goto(live_server.url + "/admin/service/capacity/")
    card = page.get_by_test_id("capacity-secondary")
    card.get_by_label("Aantal plaatsen").fill("2")
    card.get_by_label("Plaatsen vanaf (optioneel)").fill("2025-10-01")
    page.get_by_role("button", name="Capaciteit opslaan").click()
    expect(page.get_by_test_id("capacity-secondary-filled")).to_have_text(
        "0 van 2 plaatsen ingevuld"
    )
    assert "Laatst gewijzigd door" in page.get_by_test_id("capacity-secondary-changed").inner_text()
    stated = Capacity.objects.get(service=service, track=Track.SECONDARY)
    assert stated.places == 2 and str(stated.period_start) == "2025-10-01"
    problems = shots_and_axe(page, "capacity-service")
    # Accept one: the list and the dashboard say so.
    page.goto(live_server.url + LIST)
    expect(page.get_by_test_id("places")).to_have_text("0 van 2 plaatsen ingevuld")
    target = row(page, "Aerts")
    target.locator("select[name=status]").select_option("accepted")
    target.locator("button.sm-save").click()
    row(page, "Aerts").get_by_test_id("row-notice").wait_for()
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_test_id("dash-secondary-places")).to_have_text("1 van 2 plaatsen ingevuld")
    problems += shots_and_axe(page, "capacity-dashboard")
    page.goto(live_server.url + LIST)
    expect(page.get_by_test_id("places")).to_have_text("1 van 2 plaatsen ingevuld")
    assert problems == []


def test_accepting_beyond_capacity_asks_cancel_keeps_confirm_accepts_and_is_flagged(
    page, new_page, live_server, service, market
):
    capacity.capacity_set(
        service=service, school_year=market, track=Track.SECONDARY, places=1, user=None
    )
    DecisionFactory(service=service, student=StudentFactory(school_year=market), status="accepted")
    page.set_viewport_size(WIDE)
    browser_login(page, live_server, US)
    page.goto(live_server.url + LIST + "?q=Baert")
    expect(page.get_by_test_id("places")).to_have_text("1 van 1 plaats ingevuld")
    row(page, "Baert").locator("select[name=status]").select_option("accepted")
    row(page, "Baert").locator("button.sm-save").click()
    confirm = row(page, "Baert").get_by_test_id("confirm-capacity")
    confirm.wait_for()
    assert "Alle plaatsen die uw dienst" in confirm.inner_text()
    # What was entered stays in the form while it asks.
    assert row(page, "Baert").locator("input[name=period_start]").input_value() == "2025-10-06"
    baert = StudentFactory._meta.model.objects.get(last_name="Baert")
    assert not Decision.objects.filter(student=baert).exists()
    problems = shots_and_axe(page, "capacity-confirm")
    confirm.get_by_role("link", name="Annuleren").click()
    assert row(page, "Baert").locator("select[name=status]").input_value() == "undecided"
    assert not Decision.objects.filter(student=baert).exists()

    row(page, "Baert").locator("select[name=status]").select_option("accepted")
    row(page, "Baert").locator("button.sm-save").click()
    row(page, "Baert").get_by_role("button", name="Ja, toch aanvaarden").click()
    row(page, "Baert").get_by_test_id("row-notice").wait_for()
    decision = Decision.objects.get(student=baert)
    assert decision.status == Status.ACCEPTED and decision.beyond_capacity

    operator = new_page()
    operator.set_viewport_size(WIDE)
    browser_login(operator, live_server, OPERATOR)
    operator.goto(live_server.url + SUPPLY)
    ant = operator.locator(
        f'table[data-table="supply"] tr[data-province="{province("ANT").pk}"]'
        f'[data-track="secondary"]'
    )
    expect(ant.locator('[data-figure="over"]')).to_contain_text("1")
    expect(ant.locator('[data-figure="flagged"]')).to_have_text("1 bevestigd")
    assert problems == []


def test_operator_corrects_a_capacity(page, live_server, other_service, market):
    page.set_viewport_size(WIDE)
    browser_login(page, live_server, OPERATOR)
    page.goto(live_server.url + "/admin/capacities/")
    listing = page.locator("table.listing")
    expect(listing).to_contain_text("0 van 4 plaatsen ingevuld")
    problems = shots_and_axe(page, "capacity-operator-list")
    listing.get_by_role("link", name=other_service.name).first.click()
    page.get_by_label("Aantal plaatsen").fill("6")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("table.listing")).to_contain_text("0 van 6 plaatsen ingevuld")
    stated = Capacity.objects.get(service=other_service)
    assert stated.places == 6 and stated.updated_by_operator
    assert stated.updated_by.email == OPERATOR
    expect(page.locator("table.listing")).to_contain_text(
        f"{stated.updated_by.get_full_name()} <{OPERATOR}>"
    )
    expect(page.locator("table.listing")).to_contain_text("(beheerder)")
    assert problems == []


def test_supply_and_demand_page_renders_with_chart(page, new_page, live_server, market):
    make_coordinator(province("ANT"), email="trekker@antwerpen.be")
    page.set_viewport_size(WIDE)
    browser_login(page, live_server, OPERATOR)
    page.goto(live_server.url + SUPPLY)
    chart = page.locator('svg[data-chart="supply"]')
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() >= 2
    expect(page.locator('table[data-table="room"]')).to_contain_text("Zorg Elders")
    problems = shots_and_axe(page, "supply-operator")
    coordinator = new_page()
    coordinator.set_viewport_size(WIDE)
    browser_login(coordinator, live_server, "trekker@antwerpen.be")
    coordinator.goto(live_server.url + SUPPLY)
    expect(coordinator.locator('svg[data-chart="supply"]')).to_be_visible()
    problems += shots_and_axe(coordinator, "supply-coordinator")
    assert problems == []
