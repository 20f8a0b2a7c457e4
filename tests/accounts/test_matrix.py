"""Role x URL matrix: every admin screen of the project answers each role as it may.

Wagtail answers a refused admin view with a redirect to the dashboard (or to sign-in for
anonymous visitors); our own views answer 403 or 404. Any of those counts as "denied";
only a 200 counts as "allowed". Service B's objects are guessed by service A's login.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from guardian.shortcuts import assign_perm

from matching.models import School, Scope, Status, Track
from matching.services import decision_set_status
from notifications.models import MailTemplate, Outbox
from tests.accounts.roles import (
    make_coordinator,
    make_editor,
    make_operator,
    make_school_user,
    make_service_user,
)
from tests.factories import (
    ContactPersonFactory,
    RoundFactory,
    SchoolFactory,
    ServiceFactory,
    StudentFactory,
    province,
)

ROLES = ["anonymous", "operator", "editor", "service_a", "service_b", "school_a", "coordinator"]
OPERATOR = {"operator"}


@pytest.fixture
def world(db):
    rnd = RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)
    year = rnd.school_year
    service_a, service_b = ServiceFactory(), ServiceFactory()
    school_a = SchoolFactory()
    school_b = SchoolFactory(kind=School.Kind.SECONDARY)
    contact_a = ContactPersonFactory(service=service_a)
    contact_b = ContactPersonFactory(service=service_b)
    open_student = StudentFactory(school_year=year, school=school_a)
    placed_b = StudentFactory(school_year=year, school=school_b)
    decision_set_status(
        service=service_b,
        student_id=placed_b.pk,
        status=Status.ACCEPTED,
        user=None,
        mentor=contact_b,
        period_start=year.starts_on,
        period_end=year.ends_on,
    )
    users = {
        "operator": make_operator(),
        "editor": make_editor(),
        "service_a": make_service_user(service_a),
        "service_b": make_service_user(service_b),
        "school_a": make_school_user(school_a),
        "coordinator": make_coordinator(province("ANT")),
    }
    outbox = Outbox.objects.create(to="x@example.be", subject="s", body="b", template_key="t")
    template = MailTemplate.objects.first()
    other_province = province("LIM")
    urls = [
        # Operator screens (viewsets and views).
        ("school years", reverse("school_years:index"), OPERATOR),
        ("school year edit", reverse("school_years:edit", args=[year.pk]), OPERATOR),
        ("school year inspect", reverse("school_years:inspect", args=[year.pk]), OPERATOR),
        ("school year history", reverse("school_years:history", args=[year.pk]), OPERATOR),
        ("school year delete", reverse("school_years:delete", args=[year.pk]), OPERATOR),
        ("default timetable", reverse("operator_school_year_default"), OPERATOR),
        ("rounds", reverse("rounds:index"), OPERATOR),
        ("round edit", reverse("rounds:edit", args=[rnd.pk]), OPERATOR),
        ("round history", reverse("rounds:history", args=[rnd.pk]), OPERATOR),
        ("services", reverse("services:index"), OPERATOR),
        ("service edit", reverse("services:edit", args=[service_b.pk]), OPERATOR),
        ("service inspect", reverse("services:inspect", args=[service_b.pk]), OPERATOR),
        ("schools", reverse("schools:index"), OPERATOR),
        ("school edit", reverse("schools:edit", args=[school_b.pk]), OPERATOR),
        ("students (operator)", reverse("students:index"), OPERATOR),
        ("student inspect", reverse("students:inspect", args=[placed_b.pk]), OPERATOR),
        ("student history", reverse("students:history", args=[placed_b.pk]), OPERATOR),
        ("outbox", reverse("outbox:index"), OPERATOR),
        ("outbox inspect", reverse("outbox:inspect", args=[outbox.pk]), OPERATOR),
        ("invitations", reverse("invitations:index"), OPERATOR),
        ("invite", reverse("invitations:add"), OPERATOR),
        ("lockouts", reverse("lockouts:index"), OPERATOR),
        ("reporting", reverse("reporting:index"), OPERATOR),
        ("anonymise", reverse("reporting:anonymise", args=[year.pk]), OPERATOR),
        # Editors: mail texts.
        (
            "mail texts",
            reverse("wagtailsnippets_notifications_mailtemplate:list"),
            {"operator", "editor"},
        ),
        (
            "mail text edit",
            reverse("wagtailsnippets_notifications_mailtemplate:edit", args=[template.pk]),
            {"operator", "editor"},
        ),
        # Service workspace.
        (
            "students list",
            reverse("service_students", args=["secondary"]),
            {"service_a", "service_b"},
        ),
        (
            "students export",
            reverse("service_students_export", args=["secondary"]) + "?format=csv",
            {"service_a", "service_b"},
        ),
        (
            "open student detail",
            reverse("service_student_detail", args=[open_student.pk]),
            {"service_a", "service_b"},
        ),
        (
            "B's placed student detail",
            reverse("service_student_detail", args=[placed_b.pk]),
            {"service_b"},
        ),
        (
            "contact persons",
            reverse("contact-persons:index"),
            {"operator", "service_a", "service_b"},
        ),
        (
            "A's contact edit",
            reverse("contact-persons:edit", args=[contact_a.pk]),
            {"operator", "service_a"},
        ),
        (
            "B's contact edit",
            reverse("contact-persons:edit", args=[contact_b.pk]),
            {"operator", "service_b"},
        ),
        (
            "B's contact inspect",
            reverse("contact-persons:inspect", args=[contact_b.pk]),
            {"operator", "service_b"},
        ),
        (
            "B's contact history",
            reverse("contact-persons:history", args=[contact_b.pk]),
            {"operator", "service_b"},
        ),
        (
            "B's contact delete",
            reverse("contact-persons:delete", args=[contact_b.pk]),
            {"operator", "service_b"},
        ),
        # School screens.
        ("school students", reverse("matching_school:index"), {"school_a"}),
        ("school add", reverse("matching_school:student_add"), {"school_a"}),
        (
            "own student edit",
            reverse("matching_school:student_edit", args=[open_student.pk]),
            {"school_a"},
        ),
        (
            "school B's student edit",
            reverse("matching_school:student_edit", args=[placed_b.pk]),
            set(),
        ),
        ("school export", reverse("matching_school:export") + "?format=csv", {"school_a"}),
        ("school import", reverse("matching_school:import"), {"school_a"}),
        # Regional coordinator.
        ("region figures", reverse("reporting:figures"), {"operator", "coordinator"}),
        (
            "other province figures",
            reverse("reporting:figures_province", args=[other_province.pk]),
            {"operator"},
        ),
        ("region unplaced", reverse("reporting:unplaced"), {"operator", "coordinator"}),
    ]
    return {
        "users": users,
        "urls": urls,
        "service_a": service_a,
        "placed_b": placed_b,
        "contact_b": contact_b,
    }


def _outcome(client, url):
    response = client.get(url)
    if response.status_code == 200:
        return "allowed", response
    if response.status_code in (302, 403, 404):
        return "denied", response
    raise AssertionError(f"{url}: unexpected status {response.status_code}")


def _client_for(role, users, client_class):
    client = client_class()
    if role != "anonymous":
        client.force_login(users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_answers_the_role_as_it_may(world, role, client):
    from django.test import Client

    client = _client_for(role, world["users"], Client)
    wrong = []
    for name, url, allowed in world["urls"]:
        outcome, response = _outcome(client, url)
        expected = "allowed" if role in allowed else "denied"
        if outcome != expected:
            wrong.append(f"{name} ({url}): {outcome} [{response.status_code}], expected {expected}")
        if outcome == "denied" and response.status_code == 302:
            assert response["Location"] != url
    assert not wrong, "\n".join(wrong)


def test_model_permissions_given_by_mistake_widen_nothing(world):
    """A service login holding every matching model permission, and a global
    act_for_service, still sees only its own service's world."""
    from django.test import Client

    user = world["users"]["service_a"]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=[
                "matching",
                "notifications",
                "accounts",
                "auth",
                "wagtailcore",
                "reporting",
            ]
        )
    )
    assign_perm("matching.act_for_service", user)  # global, not per object
    client = Client()
    client.force_login(user)
    for url in (
        reverse("students:index"),
        reverse("students:inspect", args=[world["placed_b"].pk]),
        reverse("services:index"),
        reverse("outbox:index"),
        reverse("service_student_detail", args=[world["placed_b"].pk]),
        reverse("contact-persons:edit", args=[world["contact_b"].pk]),
        reverse("contact-persons:inspect", args=[world["contact_b"].pk]),
        reverse("matching_school:index"),
        # Wagtail's own screens ask user.has_perm directly, past our permission policies.
        "/admin/users/",
        reverse("wagtailusers_users:edit", args=[world["users"]["operator"].pk]),
        "/admin/groups/",
    ):
        outcome, response = _outcome(client, url)
        assert outcome == "denied", f"{url} answered {response.status_code}"
    listing = client.get(reverse("contact-persons:index"))
    assert world["contact_b"].name not in listing.content.decode()
    # Wagtail's site history shows a log entry to whoever has any permission on its model.
    from wagtail.log_actions import log

    log(instance=world["contact_b"], action="wagtail.edit", user=world["users"]["operator"])
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/?export=csv"):
        body = b"".join(client.get(url)).decode()
        assert world["contact_b"].name not in body, url


def test_service_cannot_change_status_of_a_student_it_cannot_see(world):
    from django.test import Client

    client = Client()
    client.force_login(world["users"]["service_a"])
    response = client.post(
        reverse("service_student_status", args=[world["placed_b"].pk]),
        {"status": Status.NOT_ACCEPTED},
    )
    assert response.status_code in (302, 404)
    assert not world["service_a"].decisions.exists()
