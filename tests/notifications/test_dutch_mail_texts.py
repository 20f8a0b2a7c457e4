"""Every mail text (notifications.defaults) renders Dutch for each track, with the values the
code passes, names the product and holds no host, no "vandaag" and no template syntax."""

import pytest

from accounts.models import Role
from notifications.defaults import DEFAULTS
from tests.dutch import HOST_PORT
from tests.visible import english_in

pytestmark = pytest.mark.django_db


def _round_lines(tracks):
    from matching.wording import track_label

    return [
        {
            "type": track_label(track),
            "ronde": "ronde 2",
            "zichtbaarheid": "Voorkeursdienst",
            "start": "dinsdag 25/11/2026 om 12:00",
            "einde": "woensdag 10/12/2026 om 12:00",
            "duaal": track == "dual",
        }
        for track in tracks
    ]


TRACK_SETS = [["secondary"], ["adult"], ["dual"], ["secondary", "adult"]]


def mail_contexts(tracks: list[str]) -> dict:
    """Demo values for every placeholder of every mail text, as the code passes them."""
    from matching.mailings import _placement_words
    from matching.wording import join_words, placement_words, track_label

    lines = _round_lines(tracks)
    dual = "dual" in tracks
    words = placement_words(tracks[0])
    return {
        "naam": "Sara Van Damme",
        "ronde": "ronde 2",
        "nummer": 2,
        "type": join_words([line["type"] for line in lines]),
        "types": [line["type"] for line in lines],
        "rondes": lines,
        "zichtbaarheid": "Voorkeursdienst",
        "start": "dinsdag 25/11/2026 om 12:00",
        "einde": "woensdag 10/12/2026 om 12:00",
        "moment": "dinsdag 25/11/2026 om 12:00",
        "schooljaar": "2026-2027",
        "duaal": dual,
        "enkel_duaal": all(t == "dual" for t in tracks),
        **_placement_words(lines),
        "dienst": "Familiehulp Lier",
        "aantal": 3,
        "per_type": [f"{track_label(t)}: 3" for t in tracks],
        "datum": "dinsdag 01/12/2026",
        "activation_url": "https://stagematching.org/accounts/activeer/abc/",
        "reset_url": "https://stagematching.org/admin/password_reset/confirm/x/y/",
        "role": str(Role.SERVICE.label),
        "organisation": "Familiehulp Lier",
        "expires_at": "08/12/2026 12:00",
        "school": "Sint-Jozefinstituut",
        "leerling": "Yasmine Verstraete",
        "mentor": "An Peeters",
        "stage_start": "maandag 05/01/2027" if not dual else "",
        "stage_einde": "vrijdag 30/01/2027" if not dual else "",
        "type_leerling": track_label(tracks[0]),
        "plaats_leerling": words["plaats"],
        "een_plaats": words["een_plaats"],
        "mentor_label": words["mentor"],
        "antwoorden_tot": "vrijdag 04/12/2026 om 12:00",
        "voorstellen_url": "https://stagematching.org/admin/service/voorstellen/",
    }


@pytest.mark.parametrize("tracks", TRACK_SETS, ids=lambda t: "+".join(t))
@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_mail_text_is_dutch_for_each_track(db, key, tracks):
    from notifications.services import mail_render

    context = mail_contexts(tracks)
    if key == "student_accepted_school":
        context["plaats"] = context["plaats_leerling"]
    subject, body = mail_render(template_key=key, context=context)
    text = f"{subject}\n{body}"
    assert english_in(text) == [], text
    assert "Stagematching gezinszorg" in subject or key == "accounts_invitation", subject
    assert "Stagematching gezinszorg" in text
    assert not HOST_PORT.search(subject)
    assert "Vandaag" not in text and "vandaag" not in text
    assert "{{" not in text and "{%" not in text
    if key.startswith("round_"):
        assert "dinsdag 25/11/2026 om 12:00" in body
        for line in context["rondes"]:
            assert line["type"] in body
    if "dual" in tracks and key in ("round_started", "reminder_undecided"):
        assert "sollicitatiegesprek" in body
    if key == "student_accepted_school":
        if tracks[0] == "dual":
            assert "werkplek" in text and "stage" not in body.split("Met vriendelijke")[0]
        else:
            assert "stage" in body
