"""Re-offer (issue 19): when a service takes back an acceptance, the services that still had
the student open (no decision, undecided or invited) hear of it in one mail per login per
day; the one that let go, and those that decided otherwise, hear nothing."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from matching import mailings
from matching.models import ReofferNotice, Scope, Status, Track
from matching.services import decision_set_status
from notifications.models import Outbox
from tests.factories import (
    ContactPersonFactory,
    DecisionFactory,
    RoundFactory,
    ServiceFactory,
    StudentFactory,
)
from tests.logins import make_service_user

pytestmark = pytest.mark.django_db
KEY = "student_reoffered_service"


@pytest.fixture
def world():
    round_ = RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)
    year = round_.school_year
    letting_go = ServiceFactory(name="Zorg Loslaten")
    still_open = ServiceFactory(name="Zorg Open")
    decided = ServiceFactory(name="Zorg Beslist")

    # Fixed names: a random surname could be one of the students' and fool the checks below.
    def login(service, email):
        return make_service_user(service, email=email, first_name="Sam", last_name="Peeters")

    logins = {
        "letting_go": login(letting_go, "a@loslaten.be"),
        "open_1": login(still_open, "een@open.be"),
        "open_2": login(still_open, "twee@open.be"),
        "decided": login(decided, "c@beslist.be"),
    }
    mentor = ContactPersonFactory(service=letting_go)
    students = [
        StudentFactory(school_year=year, last_name=name, first_name="Lotte")
        for name in ("Aerts", "Baert", "Claes")
    ]
    for student in students:
        DecisionFactory(service=decided, student=student, status=Status.NOT_ACCEPTED)
    return {
        "round": round_,
        "letting_go": letting_go,
        "still_open": still_open,
        "decided": decided,
        "logins": logins,
        "mentor": mentor,
        "students": students,
    }


def accept_then_withdraw(world, student, *, withdraw_to=Status.UNDECIDED):
    service, user = world["letting_go"], world["logins"]["letting_go"]
    decision_set_status(
        service=service,
        student_id=student.pk,
        status=Status.ACCEPTED,
        user=user,
        mentor=world["mentor"],
        period_start=dt.date(2025, 10, 6),
        period_end=dt.date(2025, 11, 28),
    )
    decision_set_status(service=service, student_id=student.pk, status=withdraw_to, user=user)


def digests():
    return {row.to: row for row in Outbox.objects.filter(template_key=KEY)}


def test_two_withdrawals_the_same_day_make_one_mail_per_login(world):
    aerts, baert, _claes = world["students"]
    accept_then_withdraw(world, aerts)
    accept_then_withdraw(world, baert, withdraw_to=Status.NOT_ACCEPTED)
    assert ReofferNotice.objects.filter(processed_at__isnull=True).count() == 2
    assert not digests()  # nothing before the digest runs

    assert mailings.reoffer_digest_send() == 2
    mails = digests()
    # The service that had both open: one mail per login, naming both students.
    assert set(mails) == {"een@open.be", "twee@open.be"}
    for mail in mails.values():
        assert "2 leerlingen zijn opnieuw beschikbaar" in mail.subject
        assert "Aerts, Lotte" in mail.body and "Baert, Lotte" in mail.body
        assert "Claes, Lotte" not in mail.body
    # The one that let go and the one that decided (not accepted) get nothing.
    assert not Outbox.objects.filter(template_key=KEY, to__in=["a@loslaten.be", "c@beslist.be"])
    assert not ReofferNotice.objects.filter(processed_at__isnull=True).exists()

    # A second run the same day, even after a new withdrawal, sends nothing more today.
    accept_then_withdraw(world, world["students"][2])
    assert mailings.reoffer_digest_send() == 0
    assert Outbox.objects.filter(template_key=KEY).count() == 2


def test_next_day_brings_a_new_mail(world):
    aerts, baert, claes = world["students"]
    accept_then_withdraw(world, aerts)
    assert mailings.reoffer_digest_send() == 2
    accept_then_withdraw(world, baert)  # later the same day: waits for tomorrow
    assert mailings.reoffer_digest_send() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        accept_then_withdraw(world, claes)
        assert mailings.reoffer_digest_send() == 2
    rows = Outbox.objects.filter(template_key=KEY, to="een@open.be").order_by("pk")
    assert rows.count() == 2
    second = rows.last()
    assert "Baert, Lotte" in second.body and "Claes, Lotte" in second.body
    assert "Aerts" not in second.body


def test_no_mail_when_the_student_was_placed_again_or_nobody_had_it_open(world):
    aerts, baert, _claes = world["students"]
    accept_then_withdraw(world, aerts)
    # Accepted again (by the same service) before the digest: no longer in the pool.
    decision_set_status(
        service=world["letting_go"],
        student_id=aerts.pk,
        status=Status.ACCEPTED,
        user=world["logins"]["letting_go"],
        mentor=world["mentor"],
        period_start=dt.date(2025, 10, 6),
        period_end=dt.date(2025, 11, 28),
    )
    # Baert: the only other service decided "niet aanvaard" too.
    DecisionFactory(service=world["still_open"], student=baert, status=Status.NOT_ACCEPTED)
    accept_then_withdraw(world, baert)
    assert mailings.reoffer_digest_send() == 0
    assert not digests()
    assert not ReofferNotice.objects.filter(processed_at__isnull=True).exists()


def test_invited_dual_student_is_reoffered_to_the_service_that_invited(world):
    dual = RoundFactory(school_year=world["round"].school_year, scope=Scope.ALL, track=Track.DUAL)
    student = StudentFactory(school_year=dual.school_year, track=Track.DUAL, last_name="Dewit")
    for key in ("letting_go", "still_open"):
        decision_set_status(
            service=world[key],
            student_id=student.pk,
            status=Status.INVITED,
            user=world["logins"]["letting_go" if key == "letting_go" else "open_1"],
        )
    service, user = world["letting_go"], world["logins"]["letting_go"]
    decision_set_status(service=service, student_id=student.pk, status=Status.ACCEPTED, user=user)
    decision_set_status(service=service, student_id=student.pk, status=Status.NO_SHOW, user=user)
    # The service that invited, and the one with no decision at all (undecided), hear of it.
    assert mailings.reoffer_digest_send() == 3
    mails = digests()
    assert set(mails) == {"een@open.be", "twee@open.be", "c@beslist.be"}
    assert "Dewit" in mails["een@open.be"].body


def test_a_rolled_back_withdrawal_leaves_no_notice(world):
    aerts = world["students"][0]
    service, user = world["letting_go"], world["logins"]["letting_go"]
    decision_set_status(
        service=service,
        student_id=aerts.pk,
        status=Status.ACCEPTED,
        user=user,
        mentor=world["mentor"],
        period_start=dt.date(2025, 10, 6),
        period_end=dt.date(2025, 11, 28),
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        decision_set_status(
            service=service, student_id=aerts.pk, status=Status.UNDECIDED, user=user
        )
        raise RuntimeError
    assert not ReofferNotice.objects.exists()


def test_the_digest_is_on_the_beat_schedule_daily():
    from django_celery_beat.models import PeriodicTask

    from config.celery_app import app
    from notifications.schedules import schedules_ensure

    schedules_ensure()
    task = PeriodicTask.objects.get(task="matching.tasks.reoffer_digest_send")
    assert (task.crontab.hour, task.crontab.minute) == ("8", "0")
    app.loader.import_default_modules()
    assert app.tasks["matching.tasks.reoffer_digest_send"].run.__module__ == "matching.tasks"
