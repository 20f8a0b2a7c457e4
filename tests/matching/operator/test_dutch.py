"""The operator's screens in Dutch: labels instead of codes, absolute dates, Dutch schedule
names; milestone tracks chosen by label and stored as codes."""

import re

import pytest
from bs4 import BeautifulSoup

from accounts.models import Role
from tests.dutch import ROLES, sign_in
from tests.dutch import demo as demo  # noqa: F401  (a fixture)
from tests.visible import visible_text

pytestmark = pytest.mark.django_db

RELATIVE_DATES = re.compile(r"\bgeleden\b|\bZojuist\b|\bzojuist\b|\bover \d+ (dagen|maanden)\b")


def test_operator_screens_show_labels_and_absolute_dates(demo):
    client, _ = sign_in(ROLES["operator"])
    years = visible_text(client.get("/admin/school_years/").content.decode())
    assert not RELATIVE_DATES.search(years), years
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", years)
    rounds = visible_text(client.get("/admin/rounds/").content.decode())
    assert re.search(r"\b\d{2}/\d{2}/\d{4} 12:00\b", rounds)
    milestones = visible_text(client.get("/admin/milestones/").content.decode())
    assert "secondary" not in milestones and "Secundair onderwijs" in milestones
    services = visible_text(client.get("/admin/services/").content.decode())
    assert " ja " in f" {services} " and "True" not in services
    logins = visible_text(client.get("/admin/logins/?q=beheerder").content.decode())
    assert str(Role.OPERATOR.label) in logins and " operator " not in f" {logins} "
    schedules = visible_text(client.get("/admin/schedules/").content.decode())
    assert "Geplande taken" in schedules
    assert "Wachtrij e-mail opnieuw proberen: elke minuut" in schedules
    assert "elke dag om 09:00" in schedules and "notifications.tasks" not in schedules


def test_milestone_tracks_are_chosen_by_label_and_stored_as_codes(demo):
    from matching.models import Milestone
    from matching.operator.labels import TracksField

    field = TracksField(label="types")
    assert field.clean(["adult", "secondary"]) == "secondary,adult"
    assert field.prepare_value("secondary,adult") == ["secondary", "adult"]
    with pytest.raises(Exception):  # noqa: B017 - Django's ValidationError for a bad code
        field.clean(["university"])

    client, _ = sign_in(ROLES["operator"])
    milestone = Milestone.objects.first()
    html = client.get(f"/admin/milestones/edit/{milestone.pk}/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    checked = {box["value"] for box in soup.select("input[name=tracks][checked]")}
    assert checked == set(milestone.tracks.split(","))
    text = visible_text(html)
    assert "Secundair onderwijs" in text and "secondary" not in text
