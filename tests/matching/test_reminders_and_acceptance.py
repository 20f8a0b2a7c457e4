import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from matching.mailings import reminders_send
from matching.models import Province, Status
from matching.services import decision_set_status
from matching.timetable import school_year_create_from_default
from notifications.models import Outbox
from tests import factories
from tests.logins import make_school_user, make_service_user

pytestmark = pytest.mark.django_db
UTC = dt.UTC
# Round 1 (secondary/adult, preferred service in the own province) runs 30/06-15/08.
IN_ROUND_1 = dt.datetime(2025, 7, 1, 7, tzinfo=UTC)  # 09:00 Brussels
REGISTERED = dt.datetime(2025, 6, 2, 10, tzinfo=UTC)


def student(**kwargs):
    return factories.StudentFactory(registered_at=REGISTERED, **kwargs)


@pytest.fixture
def setting():
    school_year_create_from_default(year=2025)
    service = factories.ServiceFactory()
    logins = [make_service_user(service), make_service_user(service)]
    other = factories.ServiceFactory()
    make_service_user(other)
    students = [student(preferred_services=[service]) for _ in range(3)]
    student(preferred_services=[other])  # not visible to `service` in round 1
    student(
        preferred_services=[service], postcode="9000", province=Province.objects.get(code="OVL")
    )  # other province: not visible in round 1
    factories.DecisionFactory(service=service, student=students[0], status=Status.NOT_ACCEPTED)
    return {"service": service, "logins": logins, "other": other, "students": students}


def remind_at(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return reminders_send()


def test_reminder_tells_each_login_how_many_visible_students_are_undecided(
    setting, django_capture_on_commit_callbacks
):
    assert remind_at(IN_ROUND_1, django_capture_on_commit_callbacks) == 3
    mine = [m for m in mail.outbox if m.to[0] in {u.email for u in setting["logins"]}]
    assert len(mine) == 2
    assert "2 aanvragen nog onbeslist" in mine[0].subject
    assert "Secundair onderwijs: 2" in mine[0].body
    other = [m for m in mail.outbox if m not in mine]
    assert "1 aanvraag nog onbeslist" in other[0].subject


def test_reminder_is_sent_once_a_day(setting, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert remind_at(IN_ROUND_1, capture) == 3
    assert remind_at(IN_ROUND_1 + dt.timedelta(hours=3), capture) == 0
    assert remind_at(IN_ROUND_1 + dt.timedelta(days=1), capture) == 3
    assert len(mail.outbox) == 6


def test_no_reminder_outside_an_open_round_or_without_undecided_students(
    setting, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert remind_at(dt.datetime(2025, 6, 30, 9, tzinfo=UTC), capture) == 0  # before round 1
    assert remind_at(dt.datetime(2025, 8, 20, 7, tzinfo=UTC), capture) == 0  # between rounds
    for student in setting["students"][1:]:
        factories.DecisionFactory(
            service=setting["service"], student=student, status=Status.NOT_ACCEPTED
        )
    assert remind_at(IN_ROUND_1, capture) == 1  # only the other service still has one
    assert Outbox.objects.count() == 1


def accept(service, student):
    mentor = factories.ContactPersonFactory(service=service)
    return decision_set_status(
        service=service,
        student_id=student.pk,
        status=Status.ACCEPTED,
        user=None,
        mentor=mentor,
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 11, 30),
        now=IN_ROUND_1,
    )


def test_school_logins_are_told_when_their_student_is_accepted(
    setting, django_capture_on_commit_callbacks
):
    student = setting["students"][1]
    login = make_school_user(student.school)
    with django_capture_on_commit_callbacks(execute=True):
        accept(setting["service"], student)
    assert [m.to for m in mail.outbox] == [[login.email]]
    assert student.full_name in mail.outbox[0].subject
    assert setting["service"].name in mail.outbox[0].body
    assert "01/10/2025" in mail.outbox[0].body


def test_school_without_logins_is_told_at_its_own_address(
    setting, django_capture_on_commit_callbacks
):
    student = setting["students"][1]
    student.school.email = "secretariaat@school.be"
    student.school.save()
    with django_capture_on_commit_callbacks(execute=True):
        accept(setting["service"], student)
    assert [m.to for m in mail.outbox] == [["secretariaat@school.be"]]


def test_rolled_back_acceptance_mails_nothing(setting, django_capture_on_commit_callbacks):
    student = setting["students"][1]
    make_school_user(student.school)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        accept(setting["service"], student)
        raise RuntimeError("something later in the request failed")
    assert callbacks == []
    assert Outbox.objects.count() == 0
    assert mail.outbox == []


def test_an_unreachable_broker_costs_one_publish_attempt_not_one_per_login(
    setting, django_capture_on_commit_callbacks, monkeypatch
):
    from notifications import tasks

    student = setting["students"][1]
    logins = [make_school_user(student.school) for _ in range(3)]
    attempts = []

    def broker_down(*args, **kwargs):
        attempts.append(args)
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.deliver_outbox, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        accept(setting["service"], student)
    assert len(attempts) == 1  # the first failure stops the batch: one connect timeout
    rows = Outbox.objects.filter(template_key="student_accepted_school")
    assert sorted(rows.values_list("to", flat=True)) == sorted(u.email for u in logins)
    assert set(rows.values_list("status", flat=True)) == {Outbox.Status.QUEUED}
