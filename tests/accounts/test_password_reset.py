import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.accounts.conftest import link_in, mails_to
from tests.factories import UserFactory

RESET_URL = "/admin/password_reset/"
NEW = "Nieuw-Wachtwoord-2025"


@pytest.fixture
def user(db):
    return UserFactory(email="gekend@dienst.be")


def request_reset(client, email, mailbox):
    with mailbox.commit():
        return client.post(reverse("wagtailadmin_password_reset"), {"email": email})


def reset_link(client, mailbox, email="gekend@dienst.be"):
    request_reset(client, email, mailbox)
    (message,) = mails_to(email)
    mailbox.clear()
    url = link_in(message, r"https?://\S+/admin/password_reset/confirm/\S+/")
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def set_password(client, link, password=NEW):
    # Django swaps the token for a session marker on the first GET, then posts there.
    first = client.get(link)
    if first.status_code != 302:
        return first
    form_url = first["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_reset_answers_the_same_for_known_and_unknown_addresses(client, user, mailbox):
    known = request_reset(client, "gekend@dienst.be", mailbox)
    unknown = request_reset(client, "onbekend@dienst.be", mailbox)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mails_to("gekend@dienst.be")) == 1
    assert mails_to("onbekend@dienst.be") == []
    assert len(mailbox) == 1


def test_reset_link_sets_password_once(client, user, mailbox):
    link = reset_link(client, mailbox)
    response = set_password(client, link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)

    reuse = set_password(client, link, "Nog-Een-Ander-2025")
    assert reuse.status_code == 200
    assert "new_password1" not in reuse.content.decode()  # invalid-link page, no form
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_reset_link_dies_after_password_change(client, user, mailbox):
    link = reset_link(client, mailbox)
    user.set_password("Iets-Anders-Gekozen-1")
    user.save()
    set_password(client, link)
    user.refresh_from_db()
    assert not user.check_password(NEW)


def test_reset_link_dies_after_email_change(client, user, mailbox):
    link = reset_link(client, mailbox)
    user.email = "nieuw-adres@dienst.be"
    user.save()
    set_password(client, link)
    user.refresh_from_db()
    assert not user.check_password(NEW)


def test_reset_link_expires_quickly(client, user, mailbox, settings):
    assert settings.PASSWORD_RESET_TIMEOUT <= 60 * 60
    link = reset_link(client, mailbox)
    with time_machine.travel(
        timezone.localtime() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 5)
    ):
        set_password(client, link)
    user.refresh_from_db()
    assert not user.check_password(NEW)


def test_inactive_login_gets_no_reset_mail(client, mailbox, db):
    UserFactory(email="uit@dienst.be", is_active=False)
    request_reset(client, "uit@dienst.be", mailbox)
    assert mails_to("uit@dienst.be") == []
