"""Shared fixtures. Tests that need PostgreSQL, Redis, chromium or LibreOffice skip without
them locally and fail in CI (REQUIRE_POSTGRES / REQUIRE_REDIS / REQUIRE_BROWSER /
REQUIRE_SOFFICE), so nothing passes silently there."""

import base64
import os
import shutil
import time

import pyotp
import pytest
from django.db import connection
from django.test import Client

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


# The second factor --------------------------------------------------------------------
# Every login of a role that needs one passes it the real way: a confirmed TOTP device is
# enrolled, and either a code computed with pyotp is typed (browser, sign-in helpers) or
# django-otp's own `login` marks the test client's session verified (force_login).


def second_factor_device(user):
    """The login's confirmed authenticator app, enrolled now (random secret) if missing."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None:
        key = base64.b32decode(pyotp.random_base32(32)).hex()
        device = TOTPDevice.objects.create(user=user, name="Test-app", key=key, confirmed=True)
    return device


def totp_code(device=None, *, secret_b32=None) -> str:
    """A code the device accepts now: computed by pyotp from its secret, for a time step
    the device has not used yet (django-otp refuses a code twice) within its tolerance."""
    if device is not None:
        device.refresh_from_db()
        secret_b32 = base64.b32encode(device.bin_key).decode()
        last_t, tolerance = device.last_t, device.tolerance
    else:
        last_t, tolerance = -1, 1
    totp = pyotp.TOTP(secret_b32)
    now_t = int(time.time()) // totp.interval
    # The current step first: a code of the step before fails when the clock crosses into
    # the next step between computing and checking it.
    for t in [now_t, *range(now_t + 1, now_t + tolerance + 1), *range(now_t - tolerance, now_t)]:
        if t > last_t:
            return totp.at(t * totp.interval)
    raise AssertionError(
        "every code of this time window was used: move the clock (time_machine) first"
    )


def second_factor_pass(client, user):
    """Mark `client`'s signed-in session as having passed the second factor, through
    django-otp's `login` with a confirmed device of the user."""
    import django_otp
    from django.http import HttpRequest

    device = second_factor_device(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    django_otp.login(request, device)
    request.session.save()
    return device


def needs_second_factor(user) -> bool:
    from accounts import second_factor

    # The answer is remembered on the object; roles may have changed since.
    user.__dict__.pop("_stagematching_second_factor", None)
    return second_factor.second_factor_required(user)


_force_login = Client.force_login


def _force_login_with_second_factor(self, user, backend=None):
    _force_login(self, user, backend)
    if needs_second_factor(user):
        second_factor_pass(self, user)


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login(user)` (Django's test shortcut past the password) also passes
    the second factor of a login that needs one; `password_only_login` below does not."""
    monkeypatch.setattr(Client, "force_login", _force_login_with_second_factor)


def password_only_login(client, user):
    """A session past the password and nothing else (Django's own force_login)."""
    _force_login(client, user)


def sign_in(client, user, password="correct horse battery"):
    """Sign in as a person does: the password on Wagtail's sign-in page, then (when the
    login needs one) a code computed from its app's secret on the second-factor page."""
    response = client.post("/admin/login/", {"username": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    if needs_second_factor(user):
        device = second_factor_device(user)
        response = client.post("/accounts/tweestapsverificatie/code/", {"code": totp_code(device)})
        assert response.status_code == 302, response.content.decode()[:800]
    return response


def browser_login(page, live_server, email, password="correct horse battery"):
    """Sign in in the browser: password, then the six digits of the login's app (typed
    after computing them with pyotp). A login that needs a second factor and has no app
    yet is given one first: enrolling at sign-in takes a mailed link (accounts.enrolment),
    which the tests of that flow go through themselves."""
    from accounts.models import User

    user = User.objects.filter(email=email).first()
    if user is not None and needs_second_factor(user):
        second_factor_device(user)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/**")
    if "/accounts/tweestapsverificatie/code/" in page.url:
        browser_type_code(page, email)
    page.wait_for_url(f"{live_server.url}/admin/**")


def browser_type_code(page, email):
    from accounts.models import User

    device = second_factor_device(User.objects.get(email=email))
    page.fill("input[name=code]", totp_code(device))
    page.click("#second-factor-form button[type=submit]")


def browser_enrol(page) -> list[str]:
    """Set up the app shown on the enrolment page: read the secret as a person types it
    into an app, confirm with a computed code; returns the recovery codes shown."""
    secret = page.inner_text("#totp-secret").replace(" ", "")
    page.fill("input[name=code]", totp_code(secret_b32=secret))
    page.click("#second-factor-form button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    return [item.strip() for item in page.locator("#recovery-codes li").all_inner_texts()]


SCREENSHOTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts")


def screenshot(page, name: str):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def school_year(db):
    return factories.SchoolYearFactory()


SETTLE_ANIMATIONS = """() => Promise.race([
    Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
        .map(a => a.finished.catch(() => null))),
    new Promise(resolve => setTimeout(resolve, 3000)),
])"""


def serious_axe_violations(page):
    """axe-core's serious and critical findings on the page, as (rule, targets).

    Runs once the page's finite CSS transitions and animations have ended: a colour
    contrast read halfway through a fade is a figure of the moment, not of the page."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(SETTLE_ANIMATIONS)
    results = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def both_widths(page, name):
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()  # Wagtail's sidebar settles for the width at load
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 800})
