"""Issue 14.2: the password reset does the same work for known and unknown addresses.

The view only hands the address to one task (accounts.tasks.password_reset_request); the
lookup happens in the worker. Compared here: the SQL the request runs, the task it
enqueues and the answer, for a known address, an unknown one and a known-but-inactive one.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import tasks
from notifications.models import Outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        tasks.password_reset_request,
        "apply_async",
        lambda args=None, kwargs=None, **options: calls.append((args, kwargs, options)),
    )
    return calls


def request_work(email):
    client = Client()
    client.get(reverse("wagtailadmin_password_reset"))  # the form first, as a person does
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("wagtailadmin_password_reset"), {"email": email})
    return response, [q["sql"] for q in queries.captured_queries]


def test_known_and_unknown_addresses_do_the_same_database_work(enqueued):
    UserFactory(email="gekend@dienst.be")
    UserFactory(email="slapend@dienst.be", is_active=False)
    results = {
        email: request_work(email)
        for email in ("gekend@dienst.be", "onbekend@dienst.be", "slapend@dienst.be")
    }
    (known, known_sql), (unknown, unknown_sql), (inactive, inactive_sql) = results.values()
    # Same statements, in the same order (no lookup of the address in the request).
    assert known_sql == unknown_sql == inactive_sql
    assert not any("accounts_user" in sql for sql in known_sql)
    assert not any("notifications_outbox" in sql for sql in known_sql)
    # Same answer.
    assert known.status_code == unknown.status_code == inactive.status_code == 302
    assert known["Location"] == unknown["Location"] == inactive["Location"]
    # Exactly one task each, of the same shape: the address and nothing else.
    assert [args for args, _kwargs, _options in enqueued] == [
        ("gekend@dienst.be",),
        ("onbekend@dienst.be",),
        ("slapend@dienst.be",),
    ]
    assert Outbox.objects.count() == 0


def test_the_worker_mails_only_a_known_active_address(enqueued):
    UserFactory(email="gekend@dienst.be")
    UserFactory(email="slapend@dienst.be", is_active=False)
    for email in ("Gekend@Dienst.be", "onbekend@dienst.be", "slapend@dienst.be"):
        Client().post(reverse("wagtailadmin_password_reset"), {"email": email})
    counts = [tasks.password_reset_request(*args) for args, _kw, _opt in enqueued]
    assert counts == [1, 0, 0]
    assert list(Outbox.objects.values_list("to", "template_key", "link_kind")) == [
        ("gekend@dienst.be", "accounts_password_reset", "password_reset")
    ]


def test_a_dead_broker_gives_the_same_answer(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(tasks.password_reset_request, "apply_async", refuse)
    UserFactory(email="gekend@dienst.be")
    known = Client().post(reverse("wagtailadmin_password_reset"), {"email": "gekend@dienst.be"})
    unknown = Client().post(reverse("wagtailadmin_password_reset"), {"email": "x@dienst.be"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
