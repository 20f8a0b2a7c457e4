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


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-BE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Factory for extra, independent browser sessions (another user at the same time)."""
    contexts = []

    def make():
        context = browser.new_context(locale="nl-BE", viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


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
