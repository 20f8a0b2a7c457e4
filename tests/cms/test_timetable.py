"""The timetable page renders the rounds the tool enforces, straight from the database."""

import re

import pytest
import time_machine
from django.utils import timezone

from matching.models import Track

from .conftest import brussels

pytestmark = pytest.mark.django_db


def render(client, page) -> str:
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def round_blocks(html: str) -> list[str]:
    """The HTML of each timetable entry (one per round line)."""
    return re.findall(r'<div class="round[^"]*">.*?</div>', html, flags=re.S)


def active_blocks(html: str) -> list[str]:
    return [block for block in round_blocks(html) if 'class="round round--active"' in block]


def test_rounds_are_shown_in_dutch_date_format(client, site_pages, default_timetable):
    with time_machine.travel(brussels(2025, 9, 10), tick=False):
        html = render(client, site_pages["timetable"])
    assert "30 juni 2025, 12:00" in html
    assert "15 augustus 2025, 12:00" in html
    assert "16 juni 2025, 12:00" in html and "1 december 2025, 12:00" in html
    assert '<time datetime="2025-06-30T12:00:00+02:00">' in html


def test_rounds_are_grouped_by_number_with_their_tracks(client, site_pages, default_timetable):
    with time_machine.travel(brussels(2025, 9, 10), tick=False):
        html = render(client, site_pages["timetable"])
    groups = re.findall(r'<h3 class="timeline__number">(.*?)</h3>', html)
    assert groups == ["Ronde 1", "Ronde 2", "Ronde 3"]
    blocks = round_blocks(html)
    # Round 1: the dual round (earlier start) and one line for secondary + adult together.
    assert len(blocks) == 4
    assert "Duaal leren" in blocks[0] and "Secundair onderwijs" not in blocks[0]
    assert "Secundair onderwijs" in blocks[1] and "Volwassenenonderwijs (CVO)" in blocks[1]
    assert "Voorkeursdienst in de eigen provincie" in blocks[1]


def test_round_in_force_is_highlighted_per_track(client, site_pages, default_timetable):
    with time_machine.travel(brussels(2025, 9, 10), tick=False):
        html = render(client, site_pages["timetable"])
    active = active_blocks(html)
    assert len(active) == 2
    assert any("5 september 2025, 12:00" in block for block in active)  # round 2, sec + adult
    assert any("Duaal leren" in block for block in active)  # dual round 1, still open
    assert html.count('class="badge badge--active"') == 2


def test_next_round_takes_over_at_its_start(client, site_pages, default_timetable):
    with time_machine.travel(brussels(2025, 9, 19, 11, 59), tick=False):
        before = active_blocks(render(client, site_pages["timetable"]))
    with time_machine.travel(brussels(2025, 9, 19, 12, 0), tick=False):
        after = active_blocks(render(client, site_pages["timetable"]))
    assert any("5 september 2025" in block for block in before)
    assert any("30 september 2025" in block for block in after)
    assert not any("5 september 2025" in block for block in after)


def test_last_round_stays_in_force_after_its_end(client, site_pages, default_timetable):
    with time_machine.travel(brussels(2026, 2, 1), tick=False):
        html = render(client, site_pages["timetable"])
    active = active_blocks(html)
    assert any("30 september 2025, 12:00" in block for block in active)
    assert "blijft gelden tot het schooljaar wordt afgesloten" in html


def test_nothing_is_in_force_before_the_first_round(client, site_pages, default_timetable):
    with time_machine.travel(brussels(2025, 6, 10), tick=False):
        html = render(client, site_pages["timetable"])
    assert active_blocks(html) == []
    assert "nog geen ronde gestart" in html


def test_closed_school_year_shows_no_timetable(client, site_pages, default_timetable):
    year = default_timetable["year"]
    with time_machine.travel(brussels(2026, 2, 1), tick=False):
        year.closed_at = timezone.now()
        year.save()
        html = render(client, site_pages["timetable"])
    assert active_blocks(html) == []
    assert "Er loopt op dit moment geen schooljaar" in html


def test_entry_blackout_is_explained(client, site_pages, default_timetable):
    with time_machine.travel(brussels(2025, 7, 1), tick=False):
        html = render(client, site_pages["timetable"])
    assert "Inschrijfstop voor scholen" in html
    assert "nu van kracht" in html
    assert "Van 30 juni 2025, 12:00 tot 15 augustus 2025, 12:00" in html
    assert "pas zichtbaar voor de diensten vanaf 19 september 2025, 12:00" in html


def test_milestones_are_listed(client, site_pages, default_timetable):
    with time_machine.travel(brussels(2025, 9, 10), tick=False):
        html = render(client, site_pages["timetable"])
    assert "Streefdatum plaatsing" in html
    assert "7 oktober 2025, 12:00" in html


def test_timetable_page_changes_when_a_round_date_changes(client, site_pages, default_timetable):
    round_2 = default_timetable["rounds"][Track.SECONDARY, 2]
    with time_machine.travel(brussels(2025, 8, 20), tick=False):
        before = render(client, site_pages["timetable"])
        round_2.starts_at = brussels(2025, 9, 8, 9, 30)
        round_2.save()
        after = render(client, site_pages["timetable"])
    assert "8 september 2025, 09:30" not in before
    assert "8 september 2025, 09:30" in after
    # Adult round 2 kept its date, so round 2 now shows two lines.
    assert "5 september 2025, 12:00" in after
    assert len(round_blocks(after)) == len(round_blocks(before)) + 1


def test_home_page_summarises_the_round_in_force(client, site_pages, default_timetable):
    with time_machine.travel(brussels(2025, 9, 10), tick=False):
        html = render(client, site_pages["home"])
    box = html.split('class="now-box"')[1].split("</aside>")[0]
    assert "Ronde 2: voorkeursdienst" in box
    assert "Ronde 1: alle leerlingen zonder stageplaats" in box
