"""Issue 14.1: the outbox never yields a sign-in.

An attacker asks a password reset for the superuser and an operator reads the outbox (list,
search, inspect, export). Every link found on those screens is followed by a fresh browser
session: none may open a set-password form. And a stolen copy of every stored row (outbox,
invitations) holds no string that works as an activation or reset token. The mail that
actually left does carry a working link: the positive control that the checks can fail.
"""

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import selectors
from accounts.models import Invitation, Role
from accounts.services import invitation_create
from notifications.links import LINK_PLACEHOLDER
from notifications.models import Outbox
from tests.factories import ServiceFactory, UserFactory
from tests.logins import PASSWORD, make_operator

pytestmark = pytest.mark.django_db
User = get_user_model()

LINK_ATTRS = re.compile(
    r"""(?:href|src|action|data-url|data-w-action-url-value)=["']([^"']+)["']"""
)
TEXT_URLS = re.compile(r"""https?://[^\s"'<>;]+|/(?:admin|accounts)/[^\s"'<>;]+""")
WORDS = re.compile(r"[A-Za-z0-9_\-]{6,}")


def links_in(text: str) -> set[str]:
    text = unescape(text)
    return set(LINK_ATTRS.findall(text)) | set(TEXT_URLS.findall(text))


def local_path(url: str, base: str) -> str | None:
    parts = urlsplit(urljoin(base, url))
    if parts.scheme not in ("http", "https") or parts.hostname not in ("testserver", "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def opens_a_set_password_form(path: str) -> bool:
    """Follow `path` as a stranger (a new session, as the attacker would) to the end."""
    response = Client().get(path, follow=True)
    if response.status_code != 200 or not hasattr(response, "content"):
        return False
    body = response.content.decode(errors="replace")
    return 'name="new_password1"' in body


@pytest.fixture
def victim(db):
    return UserFactory(email="admin@stagematching.be", is_superuser=True, is_staff=True)


@pytest.fixture
def operator(db):
    return make_operator(email="beheerder@stagematching.be")


def ask_reset(email):
    return Client().post(reverse("wagtailadmin_password_reset"), {"email": email})


def invite_someone(operator):
    return invitation_create(
        email="nieuw@dienst.be", role=Role.SERVICE, service=ServiceFactory(), invited_by=operator
    )


def operator_screens(operator) -> dict[str, str]:
    """Everything the operator's outbox offers: list, search, filter, inspect, export."""
    client = Client()
    client.force_login(operator)
    urls = [
        reverse("outbox:index"),
        reverse("outbox:index") + "?q=admin",
        reverse("outbox:index") + "?q=wachtwoord",
        reverse("outbox:index") + "?template_key=accounts_password_reset",
        reverse("outbox:index") + "?template_key=accounts_invitation",
        reverse("outbox:index") + "?export=csv",
        reverse("outbox:index") + "?export=xlsx",
        reverse("invitations:index"),
        reverse("logins:index"),
    ]
    urls += [
        reverse("outbox:inspect", args=[pk]) for pk in Outbox.objects.values_list("pk", flat=True)
    ]
    screens = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if url.endswith("xlsx"):
            import io
            import zipfile

            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = b"".join(archive.read(name) for name in archive.namelist())
        screens[url] = content.decode(errors="replace")
    return screens


def assert_no_screen_yields_a_sign_in(screens):
    followed = set()
    for url, text in screens.items():
        for link in links_in(text):
            path = local_path(link, "http://testserver" + url)
            if path is None or path in followed or "/logout" in path:
                continue
            followed.add(path)
            assert not opens_a_set_password_form(path), f"{url} shows a working link: {path}"
    return followed


def stored_strings() -> list[str]:
    """Every value a stolen copy of the outbox and invitation tables holds."""
    values = []
    for model in (Outbox, Invitation):
        for row in model.objects.values():
            values += [str(v) for v in row.values() if v is not None]
    return values


def assert_stored_rows_hold_no_token(users):
    words = set()
    for value in stored_strings():
        words.add(value)
        words.update(WORDS.findall(value))
        for path in links_in(value):
            words.update(path.strip("/").split("/"))
    for word in words:
        assert selectors.invitation_by_token(word) is None, word
        for user in users:
            user.refresh_from_db()
            assert not default_token_generator.check_token(user, word), word
            # A token in the URL's shape <uid>/<token> as well.
            assert not default_token_generator.check_token(user, word.rsplit("/", 1)[-1])


def test_queued_mails_hold_no_working_link(victim, operator):
    """Before delivery (the broker down, say): the rows wait with a placeholder."""
    assert ask_reset(victim.email).status_code == 302
    invitation = invite_someone(operator)
    rows = Outbox.objects.filter(status=Outbox.Status.QUEUED)
    assert {r.template_key for r in rows} == {"accounts_password_reset", "accounts_invitation"}
    assert all(LINK_PLACEHOLDER in r.body for r in rows)
    screens = operator_screens(operator)
    assert any(LINK_PLACEHOLDER in text for text in screens.values())  # shown redacted
    followed = assert_no_screen_yields_a_sign_in(screens)
    assert len(followed) > 20  # the screens' links really were followed
    assert_stored_rows_hold_no_token([victim, invitation.user])


def test_sent_mails_leave_nothing_behind_but_the_mail_itself_works(
    victim, operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_reset(victim.email)
        invitation = invite_someone(operator)
    assert Outbox.objects.filter(status=Outbox.Status.SENT).count() == 2
    assert_no_screen_yields_a_sign_in(operator_screens(operator))
    assert_stored_rows_hold_no_token([victim, invitation.user])

    # Positive control: the same checks find the links in the mails that left.
    sent = {m.to[0]: m.body for m in mail.outbox}
    assert LINK_PLACEHOLDER not in sent[victim.email]
    reset_links = [p for p in links_in(sent[victim.email]) if "password_reset/confirm" in p]
    activation = [p for p in links_in(sent["nieuw@dienst.be"]) if "/accounts/activeer/" in p]
    assert reset_links and activation
    base = "http://testserver/"
    assert opens_a_set_password_form(local_path(reset_links[0], base))
    assert opens_a_set_password_form(local_path(activation[0], base))


def test_stolen_reset_row_gives_no_sign_in_and_the_superuser_keeps_the_password(
    victim, operator, django_capture_on_commit_callbacks
):
    """The attack of the issue, end to end: reset asked, operator copies what the outbox
    shows, tries to set a password with it and sign in as the superuser."""
    with django_capture_on_commit_callbacks(execute=True):
        ask_reset(victim.email)
    assert Outbox.objects.get(template_key="accounts_password_reset").status == Outbox.Status.SENT
    row = Outbox.objects.get(template_key="accounts_password_reset")
    client = Client()
    client.force_login(operator)
    shown = client.get(reverse("outbox:inspect", args=[row.pk])).content.decode()
    for link in links_in(shown):
        path = local_path(link, "http://testserver/")
        if path and "password_reset/confirm" in path:
            attacker = Client()
            first = attacker.get(path)
            if first.status_code == 302:
                attacker.post(
                    first["Location"],
                    {"new_password1": "Overgenomen-2026!", "new_password2": "Overgenomen-2026!"},
                )
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)
    signed_in = Client().post(
        reverse("wagtailadmin_login"),
        {"username": victim.email, "password": "Overgenomen-2026!"},
    )
    assert signed_in.status_code == 200 and "_auth_user_id" not in signed_in.client.session


def test_a_revoked_invitation_mail_is_not_sent_and_holds_no_link(operator):
    invitation = invite_someone(operator)  # queued: on_commit never runs in this test
    from accounts.services import invitation_revoke
    from notifications.services import _outbox_claim, outbox_deliver

    invitation_revoke(invitation=invitation)
    row = Outbox.objects.get(template_key="accounts_invitation")
    [(_pk, claim)] = _outbox_claim(ids=[row.pk])  # published, as the sweep does
    assert outbox_deliver(outbox_id=row.pk, claim=claim) == Outbox.Status.CANCELLED
    assert mail.outbox == []
    row.refresh_from_db()
    assert "niet meer aangemaakt" in row.last_error
