import re

import pytest
from django.core import mail
from django.db import transaction


@pytest.fixture
def mailbox(monkeypatch):
    """Run on-commit work (outbox delivery) at once, as if each change had committed, and
    expose the sent mails. Inside a test transaction nothing ever commits otherwise."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    return mail.outbox


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def link_in(message, pattern=r"https?://\S+"):
    found = re.search(pattern, message.body)
    assert found, message.body
    return found.group(0)


def token_in(message):
    return link_in(message, r"/accounts/activeer/([^/\s]+)/").rsplit("/", 2)[-2]
