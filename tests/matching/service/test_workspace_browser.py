"""The service workspace at the 12:00 rush, in a real browser at 1280×800 and at 375 px:
status changes in place, refusals that keep every value, the race lost from list and
detail page, the live list, the withdrawal confirmation, filters that say no, the
dashboard, and axe-core on every page of the workspace."""

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Decision, Scope, Status, StatusChange, Track
from notifications.models import Outbox
from tests.conftest import browser_login, screenshot, serious_axe_violations
from tests.factories import (
    ContactPersonFactory,
    RoundFactory,
    SchoolFactory,
    StudentFactory,
    province,
)

from .conftest import make_service_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
SIZES = [pytest.param(WIDE, id="1280"), pytest.param(PHONE, id="375")]
LISTS = {
    Track.SECONDARY: "/admin/service/students/secondary/",
    Track.ADULT: "/admin/service/students/adult/",
    Track.DUAL: "/admin/service/students/dual/",
}
LIST = LISTS[Track.SECONDARY]
US = "planning@zorg-antwerpen.be"
THEM = "planning@zorg-elders.be"
SURNAMES = [
    "Aerts", "Baert", "Claes", "Dumont", "Engels", "Fransen", "Geerts", "Hermans", "Jacobs",
    "Janssens", "Kaya", "Lambrechts", "Maes", "Mertens", "Nowak", "Peeters",
]  # fmt: skip


@pytest.fixture
def sized(browser):
    """Factory: a fresh browser session (context) at a viewport size."""
    contexts = []

    def make(viewport):
        context = browser.new_context(locale="nl-BE", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def rush(open_round, service, other_service):
    """Three open tracks, long school names, one mentor for us (preselected), two for them."""
    year = open_round.school_year
    for track in (Track.ADULT, Track.DUAL):
        RoundFactory(school_year=year, scope=Scope.ALL, track=track)
    school = SchoolFactory(
        name="Sint-Vincentius Instituut voor Zorg en Welzijn", municipality="Antwerpen"
    )
    cvo = SchoolFactory(name="CVO Volwassenenonderwijs Kempen-Mechelen", kind="cvo")
    start, end = dt.date(2025, 10, 6), dt.date(2025, 11, 28)
    for index, name in enumerate(SURNAMES):
        StudentFactory(
            school_year=year,
            school=school,
            last_name=name,
            first_name="Lotte" if index % 2 else "Arthur",
            postcode=f"2{index % 9}00",
            province=province("ANT"),
            registered_at=timezone.now() - dt.timedelta(days=30 - index),
            requested_start=start,
            requested_end=end,
            preferred_services=[service] if index % 4 == 0 else [],
        )
    for name in SURNAMES[:6]:
        StudentFactory(
            school_year=year, school=cvo, track=Track.ADULT, last_name=name + "-Vos",
            requested_start=start, requested_end=end,
        )  # fmt: skip
        StudentFactory(
            school_year=year, school=school, track=Track.DUAL, last_name=name + "-De Smet"
        )
    ContactPersonFactory(service=service, name="Mentor An De Wit")
    ContactPersonFactory(service=other_service, name="Mentor Bart Smet")
    ContactPersonFactory(service=other_service, name="Mentor Carla Peeters")
    make_service_user(service, email=US)
    make_service_user(other_service, email=THEM)
    return year


def row(page, name):
    return page.locator("tr[data-student]", has_text=name)


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    client = page.evaluate("document.documentElement.clientWidth")
    assert width <= client, f"page scrolls sideways: {width} > {client}"
    inner = page.evaluate(
        "Array.from(document.querySelectorAll('.sm-listing-wrap, .sm-detail, .sm-card'))"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className)"
    )
    assert inner == [], f"scrolls sideways inside: {inner}"


def fully_in_view_horizontally(page, locator):
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["width"] > 0, "not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (box, width)


@pytest.mark.parametrize("viewport", SIZES)
def test_every_row_fits_on_all_three_tracks(sized, live_server, rush, viewport):
    page = sized(viewport)
    browser_login(page, live_server, US)
    for track, url in LISTS.items():
        page.goto(live_server.url + url)
        rows = page.locator("tr[data-student]")
        assert rows.count() > 0
        for index in range(rows.count()):
            each = rows.nth(index)
            select = each.locator("select[name=status]")
            if track != Track.DUAL:
                select.select_option("accepted")
            for part in (
                select,
                each.locator("button.sm-save"),
                each.locator("input[name=note]"),
                *(
                    []
                    if track == Track.DUAL
                    else [
                        each.locator("select[name=mentor]"),
                        each.locator("input[name=period_start]"),
                        each.locator("input[name=period_end]"),
                    ]
                ),
            ):
                part.scroll_into_view_if_needed()
                fully_in_view_horizontally(page, part)
        no_sideways_scroll(page)
        if track != Track.DUAL:
            # A full date shows: the input is at least as wide as its text needs.
            date = rows.first.locator("input[name=period_start]")
            assert date.input_value() == "2025-10-06"
            assert date.evaluate("e => e.scrollWidth <= e.clientWidth")
        screenshot(page, f"rush-list-{track}-{viewport['width']}")


def marker(page):
    """Set a flag in the window: it survives anything but a page load."""
    page.evaluate("window.__noReload = 'still here'")


def not_reloaded(page):
    assert page.evaluate("window.__noReload") == "still here", "the page reloaded"


def scroll_top(page):
    return page.evaluate(
        "Math.max(window.scrollY, document.scrollingElement.scrollTop,"
        " (document.querySelector('main') || {scrollTop: 0}).scrollTop)"
    )


@pytest.mark.parametrize("viewport", SIZES)
def test_accept_in_place_in_two_interactions_with_the_defaults(
    sized, live_server, rush, service, viewport
):
    page = sized(viewport)
    browser_login(page, live_server, US)
    page.goto(live_server.url + LIST)
    open_before = int(page.get_by_test_id("count-open").inner_text())
    target = row(page, "Mertens")
    target.scroll_into_view_if_needed()
    marker(page)
    # 1: choose "Aanvaard" — the only mentor is preselected, the period is the school's.
    target.get_by_label(re.compile("^Status van Mertens")).select_option("accepted")
    assert target.locator("select[name=mentor] option:checked").inner_text() == ("Mentor An De Wit")
    assert target.locator("input[name=period_start]").input_value() == "2025-10-06"
    assert target.locator("input[name=period_end]").input_value() == "2025-11-28"
    save = target.locator("button.sm-save")
    save.scroll_into_view_if_needed()  # what the click does anyway; the save must not
    before = scroll_top(page)
    assert before > 0  # a row far down the list: the page must stay where it is
    # 2: save.
    save.click()
    notice = row(page, "Mertens").get_by_test_id("row-notice")
    notice.wait_for()
    assert "Aanvaard" in notice.inner_text()
    expect(page.get_by_test_id("count-accepted")).to_have_text("1")
    assert int(page.get_by_test_id("count-open").inner_text()) == open_before - 1
    not_reloaded(page)
    assert abs(scroll_top(page) - before) <= 2, "the page moved"
    screenshot(page, f"rush-accepted-in-place-{viewport['width']}")
    decision = Decision.objects.get(service=service, status=Status.ACCEPTED)
    assert decision.student.last_name == "Mertens"
    assert (decision.mentor.name, decision.period_start, decision.period_end) == (
        "Mentor An De Wit",
        dt.date(2025, 10, 6),
        dt.date(2025, 11, 28),
    )


@pytest.mark.parametrize("viewport", SIZES)
def test_a_refusal_keeps_every_value_and_names_student_and_field(
    sized, live_server, rush, viewport
):
    page = sized(viewport)
    browser_login(page, live_server, US)
    page.goto(live_server.url + LIST)
    target = row(page, "Hermans")
    marker(page)
    target.locator("select[name=status]").select_option("accepted")
    target.locator("input[name=period_start]").fill("2025-12-01")
    target.locator("input[name=period_end]").fill("2025-11-01")
    target.locator("input[name=note]").fill("Belt maandag terug")
    target.locator("button.sm-save").click()
    error = row(page, "Hermans").get_by_test_id("row-error")
    error.wait_for()
    text = error.inner_text()
    assert "Hermans, Lotte" in text and "Einde stage" in text
    assert "voor de startdatum" in text
    again = row(page, "Hermans")
    assert again.locator("select[name=status]").input_value() == "accepted"
    assert again.locator("select[name=mentor] option:checked").inner_text() == "Mentor An De Wit"
    assert again.locator("input[name=period_start]").input_value() == "2025-12-01"
    assert again.locator("input[name=period_end]").input_value() == "2025-11-01"
    assert again.locator("input[name=note]").input_value() == "Belt maandag terug"
    assert again.locator("input[name=period_end]").get_attribute("aria-invalid") == "true"
    assert again.locator("[data-accept-fields]").is_visible()
    not_reloaded(page)
    screenshot(page, f"rush-refused-in-place-{viewport['width']}")
    assert not Decision.objects.exists()


def test_without_javascript_the_plain_form_works_and_keeps_values(browser, live_server, rush):
    context = browser.new_context(locale="nl-BE", viewport=WIDE, java_script_enabled=False)
    try:
        page = context.new_page()
        browser_login(page, live_server, US)
        page.goto(live_server.url + LIST + "?order=name")
        target = row(page, "Hermans")
        assert target.locator("[data-accept-fields]").is_visible()  # all fields, no script
        target.locator("select[name=status]").select_option("accepted")
        target.locator("select[name=mentor]").select_option("")
        target.locator("input[name=note]").fill("Zonder script")
        target.locator("button.sm-save").click()
        page.wait_for_url(re.compile(r"order=name#s-\d+$"))
        again = row(page, "Hermans")
        assert "Hermans, Lotte — Stagementor" in again.get_by_test_id("row-error").inner_text()
        assert again.locator("select[name=status]").input_value() == "accepted"
        assert again.locator("input[name=note]").input_value() == "Zonder script"
        assert again.locator("input[name=period_start]").input_value() == "2025-10-06"
        # Corrected and saved: it works the plain way too.
        again.locator("select[name=mentor]").select_option(label="Mentor An De Wit")
        again.locator("button.sm-save").click()
        page.wait_for_selector(".messages .success")
        assert Decision.objects.get(status=Status.ACCEPTED).note == "Zonder script"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_the_race_lost_from_the_list_and_from_the_detail_page(sized, live_server, rush, viewport):
    ours, theirs = sized(viewport), sized(viewport)
    browser_login(ours, live_server, US)
    browser_login(theirs, live_server, THEM)
    ours.goto(live_server.url + LIST)
    theirs.goto(live_server.url + LIST)
    # Their list must not learn of our acceptance before they click (that is the live
    # list's own test): stop its polling, as if both clicked in the same second.
    theirs.evaluate(
        "document.querySelector('[data-controller~=sm-live]').removeAttribute('data-controller')"
    )
    # From the list: both have Kaya open; we accept first, they lose in place.
    them = row(theirs, "Kaya")
    them.locator("select[name=status]").select_option("accepted")
    them.locator("select[name=mentor]").select_option(label="Mentor Bart Smet")
    row(ours, "Kaya").locator("select[name=status]").select_option("accepted")
    row(ours, "Kaya").locator("button.sm-save").click()
    row(ours, "Kaya").get_by_test_id("row-notice").wait_for()
    them.locator("button.sm-save").click()
    lost = row(theirs, "Kaya").get_by_test_id("row-placed")
    lost.wait_for()
    assert "Deze leerling werd intussen door een andere dienst aanvaard." in lost.inner_text()
    assert "Zorg Antwerpen" not in theirs.content()
    screenshot(theirs, f"rush-race-lost-list-{viewport['width']}")

    # From the detail page: they open Maes's "Meer info", we accept meanwhile, they save.
    theirs.goto(live_server.url + LIST)
    row(theirs, "Maes").locator("a.sm-more").click()
    theirs.wait_for_url(re.compile(r"/service/student/\d+/"))
    row(ours, "Maes").locator("select[name=status]").select_option("accepted")
    row(ours, "Maes").locator("button.sm-save").click()
    row(ours, "Maes").get_by_test_id("row-notice").wait_for()
    theirs.locator("select[name=status]").select_option("accepted")
    theirs.locator("select[name=mentor]").select_option(label="Mentor Bart Smet")
    theirs.locator("button.sm-save").click()
    placed = theirs.get_by_test_id("placed-meanwhile")
    placed.wait_for()
    assert "Deze leerling werd intussen door een andere dienst aanvaard." in placed.inner_text()
    body = theirs.content()
    assert "Zorg Antwerpen" not in body and "Mentor An De Wit" not in body
    assert "Sint-Vincentius" not in body  # nothing of the request any more
    no_sideways_scroll(theirs)
    screenshot(theirs, f"rush-race-lost-detail-{viewport['width']}")
    assert Decision.objects.filter(status=Status.ACCEPTED).count() == 2
    assert not Decision.objects.filter(service__name="Zorg Elders").exists()


@pytest.mark.parametrize("viewport", SIZES)
def test_the_open_list_learns_within_ten_seconds_without_reload(sized, live_server, rush, viewport):
    watching, other = sized(viewport), sized(WIDE)
    browser_login(watching, live_server, US)
    browser_login(other, live_server, THEM)
    watching.goto(live_server.url + LIST)
    other.goto(live_server.url + LIST)
    marker(watching)
    open_before = int(watching.get_by_test_id("count-open").inner_text())
    them = row(other, "Nowak")
    them.locator("select[name=status]").select_option("accepted")
    them.locator("select[name=mentor]").select_option(label="Mentor Carla Peeters")
    them.locator("input[name=period_start]").fill("2025-10-06")
    them.locator("input[name=period_end]").fill("2025-11-28")
    them.locator("button.sm-save").click()
    row(other, "Nowak").get_by_test_id("row-notice").wait_for()
    accepted_at = time.monotonic()
    gone = row(watching, "Nowak").get_by_test_id("row-gone")
    gone.wait_for(timeout=10_000)
    assert time.monotonic() - accepted_at < 10
    assert "Deze leerling werd intussen door een andere dienst aanvaard." in gone.inner_text()
    assert not row(watching, "Nowak").locator("form").is_visible()
    expect(watching.get_by_test_id("count-open")).to_have_text(str(open_before - 1), timeout=10_000)
    not_reloaded(watching)
    screenshot(watching, f"rush-live-{viewport['width']}")


@pytest.mark.parametrize("viewport", SIZES)
def test_taking_back_asks_first_mails_the_school_and_keeps_history(
    sized, live_server, rush, service, viewport
):
    page = sized(viewport)
    browser_login(page, live_server, US)
    page.goto(live_server.url + LIST + "?q=Engels")
    target = row(page, "Engels")
    target.locator("select[name=status]").select_option("accepted")
    target.locator("button.sm-save").click()
    row(page, "Engels").get_by_test_id("row-notice").wait_for()
    student = Decision.objects.get(status=Status.ACCEPTED).student
    student.school.email = "secretariaat@sint-vincentius.be"
    student.school.save()

    row(page, "Engels").locator("select[name=status]").select_option("undecided")
    row(page, "Engels").locator("button.sm-save").click()
    confirm = row(page, "Engels").get_by_test_id("confirm-withdrawal")
    confirm.wait_for()
    assert "de school krijgt een mail" in confirm.inner_text()
    # Only what the chosen status needs: no mentor or dates for a withdrawal.
    expect(row(page, "Engels").locator("[data-accept-fields]")).to_be_hidden()
    assert Decision.objects.get(student=student).status == Status.ACCEPTED  # not yet
    screenshot(page, f"rush-withdraw-confirm-{viewport['width']}")
    # Cancel puts the row back as it was.
    confirm.get_by_role("link", name="Annuleren").click()
    assert row(page, "Engels").locator("select[name=status]").input_value() == "accepted"
    row(page, "Engels").locator("select[name=status]").select_option("undecided")
    row(page, "Engels").locator("button.sm-save").click()
    row(page, "Engels").get_by_role("button", name="Ja, aanvaarding intrekken").click()
    row(page, "Engels").get_by_test_id("row-notice").wait_for()
    decision = Decision.objects.get(student=student)
    assert decision.status == Status.UNDECIDED and decision.mentor is None
    row_ = Outbox.objects.get(template_key="student_withdrawn_school")
    assert row_.to == "secretariaat@sint-vincentius.be"
    (sent,) = [m for m in mail.outbox if "trok de aanvaarding" in m.subject]
    assert sent.to == ["secretariaat@sint-vincentius.be"]
    assert "Zorg Antwerpen" in sent.subject and student.full_name in sent.subject
    change = StatusChange.objects.filter(student=student).latest("pk")
    assert (change.from_status, change.to_status) == (Status.ACCEPTED, Status.UNDECIDED)
    assert change.changed_by.email == US
    assert timezone.now() - change.changed_at < dt.timedelta(minutes=1)
    # The detail page's history says who and when.
    page.goto(live_server.url + f"/admin/service/student/{student.pk}/")
    history = page.locator(".sm-history").inner_text()
    assert "Aanvaard → Onbeslist" in history


@pytest.mark.parametrize("viewport", SIZES)
@pytest.mark.parametrize("typed", ["8", "abcd"])
def test_an_invalid_postcode_says_no(sized, live_server, rush, viewport, typed):
    page = sized(viewport)
    browser_login(page, live_server, US)
    page.goto(live_server.url + LIST)
    page.locator("details.sm-filters > summary").click()
    page.get_by_label("Postcode").fill(typed)
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url(re.compile(r"postcode="))
    error = page.get_by_test_id("postcode-error")
    assert "postcode" in error.inner_text().lower()
    field = page.get_by_label("Postcode")
    assert field.input_value() == typed
    assert field.get_attribute("aria-invalid") == "true"
    # Beside the field: right under it.
    field_box, error_box = field.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40
    assert page.locator("details.sm-filters").get_attribute("open") is not None
    assert page.locator("tr[data-student]").count() == 0
    assert "niet gefilterd" in page.get_by_test_id("filter-error").inner_text()
    no_sideways_scroll(page)
    screenshot(page, f"rush-filter-no-{typed}-{viewport['width']}")


@pytest.mark.parametrize("viewport", SIZES)
def test_status_controls_are_named_and_in_order(sized, live_server, rush, viewport):
    page = sized(viewport)
    browser_login(page, live_server, US)
    page.goto(live_server.url + LIST)
    select = page.get_by_role("combobox", name="Status van Aerts, Arthur")
    select.select_option("accepted")
    select.focus()
    order = []
    for _ in range(12):  # a date input takes one Tab per part (day, month, year)
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.name || document.activeElement.className")
        if not order or order[-1] != focused:
            order.append(focused)
        if "sm-save" in focused:
            break
    assert order[:4] == ["mentor", "period_start", "period_end", "note"]
    assert "sm-save" in order[4]


@pytest.mark.parametrize("viewport", SIZES)
def test_the_service_dashboard(sized, live_server, rush, service, viewport):
    from django.core.management import call_command

    from accounts.models import User, UserSession

    call_command("seed_cms", verbosity=0)
    page = sized(viewport)
    browser_login(page, live_server, US)
    page.goto(live_server.url + "/admin/")
    board = page.get_by_test_id("service-dashboard")
    assert board.get_by_test_id("dash-secondary-visible").inner_text() == "16"
    assert board.get_by_test_id("dash-secondary-undecided").inner_text() == "16"
    assert board.get_by_test_id("dash-secondary-new").inner_text() == "16"  # first sign-in
    assert board.get_by_test_id("dash-adult-visible").inner_text() == "6"
    assert board.get_by_test_id("dash-dual-accepted").inner_text() == "0"
    assert "In voege" in board.get_by_test_id("dash-secondary-round").inner_text()
    helpdesk = board.get_by_test_id("dash-helpdesk").inner_text()
    assert "helpdesk@stagematching.org" in helpdesk and "02 123 45 67" in helpdesk
    # No page search for a login without page rights; the manual is the project's own.
    assert page.locator("form[role=search]").count() == 0
    manual = board.get_by_test_id("dash-manual")
    assert manual.inner_text() == "Handleiding voor diensten"
    screenshot(page, f"rush-dashboard-{viewport['width']}")
    manual.click()
    page.wait_for_url(re.compile(r"/handleiding-diensten/$"))
    assert "Een status kiezen" in page.content()

    # Next sign-in: only what became visible since the previous one is new, and our
    # acceptance counts.
    user = User.objects.get(email=US)
    since = UserSession.objects.get(user=user).signed_in_at
    StudentFactory(
        school_year=rush, last_name="Nieuwkomer", registered_at=since + dt.timedelta(seconds=1)
    )
    fresh = sized(viewport)
    browser_login(fresh, live_server, US)
    board = fresh.get_by_test_id("service-dashboard")
    assert board.get_by_test_id("dash-secondary-visible").inner_text() == "17"
    assert board.get_by_test_id("dash-secondary-new").inner_text() == "1"


AXE_PAGES = [
    "/admin/",
    LISTS[Track.SECONDARY],
    LISTS[Track.ADULT],
    LISTS[Track.DUAL],
    "detail",
    "/admin/contact-persons/",
    "/admin/contact-persons/add/",
]


@pytest.mark.parametrize("viewport", SIZES)
def test_axe_finds_no_serious_or_critical_violation(sized, live_server, rush, viewport):
    page = sized(viewport)
    browser_login(page, live_server, US)
    problems = []
    for url in AXE_PAGES:
        if url == "detail":
            page.goto(live_server.url + LIST)
            row(page, "Aerts").locator("a.sm-more").click()
            page.wait_for_url(re.compile(r"/service/student/\d+/"))
        else:
            page.goto(live_server.url + url)
        if url in LISTS.values():
            # The open acceptance fields and a refusal are part of the page too.
            first = page.locator("tr[data-student]").first
            first.locator("select[name=status]").select_option(index=1)
        problems += [(url, *problem) for problem in serious_axe_violations(page)]
    assert problems == []
