import datetime as dt

import pytest
from django.urls import reverse

from matching.models import Decision, Status, Student, Track
from reporting import selectors
from tests import factories

from .helpers import NOW, operator, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(year, rounds, frozen):
    """Students in two provinces and two tracks, some placed, some not yet visible."""
    ant, wvl = factories.province("ANT"), factories.province("WVL")
    s_ant = factories.ServiceFactory(province=ant)
    s_wvl = factories.ServiceFactory(province=wvl, postcode="8000")
    early = NOW - dt.timedelta(days=70)
    # An entry blackout around ant_later's registration, released in three days.
    year.entry_blackout_starts_at = NOW - dt.timedelta(days=11)
    year.entry_blackout_ends_at = NOW - dt.timedelta(days=9)
    year.blackout_release_at = NOW + dt.timedelta(days=3)
    year.save()
    students = {
        "ant_pref": factories.StudentFactory(
            school_year=year, registered_at=early, preferred_services=[s_ant]
        ),
        "ant_pref_2": factories.StudentFactory(
            school_year=year, registered_at=early, preferred_services=[s_ant, s_wvl]
        ),
        "ant_nopref": factories.StudentFactory(school_year=year, registered_at=early),
        "ant_later": factories.StudentFactory(
            school_year=year,
            registered_at=NOW - dt.timedelta(days=10),
            preferred_services=[s_ant],
        ),
        "wvl_pref": factories.StudentFactory(
            school_year=year,
            registered_at=early,
            province=wvl,
            postcode="8000",
            preferred_services=[s_wvl],
        ),
        "wvl_dual": factories.StudentFactory(
            school_year=year, track=Track.DUAL, province=wvl, postcode="8000"
        ),
        "ant_dual": factories.StudentFactory(school_year=year, track=Track.DUAL),
    }
    set_status(s_ant, students["ant_pref"], Status.ACCEPTED)
    set_status(s_wvl, students["wvl_dual"], Status.INVITED)
    set_status(s_wvl, students["wvl_dual"], Status.ACCEPTED)
    set_status(s_ant, students["ant_pref_2"], Status.NOT_ACCEPTED)
    set_status(s_ant, students["ant_dual"], Status.UNDECIDED)  # still counts as no decision
    # Another year's student never counts.
    last_year = factories.SchoolYearFactory(
        name="2024-2025", starts_on=dt.date(2024, 6, 1), ends_on=dt.date(2025, 5, 31)
    )
    factories.StudentFactory(school_year=last_year)
    return students


def direct_counts(year, province, track):
    qs = Student.objects.filter(school_year=year, province=province, track=track)
    placed = qs.filter(decisions__status=Status.ACCEPTED).distinct().count()
    return qs.count(), placed


def test_figures_equal_direct_database_counts(population, year):
    figures = selectors.province_track_figures(school_year=year)
    assert figures
    for row in figures:
        registered, placed = direct_counts(year, row.province_id, row.track)
        assert (row.registered, row.placed, row.unplaced) == (
            registered,
            placed,
            registered - placed,
        )
    assert sum(r.registered for r in figures) == Student.objects.filter(school_year=year).count()


def test_visible_counts_follow_the_round_in_force(population, year):
    """Round 2 ('preferred') for secondary, 'all' for dual, at NOW."""
    figures = {
        (r.province_id, r.track): r for r in selectors.province_track_figures(school_year=year)
    }
    ant, wvl = factories.province("ANT").pk, factories.province("WVL").pk
    # ant_pref is placed, ant_nopref has no preference, ant_later is not visible yet.
    assert figures[(ant, Track.SECONDARY)].visible == 1  # ant_pref_2
    assert figures[(wvl, Track.SECONDARY)].visible == 1
    assert figures[(ant, Track.DUAL)].visible == 1
    assert figures[(wvl, Track.DUAL)].visible == 0  # placed


def test_students_without_decision_are_those_with_only_undecided_or_no_rows(population, year):
    expected = {population[key].pk for key in ("ant_nopref", "ant_later", "wvl_pref", "ant_dual")}
    found = selectors.students_without_decision(school_year=year)
    assert set(found.values_list("pk", flat=True)) == expected


def test_placements_by_week_count_current_acceptances_once_in_their_week(year, rounds, frozen):
    service, other = factories.ServiceFactory(), factories.ServiceFactory()
    a, b, c = (
        factories.StudentFactory(school_year=year, preferred_services=[service, other])
        for _ in range(3)
    )
    three_weeks_ago = NOW - dt.timedelta(days=21)
    set_status(service, a, Status.ACCEPTED, now=three_weeks_ago)
    set_status(service, b, Status.ACCEPTED, now=three_weeks_ago)
    set_status(service, b, Status.UNDECIDED, now=NOW - dt.timedelta(days=14))  # taken back
    set_status(other, b, Status.ACCEPTED, now=NOW)
    set_status(service, c, Status.ACCEPTED, now=NOW - dt.timedelta(days=7))
    set_status(service, c, Status.UNDECIDED, now=NOW)  # taken back, not counted

    weeks = selectors.placements_by_week(school_year=year, today=NOW.date())
    assert [w.placed for w in weeks] == [1, 0, 0, 1]
    assert weeks[-1].cumulative == Decision.objects.filter(status=Status.ACCEPTED).count()
    assert weeks[0].week.weekday() == 0
    assert weeks[-1].week == NOW.date() - dt.timedelta(days=NOW.weekday())


def test_dashboard_panel_renders_figures_and_charts_for_the_operator(client, population, year):
    client.force_login(operator())
    response = client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-chart="provinces"' in html
    assert 'data-chart="placements"' in html
    assert '<title id="bars-title">' in html
    total = selectors.dashboard().grand_total
    assert total.registered == Student.objects.filter(school_year=year).count()
    assert f'<td data-figure="registered">{total.registered}</td>' in html
    assert 'data-figure="without-decision"' in html


def test_dashboard_panel_is_absent_for_users_without_a_reporting_role(client, population):
    from .helpers import plain_admin_user

    client.force_login(plain_admin_user())
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-chart="provinces"' not in html


def test_dashboard_takes_a_bounded_number_of_queries(population, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        dashboard = selectors.dashboard()
    assert dashboard.grand_total.registered == 7
