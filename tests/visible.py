"""What a Dutch-speaking user reads on a page, and the English (or foreign product) words in
it. Used by the Dutch tests (tests/dutch.py, tests/<app>/test_dutch*.py) for pages and mails.

The English words come from two places: a short list kept here, and the English msgids of
the third-party catalogues the project renders (Django, Wagtail, django-celery-beat, axes,
...): a msgid that appears verbatim in a page means its Dutch translation is missing."""

import ast
import re
from functools import cache
from pathlib import Path

import django
import wagtail
from bs4 import BeautifulSoup
from django.conf import settings

# Words that must never reach a Dutch-speaking user (the list, plus a few more).
FORBIDDEN = [
    "Wagtail",
    "Password",
    "Login",
    "Sign in",
    "Error",
    "Page not found",
    "This password",
    "Periodic",
    "True",
    "False",
    "None",
    "Django",
    "Celery",
]

# Attributes whose text a user reads (or hears) as well.
READ_ATTRIBUTES = ("placeholder", "alt", "title", "aria-label")

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|%%")


def visible_text(html: str) -> str:
    """The text of a page as read: elements' text (no scripts, styles or templates) and the
    attributes a user reads, whitespace collapsed."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    # Hidden elements are neither seen nor read out (e.g. Wagtail's empty counters).
    for tag in soup.find_all(attrs={"hidden": True}):
        tag.decompose()
    parts = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        for attribute in READ_ATTRIBUTES:
            value = tag.get(attribute)
            if isinstance(value, str) and value.strip():
                parts.append(value)
        if tag.name == "input" and tag.get("type") in {"submit", "button", "reset"}:
            parts.append(tag.get("value") or "")
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def _read_po(path: Path):
    """(msgid, msgid_plural, [msgstr...]) of a .po file; a tiny reader (no polib)."""
    entries, current, key = [], {}, None

    def flush():
        if current.get("msgid"):
            entries.append(
                (current["msgid"], current.get("msgid_plural", ""), current.get("msgstr", []))
            )

    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if line.startswith("#") or not line:
            if line.startswith("#~"):
                continue
            if current.get("msgstr") is not None and key and key.startswith("msgstr"):
                flush()
                current, key = {}, None
            continue
        if line.startswith('"'):
            try:
                value = ast.literal_eval(line)
            except (SyntaxError, ValueError):
                continue
            if key == "msgid" or key == "msgid_plural":
                current[key] = current.get(key, "") + value
            elif key and key.startswith("msgstr"):
                current["msgstr"][-1] += value
            continue
        word, _, rest = line.partition(" ")
        try:
            value = ast.literal_eval(rest)
        except (SyntaxError, ValueError):
            continue
        if word == "msgid":
            if key and key.startswith("msgstr"):
                flush()
                current = {}
            current["msgid"] = value
            key = "msgid"
        elif word == "msgid_plural":
            current["msgid_plural"] = value
            key = "msgid_plural"
        elif word.startswith("msgstr"):
            current.setdefault("msgstr", []).append(value)
            key = "msgstr"
        elif word == "msgctxt":
            if key and key.startswith("msgstr"):
                flush()
                current = {}
            key = "msgctxt"
    flush()
    return entries


def third_party_catalogues() -> list[Path]:
    """The Dutch catalogues of Django and Wagtail, and one catalogue (any language: only
    the English msgids count) of each other installed app that ships no Dutch one."""
    roots = [Path(django.__file__).parent, Path(wagtail.__file__).parent]
    site = Path(django.__file__).parent.parent
    paths = [p for root in roots for p in root.rglob("locale/nl/LC_MESSAGES/django.po")]
    for app in ("django_celery_beat", "axes", "guardian", "taggit", "django_filters"):
        found = sorted((site / app).glob("locale/*/LC_MESSAGES/django.po"))
        dutch = [p for p in found if p.parts[-3] == "nl"]
        paths += dutch or found[:1]
    return paths


def _fragments(msgid: str) -> list[str]:
    """The literal parts of a msgid around its placeholders, each stripped."""
    return [part.strip(" .,:;()\"'") for part in PLACEHOLDER.split(msgid)]


# msgids that are also ordinary Dutch words or names (they count as Dutch when they appear).
DUTCH_TOO = {
    "Admin",
    "Account",
    "Sites",
    "Album",
    "April",
    "Auto",
    "Blog",
    "Code",
    "Content",
    "Contact",
    "Data",
    "Document",
    "Documenten",
    "E-mail",
    "Export",
    "Filter",
    "Filters",
    "Focus",
    "Formaat",
    "Home",
    "Hoofd",
    "Info",
    "Item",
    "Items",
    "Januari",
    "Link",
    "Links",
    "Locale",
    "Menu",
    "Model",
    "Museum",
    "Nederlands",
    "Normaal",
    "Oké",
    "Optie",
    "Pagina",
    "Plan",
    "Portal",
    "Post",
    "Preview",
    "Profiel",
    "Proxy",
    "Reset",
    "Rapport",
    "Server",
    "Sessie",
    "Sessies",
    "Site",
    "Snippet",
    "Snippets",
    "Status",
    "Tag",
    "Tags",
    "Team",
    "Tekst",
    "Type",
    "Types",
    "URL",
    "Video",
    "Workflow",
    "Workflows",
    "Wachtwoord",
    "English",
    "Expert",
    "Editor",
    "Manager",
    "Moderator",
    "Moderators",
    "Editors",
    "Redirect",
    "Redirects",
    "Help",
    "ID",
    "Kalender",
    "Index",
    "Instant",
    "OK",
    "Gebruiker",
    "Homepage",
    "Dashboard",
    "Standaard",
    "Label",
    "Labels",
    "Media",
    "Minimaal",
    "Taak",
    "Taken",
    "Interval",
    "Intervals",
    "Crontab",
    "Start",
    "Stop",
    "Uit",
    "In",
    "Op",
    "Of",
    "Brussel",
    "Europa",
    "Europe/Brussels",
    "Nr",
    "Bold",
    "Italic",
    "Emoji",
}


@cache
def catalogue_english() -> frozenset[str]:
    """English msgid texts (and plural forms) of the third-party catalogues that a Dutch
    page must not show verbatim: those whose Dutch translation differs from the English,
    two letters or more, not a Dutch word too."""
    ours = _our_msgids()
    found = set()
    for path in third_party_catalogues():
        for msgid, plural, msgstrs in _read_po(path):
            dutch = {s for s in msgstrs if s}
            for text in (msgid, plural):
                if not text or "\n" in text or len(text) > 200:
                    continue
                for fragment in _fragments(text):
                    if len(fragment) < 3 or not re.search(r"[A-Za-z]{2}", fragment):
                        continue
                    if fragment in dutch or fragment in DUTCH_TOO or fragment in ours:
                        continue
                    # A lower-case single word ("name", "type") is too often part of a
                    # Dutch word or sentence; lower-case phrases still count.
                    if not re.match(r"[A-Z]", fragment) and " " not in fragment:
                        continue
                    found.add(fragment)
    return frozenset(found)


@cache
def _our_msgids() -> frozenset[str]:
    """Our own msgids are Dutch text: they never count as English."""
    path = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    return frozenset(msgid for msgid, _, _ in _read_po(path))


@cache
def _pattern() -> re.Pattern:
    words = sorted({*FORBIDDEN, *catalogue_english()}, key=len, reverse=True)
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def english_in(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """The English words and phrases in a text (deduplicated, in order of appearance)."""
    hits = []
    for match in _pattern().finditer(text):
        word = match.group(0)
        if word not in hits and word not in allowed:
            hits.append(word)
    return hits
