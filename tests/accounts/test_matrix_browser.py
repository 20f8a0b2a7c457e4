"""The role x URL matrix with a password only, in the browser: a login of each role that
needs a second factor signs in with its right password on the real sign-in page, and then
every admin URL of the matrix (GET) and every argument-free admin URL of the project and of
Wagtail, requested with that browser session's cookies, sends it to the code page; opening
the admin shows the code page. Each answer is SecondFactorMiddleware's exact redirect: a 302
to the code page with the requested path in `next`. The same matrix through the test
client, with its POSTs and without an app, is
tests/accounts/test_matrix.py::test_a_password_alone_reaches_no_admin_url."""

from urllib.parse import urlencode

import pytest

from tests.accounts.test_matrix import (
    SECOND_FACTOR_ROLES,
    _argless_admin_urls,
)
from tests.accounts.test_matrix import world as world  # noqa: F401  (a fixture)
from tests.conftest import second_factor_device
from tests.logins import PASSWORD

VERIFY = "/accounts/tweestapsverificatie/code/"
SKIP = ("/admin/login/", "/admin/logout/", "/admin/jsi18n/", "/admin/sprite")


@pytest.fixture
def wagtail_defaults(transactional_db):
    """The rows migrations make (mail texts, default locale, root collection, root and
    home page, default site), which the matrix's world needs and which an earlier
    transactional test's flush removed (serialized_rollback did not bring them back in the
    full suite)."""
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page, Site

    from notifications.defaults import DEFAULTS
    from notifications.models import MailTemplate

    for key, (name, placeholders, subject, body) in DEFAULTS.items():
        MailTemplate.objects.get_or_create(
            key=key,
            defaults={"name": name, "placeholders": placeholders, "subject": subject, "body": body},
        )
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    if not Site.objects.filter(is_default_site=True).exists():
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=Page(title="Welkom", slug="home"))
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", SECOND_FACTOR_ROLES)
def test_a_password_alone_opens_no_admin_url_in_the_browser(
    live_server, page, wagtail_defaults, world, role
):
    user = world["users"][role]
    second_factor_device(user)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{VERIFY}**")

    urls = {case.url for case in world["urls"] if case.data is None}
    urls |= set(_argless_admin_urls())
    wrong = []
    for url in sorted(urls):
        if url.startswith(SKIP):
            continue
        response = page.request.get(f"{live_server.url}{url}", max_redirects=0)
        location = response.headers.get("location", "")
        if (response.status, location) != (302, f"{VERIFY}?{urlencode({'next': url})}"):
            wrong.append(f"{url}: {response.status} {location}")
    assert not wrong, "\n".join(wrong)

    page.goto(f"{live_server.url}/admin/")
    assert VERIFY in page.url
    assert page.locator("input[name=code]").is_visible()
