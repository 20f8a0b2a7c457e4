"""Shared fixtures. Tests that need PostgreSQL, Redis, chromium or LibreOffice skip without
them locally and fail in CI (REQUIRE_POSTGRES / REQUIRE_REDIS / REQUIRE_BROWSER /
REQUIRE_SOFFICE), so nothing passes silently there."""

import os
import shutil

import pytest
from django.db import connection

from tests import factories
from tests.soffice import libreoffice  # noqa: F401  (fixture)


def _require(flag: str, why: str):
    if os.environ.get(flag):
        pytest.fail(f"{why} is required in this run ({flag}=1) but not available.")
    pytest.skip(f"{why} not available")


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database, migrated reference rows included: put them
    back so factories and screens find provinces and transport modes."""
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from matching.reference import ensure_reference_data

        ensure_reference_data()


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        _require("REQUIRE_POSTGRES", "PostgreSQL")


def redis_url() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


@pytest.fixture
def real_redis():
    url = redis_url()
    if not url:
        _require("REQUIRE_REDIS", "Redis")
    return url


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        _require("REQUIRE_BROWSER", "Chromium")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


# Every page a browser test opens reports Content-Security-Policy violations here (the
# event, and the console line Chromium writes for it); the test fails if there is any.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__smCspViolation && window.__smCspViolation({
    directive: event.violatedDirective, blocked: event.blockedURI, source: event.sourceFile,
    line: event.lineNumber, sample: event.sample, page: location.href,
  });
}, true);
"""


def _csp_watched_context(browser, violations: list):
    context = browser.new_context(locale="nl-BE", viewport={"width": 1366, "height": 900})
    context.expose_binding("__smCspViolation", lambda _source, found: violations.append(found))
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append({"console": message.text, "page": message.page and message.page.url})

    context.on("console", on_console)
    return context


def assert_no_csp_violation(violations):
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def csp_violations():
    """What the pages of this test reported; checked after the test (see `page`)."""
    return []


@pytest.fixture
def page(browser, csp_violations):
    context = _csp_watched_context(browser, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert_no_csp_violation(csp_violations)


@pytest.fixture
def new_page(browser, csp_violations):
    """Factory for extra, independent browser sessions (another user at the same time)."""
    contexts = []

    def make():
        context = _csp_watched_context(browser, csp_violations)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()
    assert_no_csp_violation(csp_violations)


def browser_login(page, live_server, email, password="correct horse battery"):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/**")


SCREENSHOTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")


def screenshot(page, name: str):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def school_year(db):
    return factories.SchoolYearFactory()
