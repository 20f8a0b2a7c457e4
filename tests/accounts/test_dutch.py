"""The sign-in, activation, reset and lockout pages and the reset mail speak Dutch and name
only our product."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services as account_services
from accounts.models import Role
from notifications.models import Outbox
from tests.dutch import DEMO_PASSWORD, DUTCH, HOST_PORT, ROLES, dutch_client, english
from tests.dutch import demo as demo  # noqa: F401  (a fixture)
from tests.visible import english_in, visible_text

pytestmark = pytest.mark.django_db


def test_sign_in_page_carries_the_product_name_and_dutch_labels(db):
    html = dutch_client().get("/admin/login/").content.decode()
    text = visible_text(html)
    assert english_in(text) == []
    assert "Aanmelden bij Stagematching gezinszorg" in text
    assert "Wachtwoord" in text and "E-mailadres" in text
    # Not even in the message for browsers without JavaScript or the logo's label.
    assert not re.search(r"(?<![-/\w])Wagtail\b", html)


def test_activation_and_reset_answer_a_short_password_in_dutch(
    db, django_capture_on_commit_callbacks
):
    from tests.accounts.conftest import last_token_to

    with django_capture_on_commit_callbacks(execute=True):
        invitation = account_services.invitation_create(email="nieuw@dienst.be", role=Role.EDITOR)
    token = last_token_to("nieuw@dienst.be")
    client = dutch_client()
    page = client.get(f"/accounts/activeer/{token}/").content.decode()
    assert english(page) == []
    short = client.post(
        f"/accounts/activeer/{token}/", {"new_password1": "kort", "new_password2": "kort"}
    ).content.decode()
    assert "Dit wachtwoord is te kort: het moet minstens 10 tekens bevatten." in short
    assert english(short) == []

    user = invitation.user
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = f"/admin/password_reset/confirm/{uid}/{default_token_generator.make_token(user)}/"
    confirm = client.get(link, follow=True)
    assert english(confirm.content.decode()) == []
    numeric = client.post(
        confirm.redirect_chain[-1][0] if confirm.redirect_chain else link,
        {"new_password1": "1234567890", "new_password2": "1234567890"},
    ).content.decode()
    assert "Dit wachtwoord bevat alleen cijfers." in numeric
    assert english(numeric) == []
    for url in ("/admin/password_reset/", "/admin/password_reset/done/"):
        assert english(client.get(url).content.decode()) == [], url
    complete = client.get("/admin/password_reset/complete/").content.decode()
    assert english(complete) == [] and "Naar aanmelden" in complete
    assert "invalid" not in english(client.get(link).content.decode())


def test_reset_mail_names_the_product_not_the_host(db, django_capture_on_commit_callbacks):
    account_services_user = account_services  # noqa: F841 - keeps the import used
    from tests.factories import UserFactory

    user = UserFactory(email="vergeten@dienst.be")
    client = Client(HTTP_ACCEPT_LANGUAGE=DUTCH, HTTP_HOST="127.0.0.1:8765")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/password_reset/", {"email": user.email})
    from django.core import mail

    (sent,) = [m for m in mail.outbox if m.to == [user.email]]
    assert sent.subject == "Stagematching gezinszorg: nieuw wachtwoord instellen"
    assert not HOST_PORT.search(sent.subject) and english_in(sent.body) == []
    assert Outbox.objects.filter(to=user.email).count() == 1


def test_lockout_page_is_dutch_and_gives_the_helpdesk(demo, settings):
    client = dutch_client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/admin/login/", {"username": ROLES["service"], "password": "fout-wachtwoord"}
        )
    assert response.status_code == 429
    html = response.content.decode()
    assert english(html) == []
    text = visible_text(html)
    assert "helpdesk@stagematching.org" in text and "02 123 45 67" in text
