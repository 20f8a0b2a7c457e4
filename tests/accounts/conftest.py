import re

import pytest
from django.core import mail


class Mailbox:
    """The mails sent so far. Mail leaves the outbox only after the change that queued it
    commits, and a test transaction never commits: wrap the change in
    `with mailbox.commit():`, which runs its on-commit work as a commit would (Django's
    captureOnCommitCallbacks) — and only that work, so a rolled-back change sends nothing."""

    def __init__(self, capture):
        self._capture = capture

    def commit(self):
        return self._capture(execute=True)

    def clear(self):
        mail.outbox.clear()

    def __len__(self):
        return len(mail.outbox)

    def __iter__(self):
        return iter(mail.outbox)


@pytest.fixture
def mailbox(django_capture_on_commit_callbacks):
    return Mailbox(django_capture_on_commit_callbacks)


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def link_in(message, pattern=r"https?://\S+"):
    found = re.search(pattern, message.body)
    assert found, message.body
    return found.group(0)


def token_in(message):
    return link_in(message, r"/accounts/activeer/([^/\s]+)/").rsplit("/", 2)[-2]


def last_token_to(address):
    """The activation token of the latest mail that left for `address`: the only place a
    working token exists (the worker draws it at delivery; the outbox never holds it)."""
    messages = mails_to(address)
    assert messages, f"no mail left for {address}"
    return token_in(messages[-1])


def invite(mailbox, **kwargs):
    """invitation_create, committed, and the token read from the mail that left."""
    from accounts.services import invitation_create

    with mailbox.commit():
        invitation = invitation_create(**kwargs)
    return invitation, last_token_to(invitation.email)


def resend(mailbox, invitation, **kwargs):
    from accounts.services import invitation_resend

    with mailbox.commit():
        invitation_resend(invitation=invitation, **kwargs)
    return last_token_to(invitation.email)
