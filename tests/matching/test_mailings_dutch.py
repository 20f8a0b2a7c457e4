"""Matching's mails in Dutch: a round mail states the real date and lists both tracks; the
acceptance mail of a dual student speaks of a workplace."""

import pytest

from notifications.models import Outbox
from tests.visible import english_in

pytestmark = pytest.mark.django_db


def test_round_mail_states_the_real_date_and_lists_both_tracks(
    db, django_capture_on_commit_callbacks
):
    import datetime as dt

    import time_machine

    from matching.mailings import round_mailings_sweep
    from matching.timetable import school_year_create_from_default
    from tests import factories
    from tests.logins import make_service_user as service_login

    school_year_create_from_default(year=2026)
    login = service_login(factories.ServiceFactory())
    # Mailed five days late (the worker was down): the mail still says when it happened.
    with (
        time_machine.travel(dt.datetime(2026, 9, 10, 8, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        round_mailings_sweep()
    rows = Outbox.objects.filter(to=login.email, template_key="round_started")
    assert rows.count() == 1  # secondary and adult open together: one mail
    body = rows.get().body
    assert "Op zaterdag 05/09/2026 om 12:00 startte" in body
    assert "Secundair onderwijs" in body and "Volwassenenonderwijs (CVO)" in body
    assert english_in(body) == []


def test_acceptance_mail_of_a_dual_student_speaks_of_a_workplace(
    db, django_capture_on_commit_callbacks
):
    from matching.mailings import notify_school_of_acceptance
    from matching.models import Decision, Status, Track
    from tests import factories
    from tests.logins import make_school_user as school_login

    school = factories.SchoolFactory()
    school_login(school)
    student = factories.StudentFactory(school=school, track=Track.DUAL)
    decision = Decision.objects.create(
        service=factories.ServiceFactory(), student=student, status=Status.ACCEPTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify_school_of_acceptance(decision)
    assert "werkplek" in row.subject and "werkplek" in row.body
    assert "stage" not in row.body.split("Met vriendelijke")[0]
