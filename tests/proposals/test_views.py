"""The screens: who may open what (exact answers), what a service sees of a proposed
student (what its list shows, no more) and the operator's outcome per province."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Status, Track
from matching.services import decision_set_status
from proposals import services
from proposals.models import ProposalLine, ProposalRun
from tests.factories import ContactPersonFactory, ServiceFactory, StudentFactory, province
from tests.logins import make_operator, make_service_user
from tests.proposals.conftest import PERIOD, at_km, places


@pytest.fixture
def world(round3):
    a, b = ServiceFactory(**at_km(0)), ServiceFactory(**at_km(40))
    places(a, round3, 1)
    places(b, round3, 1)
    mentor_a = ContactPersonFactory(service=a)
    s_a = StudentFactory(
        school_year=round3.school_year, last_name="Aerts", email="aerts@leerling.be", **at_km(1)
    )
    s_b = StudentFactory(
        school_year=round3.school_year,
        last_name="Bosmans",
        province=province("LIM"),
        postcode="3500",
        municipality="Hasselt",
        **at_km(39),
    )
    run = services.proposal_run_create(track=Track.SECONDARY, user=None)
    services.proposal_run_send(run=run, deadline=timezone.now() + dt.timedelta(days=2), user=None)
    return {
        "run": run,
        "a": a,
        "b": b,
        "mentor_a": mentor_a,
        "login_a": make_service_user(a),
        "login_b": make_service_user(b),
        "operator": make_operator(),
        "line_a": run.lines.get(student=s_a),
        "line_b": run.lines.get(student=s_b),
        "s_a": s_a,
        "s_b": s_b,
    }


def test_a_service_cannot_answer_another_services_line(client, world):
    client.force_login(world["login_a"])
    line_b = world["line_b"]
    accept = client.post(
        reverse("proposals_service:accept", args=[line_b.pk]),
        {"mentor": world["mentor_a"].pk, **{k: v.isoformat() for k, v in PERIOD.items()}},
    )
    assert accept.status_code == 404
    decline = client.post(
        reverse("proposals_service:decline", args=[line_b.pk]), {"reason": "Geraden"}
    )
    assert decline.status_code == 404
    missing = client.post(reverse("proposals_service:decline", args=[999999]), {"reason": "x"})
    assert missing.status_code == 404
    line_b.refresh_from_db()
    assert line_b.state == ProposalLine.State.PROPOSED
    page = client.get(reverse("proposals_service:index"))
    assert page.status_code == 200
    assert "Aerts" in page.content.decode() and "Bosmans" not in page.content.decode()


def test_operator_screens_refuse_a_service_login_and_service_screens_refuse_the_operator(
    client, world
):
    client.force_login(world["login_a"])
    # A service login outside its own admin section: Wagtail's frame sends it home.
    response = client.get(reverse("proposals:run", args=[world["run"].pk]))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    client.force_login(world["operator"])
    # The operator works for no service: the view refuses and Wagtail sends it home.
    refused = client.get(reverse("proposals_service:index"))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    assert client.get(reverse("proposals:run", args=[world["run"].pk])).status_code == 200


def test_the_service_sees_what_its_list_shows_and_no_personal_data(client, world):
    client.force_login(world["login_a"])
    html = client.get(reverse("proposals_service:index")).content.decode()
    student = world["s_a"]
    assert f"{student.last_name}, {student.first_name}" in html
    assert student.school.name in html and "1 km" in html
    for secret in (student.email, student.phone, student.national_register_number):
        assert secret not in html
    assert student.supervisor_email not in html


def test_accept_and_decline_through_the_screen_and_the_operator_sees_both(client, world):
    client.force_login(world["login_a"])
    response = client.post(
        reverse("proposals_service:accept", args=[world["line_a"].pk]),
        {"mentor": world["mentor_a"].pk, **{k: v.isoformat() for k, v in PERIOD.items()}},
    )
    assert response.status_code == 302
    client.force_login(world["login_b"])
    refused = client.post(reverse("proposals_service:decline", args=[world["line_b"].pk]), {})
    assert refused.status_code == 302
    world["line_b"].refresh_from_db()
    assert world["line_b"].state == ProposalLine.State.PROPOSED  # no reason, no decline
    client.post(
        reverse("proposals_service:decline", args=[world["line_b"].pk]),
        {"reason": "Geen mentor vrij in januari"},
    )
    client.force_login(world["operator"])
    html = client.get(reverse("proposals:run", args=[world["run"].pk])).content.decode()
    assert 'data-outcome="accepted"' in html and 'data-outcome="declined"' in html
    assert "Geen mentor vrij in januari" in html
    assert "Antwerpen" in html and "Limburg" in html


def test_a_line_placed_meanwhile_says_so_not_404(client, world):
    other = ServiceFactory()
    decision_set_status(
        service=other,
        student_id=world["s_a"].pk,
        status=Status.ACCEPTED,
        user=None,
        mentor=ContactPersonFactory(service=other),
        **PERIOD,
    )
    client.force_login(world["login_a"])
    response = client.post(
        reverse("proposals_service:accept", args=[world["line_a"].pk]),
        {"mentor": world["mentor_a"].pk, **{k: v.isoformat() for k, v in PERIOD.items()}},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deze leerling werd intussen door een andere dienst aanvaard." in html
    assert 'data-outcome="superseded"' in html


def test_the_operator_asks_for_a_proposal_only_when_round_3_runs(client, world, round3):
    client.force_login(world["operator"])
    index = client.get(reverse("proposals:index")).content.decode()
    # A proposal is waiting for answers: no new one can be asked for yet.
    assert 'data-testid="create-secondary"' not in index
    response = client.post(reverse("proposals:create", args=["secondary"]), follow=True)
    assert "wacht nog op antwoorden" in response.content.decode()
    assert ProposalRun.objects.count() == 1
    assert client.post(reverse("proposals:create", args=["dual"])).status_code == 404
