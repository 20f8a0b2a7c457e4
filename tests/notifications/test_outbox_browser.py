"""The operator's bulk "Opnieuw proberen" in the outbox screen, in the browser."""

import pytest
from django.urls import reverse

from notifications.models import Outbox
from tests.conftest import browser_login, screenshot, serious_axe_violations
from tests.logins import make_operator

pytestmark = pytest.mark.browser


def axe_violations(page):
    return serious_axe_violations(page)


@pytest.fixture
def outbox(transactional_db, settings):
    from django.apps import apps

    from accounts.roles import ensure_role_groups

    ensure_role_groups(apps)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def row(to, status, **kwargs):
        return Outbox.objects.create(
            to=to, subject=f"Herinnering {to}", body="b", status=status, **kwargs
        )

    return {
        "failed": [
            row(
                f"mislukt{i}@dienst.be",
                Outbox.Status.FAILED,
                attempts=16,
                last_error="SMTPRecipientsRefused: 451 4.7.1 <***>: try again later",
            )
            for i in range(3)
        ],
        "sent": row("verzonden@dienst.be", Outbox.Status.SENT, attempts=1),
    }


def test_operator_retries_selected_failed_mails(page, live_server, outbox):
    browser_login(page, live_server, make_operator().email)
    page.goto(f"{live_server.url}{reverse('outbox:index')}")
    first, second, third = outbox["failed"]
    for row in (first, second):
        page.locator(f'input[data-bulk-action-checkbox][data-object-id="{row.pk}"]').check()
    page.locator("[data-bulk-action-button]", has_text="Opnieuw proberen").click()
    page.wait_for_url("**/bulk/notifications/outbox/retry/**")
    page.get_by_role("button", name="Ja, opnieuw proberen").wait_for()
    assert page.get_by_text("Deze 2 e-mails krijgen een nieuwe reeks pogingen").is_visible()
    screenshot(page, "outbox-bulk-retry-confirm")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ja, opnieuw proberen").click()
    page.wait_for_url(f"**{reverse('outbox:index')}")
    page.get_by_text("2 e-mails staan opnieuw in de wachtrij.").wait_for()
    assert page.get_by_text("2 e-mails staan opnieuw in de wachtrij.").is_visible()
    statuses = dict(Outbox.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Outbox.Status.SENT  # delivered again
    assert statuses[third.pk] == Outbox.Status.FAILED
    screenshot(page, "outbox-after-bulk-retry")
    assert axe_violations(page) == []


def test_operator_retries_every_failed_mail_from_the_header_button(page, live_server, outbox):
    browser_login(page, live_server, make_operator().email)
    for width, name in ((1280, "outbox-index-1280"), (375, "outbox-index-375")):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}{reverse('outbox:index')}")
        screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="Alle mislukte opnieuw proberen").click()
    page.get_by_role("button", name="Ja, opnieuw proberen").wait_for()
    assert page.get_by_text("Deze 3 e-mails krijgen een nieuwe reeks pogingen").is_visible()
    assert page.get_by_text("verzonden@dienst.be").count() == 0  # sent mail is not offered
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "outbox-bulk-retry-all-375")
    page.get_by_role("button", name="Ja, opnieuw proberen").click()
    page.wait_for_url(f"**{reverse('outbox:index')}")
    page.get_by_text("3 e-mails staan opnieuw in de wachtrij.").wait_for()
    assert page.get_by_text("3 e-mails staan opnieuw in de wachtrij.").is_visible()
    assert not Outbox.objects.filter(status=Outbox.Status.FAILED).exists()
    assert Outbox.objects.get(pk=outbox["sent"].pk).attempts == 1
