"""English is the second language: every Dutch msgid has an English translation in
locale/en, the compiled catalogue is committed and current, and pages follow the
browser's language."""

import ast
import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from matching.models import Decision, Status, Track
from matching.services import ALREADY_PLACED
from matching.validators import validate_nrn
from tests import factories

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
# Same ignores as the Makefile's `messages` target.
MAKEMESSAGES_IGNORES = [".venv", "bench", "var", "staticfiles", "test-artifacts"]
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # makemessages' default extensions
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


# -- a small .po reader (stdlib only) ------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: msgid, msgid_plural, msgstr (list), flags, line.
    Obsolete entries (#~) are skipped; the header (msgid "") is included."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry:
                finish()
                entry = None
            entry = entry or {"flags": set(), "msgstr": {}, "line": number}
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
            continue
        word, _, rest = line.partition(" ")
        if word == "msgid" and entry is not None and "msgid" in entry:
            finish()
            entry = None
        entry = entry or {"flags": set(), "msgstr": {}, "line": number}
        value = ast.literal_eval(rest)
        if word.startswith("msgstr["):
            key = ("msgstr", int(word[7:-1]))
            entry["msgstr"][key[1]] = value
        elif word == "msgstr":
            key = ("msgstr", 0)
            entry["msgstr"][0] = value
        elif word in ("msgid", "msgid_plural", "msgctxt"):
            key = word
            entry[word] = value
        else:  # pragma: no cover - a malformed file should fail loudly
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    finish()
    return entries


def messages(path: Path) -> list[dict]:
    return [entry for entry in read_po(path) if entry["msgid"]]


def describe(entry: dict) -> str:
    return f"line {entry['line']}: {entry['msgid'][:70]!r}"


# -- the catalogue -------------------------------------------------------------------------


def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entry():
    entries = messages(EN_PO)
    assert len(entries) > 500  # the whole UI, not an empty file that passes trivially
    untranslated = [
        describe(e)
        for e in entries
        if not e["msgstr"] or any(not text.strip() for text in e["msgstr"].values())
    ]
    fuzzy = [describe(e) for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, "untranslated in locale/en (run `make messages`):\n" + "\n".join(
        untranslated
    )
    assert not fuzzy, "fuzzy in locale/en:\n" + "\n".join(fuzzy)
    header = read_po(EN_PO)[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]


def test_plural_entries_have_both_english_forms():
    plurals = [e for e in messages(EN_PO) if "msgid_plural" in e]
    assert plurals
    for entry in plurals:
        assert sorted(entry["msgstr"]) == [0, 1], describe(entry)


def test_translations_keep_the_placeholders_of_the_dutch_text():
    wrong = []
    for entry in messages(EN_PO):
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, text in entry["msgstr"].items():
            source = sources[min(index, 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append(f"{describe(entry)} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_the_committed_mo_file_matches_the_po_file():
    """The demo and test targets do not compile messages: a stale .mo would silently
    show Dutch (or an old translation) to English users."""
    with EN_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages(EN_PO):
        if "msgid_plural" in entry:
            got = [compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            expected = [entry["msgstr"][0], entry["msgstr"][1]]
        else:
            got, expected = compiled.gettext(entry["msgid"]), entry["msgstr"][0]
        if got != expected:
            stale.append(describe(entry))
    assert not stale, "run `manage.py compilemessages`; stale in django.mo:\n" + "\n".join(stale)


def test_every_marked_string_in_the_code_is_in_the_english_catalogue(tmp_path, monkeypatch):
    """Runs makemessages on a copy of the sources, so a new gettext/{% translate %} string
    that nobody added to locale/en fails here and not only in front of a user. Skipped
    without GNU gettext, except in CI (.ci/run installs it and sets REQUIRE_GETTEXT)."""
    if not shutil.which("xgettext"):
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail("GNU gettext (xgettext) is required (REQUIRE_GETTEXT) but not installed")
        pytest.skip("GNU gettext is not installed")
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    skipped_dirs = {*MAKEMESSAGES_IGNORES, "locale", "node_modules", "__pycache__"}

    def ignore(directory, names):
        return [
            name
            for name in names
            if name.startswith(".")
            or name in skipped_dirs
            or (not (Path(directory) / name).is_dir() and Path(name).suffix not in SOURCE_SUFFIXES)
        ]

    shutil.copytree(root, copy, ignore=ignore)
    (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy2(EN_PO, copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command(
            "makemessages", locale=["en"], ignore_patterns=MAKEMESSAGES_IGNORES, verbosity=0
        )
    regenerated = messages(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    missing = [describe(e) for e in regenerated if not all(e["msgstr"].values())]
    assert regenerated
    assert not missing, "new strings without English (run `make messages`):\n" + "\n".join(missing)


def test_no_dutch_msgid_is_replaced_by_a_third_party_dutch_catalogue():
    """Our msgids are the Dutch text; a msgid that is also an English word (e.g. "Login")
    may be translated by Wagtail's own nl catalogue. locale/nl_BE pins those."""
    replaced = []
    with translation.override("nl-be"):
        for entry in messages(EN_PO):
            if "msgid_plural" in entry:
                continue
            if translation.gettext(entry["msgid"]) != entry["msgid"]:
                replaced.append(f"{describe(entry)} -> {translation.gettext(entry['msgid'])!r}")
    assert not replaced, "add these to locale/nl_BE/LC_MESSAGES/django.po:\n" + "\n".join(replaced)


# -- key strings in both languages ---------------------------------------------------------


def first_accept_wins_message():
    constraint = next(
        c for c in Decision._meta.constraints if c.name == "decision_one_acceptance_per_student"
    )
    return constraint.violation_error_message


def nrn_error(value):
    with pytest.raises(ValidationError) as caught:
        validate_nrn(value)
    return caught.value.messages[0]


def wrong_check_digits(nrn):
    """A valid NRN with its check digits changed: only the checksum is wrong."""
    return nrn[:9] + f"{(int(nrn[9:]) + 1) % 100:02d}"


@pytest.mark.parametrize(
    ("text", "english", "dutch"),
    [
        (
            lambda: str(ALREADY_PLACED),
            "This student has meanwhile been accepted by another service.",
            "Deze leerling werd intussen door een andere dienst aanvaard.",
        ),
        (
            lambda: str(first_accept_wins_message()),
            "This student has meanwhile been accepted by another service.",
            "Deze leerling werd intussen door een andere dienst aanvaard.",
        ),
        (lambda: str(Track.DUAL.label), "Dual learning", "Duaal leren"),
        (lambda: str(Track.SECONDARY.label), "Secondary education", "Secundair onderwijs"),
        (lambda: str(Status.NO_SHOW.label), "No-show/stopped", "Niet opgedaagd/gestopt"),
        (lambda: str(Status.ACCEPTED.label), "Accepted", "Aanvaard"),
        (
            lambda: nrn_error("12345"),
            "A national register number has 11 digits.",
            "Een rijksregisternummer telt 11 cijfers.",
        ),
        (
            lambda: nrn_error(wrong_check_digits(factories.make_nrn(1))),
            "This national register number is invalid: the check digits do not match.",
            "Dit rijksregisternummer is ongeldig: de controlecijfers kloppen niet.",
        ),
        (
            lambda: (
                translation.ngettext("%(counter)s leerling", "%(counter)s leerlingen", 3)
                % {"counter": 3}
            ),
            "3 students",
            "3 leerlingen",
        ),
    ],
)
def test_key_strings_are_english_under_en_and_dutch_under_nl_be(text, english, dutch):
    with translation.override("en"):
        assert text() == english
    with translation.override("nl-be"):
        assert text() == dutch


# -- pages follow the browser's language ---------------------------------------------------


@pytest.fixture
def operator(db):
    return factories.UserFactory(is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    ("accept_language", "shown", "not_shown"),
    [
        ("en", "There is no current school year.", "Er is geen lopend schooljaar."),
        ("nl-BE,nl;q=0.9", "Er is geen lopend schooljaar.", "There is no current school year."),
    ],
)
def test_the_admin_dashboard_follows_the_browser_language(
    client, operator, accept_language, shown, not_shown
):
    client.force_login(operator)
    response = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE=accept_language)
    html = response.content.decode()
    assert response.status_code == 200
    assert shown in html
    assert not_shown not in html


def test_the_admin_login_page_is_english_for_an_english_browser(client, db):
    """The login page shows only Wagtail's own text (none of ours): check that it switches."""
    english = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    dutch = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="nl-BE").content.decode()
    assert 'lang="en"' in english
    assert 'lang="nl-be"' in dutch
