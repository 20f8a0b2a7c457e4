"""The Wagtail dashboard (/admin/) per role: a service login is greeted with its service's
name and what the round in force lets it see per track (accounts.wagtail_hooks
`_round_line`); a school or a regional coordinator gets its own greeting and nothing of
the service panel."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from matching.models import Scope, Track
from tests.factories import RoundFactory, SchoolFactory, ServiceFactory, province
from tests.logins import (
    make_coordinator,
    make_operator,
    make_school_user,
    make_service_user,
)

DASHBOARD = "/admin/"
NO_ROUND = "er loopt nog geen ronde"


def _dashboard(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    """The page's visible text, on one line per run of whitespace."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _summary(html: str) -> str:
    """The text of the round summary block (empty when the dashboard has none)."""
    found = re.search(r"<div[^>]*data-round-summary[^>]*>(.*?)</div>", html, re.S)
    return _text(found.group(1)).strip() if found else ""


def _end(round_) -> str:
    with translation.override("nl-be"):
        return date_format(timezone.localtime(round_.ends_at), "j F Y H:i")


@pytest.fixture
def service(db):
    return ServiceFactory(name="Thuiszorg Waasland")


@pytest.fixture
def open_round(db):
    """A round in force for secondary students, as in tests/matching/service/conftest.py."""
    return RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)


def test_service_user_is_greeted_with_its_service_name(service):
    html = _dashboard(make_service_user(service))
    assert "Welkom, Thuiszorg Waasland" in _text(html)


def test_round_in_force_says_what_the_service_sees_until_when(service, open_round):
    summary = _summary(_dashboard(make_service_user(service)))
    assert (
        f"Secundair onderwijs: {open_round} — u ziet: Alle leerlingen zonder stageplaats "
        f"(tot {_end(open_round)})." in summary
    ), summary
    # The other tracks have no round yet, and say so on their own line.
    assert f"Volwassenenonderwijs (CVO): {NO_ROUND}." in summary, summary
    assert f"Duaal leren: {NO_ROUND}." in summary, summary


def test_each_track_shows_its_own_round_and_scope(service, open_round):
    adult = RoundFactory(
        school_year=open_round.school_year,
        track=Track.ADULT,
        scope=Scope.PREFERRED_IN_PROVINCE,
        name="Eerste ronde CVO",
    )
    summary = _summary(_dashboard(make_service_user(service)))
    assert (
        "Volwassenenonderwijs (CVO): Eerste ronde CVO — u ziet: Voorkeursdienst in de eigen "
        f"provincie (tot {_end(adult)})." in summary
    ), summary
    assert "Secundair onderwijs: " in summary and "Alle leerlingen zonder stageplaats" in summary
    assert f"Duaal leren: {NO_ROUND}." in summary, summary


def test_a_round_that_ended_stays_in_force_and_says_so(service):
    ended = RoundFactory(
        track=Track.DUAL,
        scope=Scope.PREFERRED,
        starts_at=timezone.now() - dt.timedelta(days=20),
        ends_at=timezone.now() - dt.timedelta(days=6),
    )
    summary = _summary(_dashboard(make_service_user(service)))
    assert (
        f"Duaal leren: {ended} liep af op {_end(ended)} — u ziet nog steeds: Voorkeursdienst."
        in summary
    ), summary


def test_without_any_round_every_track_says_no_round_runs(service):
    summary = _summary(_dashboard(make_service_user(service)))
    for label in ("Secundair onderwijs", "Volwassenenonderwijs (CVO)", "Duaal leren"):
        assert f"{label}: {NO_ROUND}." in summary, summary
    assert "u ziet" not in summary


def test_a_round_not_yet_started_is_no_round(service):
    RoundFactory(
        track=Track.SECONDARY,
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=17),
    )
    summary = _summary(_dashboard(make_service_user(service)))
    assert f"Secundair onderwijs: {NO_ROUND}." in summary, summary


def _no_service_panel(html: str, *service_names: str):
    text = _text(html)
    assert "data-round-summary" not in html
    assert NO_ROUND not in text
    assert "u ziet" not in text
    for name in service_names:
        assert name not in text


def test_school_user_sees_its_school_and_nothing_of_the_service_panel(service, open_round):
    school = SchoolFactory(name="Sint-Jozefinstituut Kontich")
    html = _dashboard(make_school_user(school))
    assert "Welkom, Sint-Jozefinstituut Kontich" in _text(html)
    _no_service_panel(html, service.name)


def test_coordinator_sees_its_provinces_and_nothing_of_the_service_panel(service, open_round):
    antwerp, limburg = province("ANT"), province("LIM")
    html = _dashboard(make_coordinator(antwerp, limburg))
    text = _text(html)
    found = re.search(r"U volgt deze provincies op:([^<]*)</p>", html)
    assert found, text
    followed = {name.strip() for name in unescape(found.group(1)).split(",")}
    assert followed == {str(antwerp), str(limburg)}
    assert "Welkom," not in text  # no service or school name to greet
    _no_service_panel(html, service.name)


def test_operator_dashboard_has_no_welcome_panel_of_a_role(service, open_round):
    html = _dashboard(make_operator())
    assert "accounts-welcome-title" not in html
    _no_service_panel(html)
