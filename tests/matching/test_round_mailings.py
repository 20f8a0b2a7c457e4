import datetime as dt

import pytest
import time_machine
from django.core import mail

from matching.mailings import round_mailings_sweep
from matching.models import School
from matching.timetable import school_year_close, school_year_create_from_default
from notifications.models import Outbox, RoundMailing
from tests import factories
from tests.logins import make_school_user, make_service_user

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def people():
    service_a = factories.ServiceFactory()
    service_b = factories.ServiceFactory()
    closed_service = factories.ServiceFactory(is_active=False)
    return {
        "service": [
            make_service_user(service_a),
            make_service_user(service_a),
            make_service_user(service_b),
        ],
        "inactive": [
            make_service_user(service_b, is_active=False),
            make_service_user(closed_service),
        ],
        "secondary_school": make_school_user(factories.SchoolFactory()),
        "cvo": make_school_user(factories.SchoolFactory(kind=School.Kind.CVO)),
    }


@pytest.fixture
def sweep_at(django_capture_on_commit_callbacks):
    """Beat's sweep at a moment; its after-commit deliveries run (inline, eager Celery)."""

    def run(moment):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return round_mailings_sweep()

    return run


def test_sweep_before_round_1_starts_mails_nobody(people, sweep_at):
    school_year_create_from_default(year=2025)
    assert sweep_at(utc(2025, 6, 30, 9, 59, 59)) == 0  # 11:59:59 Brussels
    assert Outbox.objects.count() == 0


def test_sweep_at_round_1_start_mails_services_and_the_schools_of_each_track(people, sweep_at):
    school_year_create_from_default(year=2025)
    services = [u.email for u in people["service"]]
    created = sweep_at(utc(2025, 6, 30, 10))  # 12:00 Brussels
    # Secondary and adult open together: one mail per service login listing both tracks,
    # and each school hears about its own track.
    assert created == 3 + 2
    expected = sorted(services + [people["secondary_school"].email, people["cvo"].email])
    assert sorted(Outbox.objects.values_list("to", flat=True)) == expected
    inactive = {u.email for u in people["inactive"]}
    assert not inactive & set(Outbox.objects.values_list("to", flat=True))
    assert all(row.status == Outbox.Status.SENT for row in Outbox.objects.all())
    assert len(mail.outbox) == 5
    assert RoundMailing.objects.count() == 2  # both rounds are marked as mailed
    # Schools get the schools' text: they follow their students, they give no statuses.
    schools = {people["secondary_school"].email, people["cvo"].email}
    for row in Outbox.objects.all():
        expected_key = "round_started_school" if row.to in schools else "round_started"
        assert row.template_key == expected_key
    to_service = next(m for m in mail.outbox if m.to[0] not in schools)
    assert to_service.subject == (
        "Stagematching gezinszorg: Ronde 1 is gestart "
        "(Secundair onderwijs en Volwassenenonderwijs (CVO))"
    )
    assert "Op maandag 30/06/2025 om 12:00 startte Ronde 1" in to_service.body
    assert "Secundair onderwijs (Ronde 1)" in to_service.body
    assert "Volwassenenonderwijs (CVO) (Ronde 1)" in to_service.body
    assert "Vandaag" not in to_service.body
    assert "een status te geven (aanvaard of niet aanvaard)" in " ".join(to_service.body.split())
    to_cvo = next(m for m in mail.outbox if m.to[0] == people["cvo"].email)
    assert "Volwassenenonderwijs (CVO)" in to_cvo.subject
    assert "Secundair" not in to_cvo.subject + to_cvo.body
    assert "status" not in to_cvo.body and "uw leerlingen" in to_cvo.body


def test_running_the_sweep_twice_sends_nothing_new(people, sweep_at):
    school_year_create_from_default(year=2025)
    assert sweep_at(utc(2025, 6, 30, 10)) == 5
    assert sweep_at(utc(2025, 6, 30, 10)) == 0
    assert sweep_at(utc(2025, 6, 30, 10, 1)) == 0
    assert sweep_at(utc(2025, 7, 2)) == 0
    assert len(mail.outbox) == 5


def test_unique_key_stops_a_second_mailing_even_without_the_marker(people, sweep_at):
    school_year_create_from_default(year=2025)
    sweep_at(utc(2025, 6, 30, 10))
    RoundMailing.objects.all().delete()  # as if two beats raced past the marker check
    assert sweep_at(utc(2025, 6, 30, 10, 1)) == 0
    assert Outbox.objects.count() == 5
    assert len(mail.outbox) == 5


def test_each_boundary_mails_its_event_once(people, sweep_at):
    school_year_create_from_default(year=2025)
    expected = [
        # (moment, new mails): just before and at each boundary of the secondary/adult rounds
        # one mail per login for both tracks: 3 service logins + 2 schools
        (utc(2025, 6, 30, 10), 5),  # round 1 starts
        (utc(2025, 8, 15, 9, 59), 0),
        (utc(2025, 8, 15, 10), 5),  # round 1 ends
        (utc(2025, 9, 5, 9, 59), 0),
        (utc(2025, 9, 5, 10), 5),  # round 2 starts
        (utc(2025, 9, 19, 9, 59), 0),
        (utc(2025, 9, 19, 10), 10),  # round 2 ends and round 3 starts: two events
        (utc(2025, 9, 30, 9, 59), 0),
        (utc(2025, 9, 30, 10), 5),  # round 3's target date
        (utc(2025, 10, 3), 0),
    ]
    for moment, new in expected:
        assert (moment, sweep_at(moment)) == (moment, new)
    assert Outbox.objects.filter(template_key__startswith="round_ended").count() == 15
    assert Outbox.objects.count() == len(mail.outbox) == 30


def test_dual_round_mails_services_and_secondary_schools(people, sweep_at):
    school_year_create_from_default(year=2025)
    assert sweep_at(utc(2025, 6, 16, 10)) == 3 + 1
    dual_rows = Outbox.objects.values_list("to", flat=True)
    assert people["secondary_school"].email in dual_rows
    assert people["cvo"].email not in dual_rows


def test_sweep_does_not_mail_rounds_long_past_on_first_install(people, sweep_at):
    school_year_create_from_default(year=2025)
    assert sweep_at(utc(2025, 11, 1)) == 0  # every boundary but the dual end is > 7 days ago
    assert sweep_at(utc(2025, 12, 1, 11)) == 4  # the dual round ends: that one is mailed


def test_closed_school_year_mails_nothing(people, sweep_at):
    year = school_year_create_from_default(year=2025)
    school_year_close(school_year=year, user=None)
    assert sweep_at(utc(2025, 6, 30, 10)) == 0


def test_new_login_added_after_the_mailing_is_not_mailed_about_the_past(people, sweep_at):
    school_year_create_from_default(year=2025)
    sweep_at(utc(2025, 6, 30, 10))
    make_service_user(factories.ServiceFactory())
    assert sweep_at(utc(2025, 6, 30, 10, 5)) == 0
