"""The Dutch (nl-BE) experience across the product: every page each role's menus reach
speaks Dutch and names only our product. The English words come from tests/visible.py: a
short list plus the English msgids of Django's, Wagtail's and django-celery-beat's
catalogues (a msgid that shows verbatim means its Dutch translation is missing). The pages
of one app (sign-in, errors, operator screens, mails) are in that app's test_dutch*.py."""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.dutch import ROLES, sign_in
from tests.dutch import demo as demo  # noqa: F401  (a fixture)
from tests.visible import english_in, visible_text

pytestmark = pytest.mark.django_db

# The superuser also reaches Wagtail's own core screens. Two of them show English that is
# data, not a missing translation: the permission names Django stored when the tables were
# created, in English or in Wagtail's Dutch ("Toegang tot Wagtail admin"), depending on the
# language active at that moment (group screens), and the title of Wagtail's initial
# placeholder page in the site history. Nothing else is allowed there.
SUPERUSER = "admin@demo.stagematching.be"
STORED_ENGLISH = {
    "/admin/groups/": (
        "Wagtail",
        "Page",
        "periodic task",
        "search promotion",
        "Delete pages with children",
        "Lock/unlock pages you've locked",
        "Publish any page",
        "Unlock any page",
    ),
    "/admin/reports/site-history/": ("Welcome", "Wagtail"),
}
# Links a crawl must not follow: they change data, download files or leave the admin's
# pages (a GET is harmless, but these are not pages a menu reaches).
NOT_A_PAGE = re.compile(
    r"logout|delete|unpublish|revert|/copy/|/move/|lock|disable|enable|export|\.csv|\.xlsx|"
    r"download|purge|anonimi|retry|revoke|resend|unblock|reset|preview|/usage/|/serve|"
    r"/documents/\d+/|/multiple/|/history/|/edit/\d+/\d+|/workflow"
)


def menu_urls(html: str) -> list[str]:
    """Every admin URL in the sidebar (Wagtail renders the menu as JSON props)."""
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "no sidebar on the dashboard"
    urls = re.findall(r'"url": "(/admin/[^"]*)"', match.group(1))
    return [url for url in dict.fromkeys(urls) if not NOT_A_PAGE.search(url)]


def pages_reached(client: Client, start_html: str):
    """The dashboard, each menu page, and one page of each kind linked from a menu page's
    content (edit, inspect, add, detail): (url, status, html)."""
    menu = ["/admin/", *menu_urls(start_html)]
    queue = [(url, url) for url in menu]
    seen = set()
    while queue:
        url, root = queue.pop(0)
        kind = re.sub(r"\d+", "N", url)
        if kind in seen:
            continue
        seen.add(kind)
        response = client.get(url, follow=True)
        html = response.content.decode()
        yield url, response.status_code, html
        if url in menu and root != "/admin/" and response.status_code == 200:
            main = BeautifulSoup(html, "html.parser").find("main")
            for link in main.find_all("a", href=True) if main else []:
                href = link["href"]
                inside = href.startswith(root) and href != root and "?" not in href
                if inside and not NOT_A_PAGE.search(href):
                    queue.append((href, root))


def test_every_page_each_role_reaches_is_dutch(demo):
    problems, visited = [], {}
    for role, email in {**ROLES, "superuser": SUPERUSER}.items():
        client, dashboard = sign_in(email)
        count = 0
        for url, status, html in pages_reached(client, dashboard):
            count += 1
            if status != 200:
                problems.append(f"{role} {url}: HTTP {status}")
                continue
            stored = next((v for k, v in STORED_ENGLISH.items() if url.startswith(k)), ())
            allowed = stored if role == "superuser" else ()
            text = visible_text(html)
            found = english_in(text, allowed)
            if found:
                at = text.find(found[0])
                problems.append(f"{role} {url}: {found} in …{text[max(at - 60, 0) : at + 60]}…")
            title = BeautifulSoup(html, "html.parser").title
            if title and "Stagematching gezinszorg" not in title.get_text():
                problems.append(f"{role} {url}: title {title.get_text()!r}")
        visited[role] = count
    assert not problems, "\n".join(problems)
    # The crawl really reached the screens (not only the dashboard).
    assert visited["operator"] >= 25 and visited["service"] >= 5, visited
    assert visited["superuser"] > visited["operator"], visited
    assert all(count >= 3 for count in visited.values()), visited
