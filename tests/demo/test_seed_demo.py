import pytest
from django.core.management import call_command

from accounts.models import User
from matching.models import ContactPerson, Decision, Round, School, Service, StatusChange, Student
from matching.validators import validate_nrn

ARGS = ["--students", "120", "--services", "8", "--schools", "6", "--quiet"]


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Service, School, ContactPerson, Student, Decision, StatusChange, Round)
    }


def test_seed_demo_is_deterministic_valid_and_idempotent(db):
    call_command("seed_demo", *ARGS)
    first = counts()
    assert first["Student"] == 120 and first["Service"] == 8 and first["School"] == 6
    assert first["Decision"] > 0 and first["StatusChange"] >= first["Decision"]
    for number in Student.objects.values_list("national_register_number", flat=True):
        validate_nrn(number)
    names = list(Student.objects.order_by("import_key").values_list("last_name", flat=True)[:5])

    call_command("seed_demo", *ARGS)
    assert counts() == first
    assert names == list(
        Student.objects.order_by("import_key").values_list("last_name", flat=True)[:5]
    )


def test_seed_demo_places_rounds_around_today(db):
    from django.utils import timezone

    from matching.models import Track
    from matching.timetable import round_in_force

    call_command("seed_demo", *ARGS)
    now = timezone.now()
    assert round_in_force(track=Track.SECONDARY, now=now).number == 2
    assert round_in_force(track=Track.DUAL, now=now) is not None
    assert Round.objects.filter(starts_at__gt=now).exists()


def test_seed_demo_fills_the_public_site_and_the_schedules(db):
    from django_celery_beat.models import PeriodicTask
    from wagtail.models import Site

    from cms.models import ContentPage, FaqPage, HomePage, TimetablePage

    call_command("seed_demo", *ARGS)
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    manuals = ContentPage.objects.live().child_of(home).values_list("slug", flat=True)
    assert {"handleiding-diensten", "handleiding-scholen"} <= set(manuals)
    assert FaqPage.objects.live().child_of(home).exists()
    assert TimetablePage.objects.live().child_of(home).exists()
    assert PeriodicTask.objects.filter(task="notifications.tasks.round_mailings_sweep").exists()


def test_the_same_seed_gives_the_same_demo_on_an_empty_database(db):
    from django.db import transaction

    class Undo(Exception):
        pass

    def fingerprint():
        students = Student.objects.order_by("last_name", "first_name", "national_register_number")
        return list(
            students.values_list(
                "first_name", "last_name", "national_register_number", "postcode", "track"
            )
        ), sorted(Decision.objects.values_list("service__name", "student__last_name", "status"))

    with pytest.raises(Undo), transaction.atomic():
        call_command("seed_demo", *ARGS, "--seed", "7")
        first = fingerprint()
        raise Undo  # back to an empty database
    assert not Student.objects.exists()
    call_command("seed_demo", *ARGS, "--seed", "7")
    assert fingerprint() == first
    assert len(first[0]) == 120


def test_seed_demo_gives_services_capacities_full_with_room_and_over(db):
    from matching import capacity
    from matching.models import Capacity, SchoolYear, Track

    call_command("seed_demo", *ARGS)
    year = SchoolYear.objects.current()
    places = capacity.places_by_service(school_year=year, track=Track.SECONDARY)
    stated = [p for p in places.values() if p.capacity is not None]
    assert any(p.free == 0 and p.over == 0 and p.capacity for p in stated)  # full
    assert any(p.free for p in stated)  # room
    assert any(p.over for p in stated)  # over capacity
    assert Decision.objects.filter(beyond_capacity=True, status="accepted").count() >= 1
    # The last services stated nothing.
    assert Service.objects.exclude(capacities__school_year=year).exists()
    assert Capacity.objects.filter(school_year=year).count() % len(Track.values) == 0


def test_seed_demo_shows_one_sent_proposal_for_the_cvo_leftovers(db):
    from django.utils import timezone

    from matching.models import Track
    from matching.timetable import round_in_force
    from notifications.models import Outbox
    from proposals.models import ProposalRun

    call_command("seed_demo", *ARGS)
    now = timezone.now()
    assert round_in_force(track=Track.ADULT, now=now).number == 3
    run = ProposalRun.objects.get()
    assert run.track == Track.ADULT and run.status == ProposalRun.Status.SENT
    assert run.deadline > now and run.lines.exists()
    assert Outbox.objects.filter(template_key="proposal_sent_service").exists()
    call_command("seed_demo", *ARGS)
    assert ProposalRun.objects.count() == 1
