"""How mails state moments and tracks: real dates with the weekday ("dinsdag 25/11/2026 om
12:00"), never "vandaag", and the dual track's own words. Mails are Dutch whatever the
language of the request that caused them."""

import datetime as dt

from django.utils import dateformat, timezone, translation

from matching.models import Track

MAIL_LANGUAGE = "nl-be"


def mail_moment(value: dt.datetime) -> str:
    """'dinsdag 25/11/2026 om 12:00' in Brussels time."""
    local = timezone.localtime(value)
    with translation.override(MAIL_LANGUAGE):
        return f"{dateformat.format(local, 'l d/m/Y')} om {local:%H:%M}"


def mail_day(value: dt.date) -> str:
    """'dinsdag 25/11/2026'."""
    with translation.override(MAIL_LANGUAGE):
        return dateformat.format(value, "l d/m/Y")


def track_label(track: str) -> str:
    with translation.override(MAIL_LANGUAGE):
        return str(Track(track).label)


def join_words(words: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]


def placement_words(track: str) -> dict:
    """What a placement is called in this track: a dual student gets a workplace
    (werkplek) after an interview (sollicitatiegesprek), the others an internship (stage)."""
    if track == Track.DUAL:
        return {
            "plaats": "werkplek",
            "een_plaats": "een werkplek",
            "mentor": "Mentor op de werkplek",
        }
    return {"plaats": "stageplaats", "een_plaats": "een stage", "mentor": "Stagementor"}
