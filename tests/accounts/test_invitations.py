import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import selectors
from accounts.models import Invitation, Role
from accounts.services import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_grant,
)
from matching import memberships
from matching.errors import DomainError
from tests.accounts.conftest import invite, mails_to, resend, token_in
from tests.factories import SchoolFactory, ServiceFactory, UserFactory, province
from tests.logins import make_operator, make_service_user

NEW_PASSWORD = "Stagematching-2025!"
User = get_user_model()


def activate_url(token):
    return reverse("accounts:activate", args=[token])


def post_password(client, token, password=NEW_PASSWORD):
    return client.post(activate_url(token), {"new_password1": password, "new_password2": password})


@pytest.fixture
def service(db):
    return ServiceFactory()


@pytest.fixture
def invited(service, mailbox):
    invitation, token = invite(
        mailbox,
        email="Nieuw@Dienst.be",
        role=Role.SERVICE,
        service=service,
        invited_by=make_operator(),
    )
    return invitation, token


def test_invitation_creates_inactive_login_without_usable_password(invited):
    invitation, _token = invited
    user = User.objects.get(email="nieuw@dienst.be")
    assert invitation.user == user
    assert not user.is_active
    assert not user.has_usable_password()
    assert memberships.service_for_user(user) is None  # membership only after activation


def test_invitation_stores_only_a_hash_of_the_token(invited):
    invitation, token = invited
    assert token not in invitation.token_hash
    assert selectors.invitation_by_token(token) == invitation


def test_invitation_mail_carries_the_activation_link(invited):
    _invitation, token = invited
    (message,) = mails_to("nieuw@dienst.be")
    assert token_in(message) == token


def test_invitation_expires_after_configured_days(invited, settings):
    invitation, _token = invited
    expected = timezone.now() + dt.timedelta(days=settings.INVITATION_VALID_DAYS)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60


def test_activation_link_works_once(client, invited, service):
    _invitation, token = invited
    assert client.get(activate_url(token)).status_code == 200
    response = post_password(client, token)
    assert response.status_code == 302
    # Enrolment is part of activation: signed in, but only the second factor's set-up opens.
    assert response["Location"] == reverse("accounts:second_factor_enrol")
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:second_factor_enrol"))
    user = User.objects.get(email="nieuw@dienst.be")
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert memberships.service_for_user(user) == service
    assert memberships.role_for_user(user) == "service"

    again = post_password(client, token, "Another-Password-42")
    assert again.status_code == 410
    assert "al gebruikt" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(activate_url(token)).status_code == 410


def test_activation_link_fails_after_expiry(client, invited, settings):
    _invitation, token = invited
    later = timezone.localtime() + dt.timedelta(days=settings.INVITATION_VALID_DAYS, minutes=1)
    with time_machine.travel(later):
        response = post_password(client, token)
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert not User.objects.get(email="nieuw@dienst.be").is_active


def test_revoked_invitation_cannot_be_accepted(client, invited):
    invitation, token = invited
    invitation_revoke(invitation=invitation)
    assert post_password(client, token).status_code == 410
    assert not User.objects.get(email="nieuw@dienst.be").is_active


def test_unknown_token_is_rejected(client, db):
    assert client.get(activate_url("nope")).status_code == 404


def test_resend_replaces_the_link(invited, mailbox):
    invitation, old_token = invited
    new_token = resend(mailbox, invitation)
    assert new_token != old_token
    assert len(mails_to("nieuw@dienst.be")) == 2
    with pytest.raises(DomainError):
        invitation_accept(token=old_token, password=NEW_PASSWORD)
    user = invitation_accept(token=new_token, password=NEW_PASSWORD)
    assert user.is_active


def test_weak_password_is_refused_by_django_validators(client, invited):
    _invitation, token = invited
    response = post_password(client, token, "12345678")
    assert response.status_code == 200
    assert not User.objects.get(email="nieuw@dienst.be").is_active
    with pytest.raises(ValidationError):
        invitation_accept(token=token, password="nieuw@dienst.be")


def test_activation_page_is_not_cached(client, invited):
    _invitation, token = invited
    assert "no-store" in client.get(activate_url(token))["Cache-Control"]


def test_invited_user_cannot_use_password_reset(client, invited, mailbox):
    mailbox.clear()
    with mailbox.commit():
        response = client.post(reverse("wagtailadmin_password_reset"), {"email": "nieuw@dienst.be"})
    assert response.status_code == 302
    assert mails_to("nieuw@dienst.be") == []


def test_active_login_cannot_be_invited_again(db):
    UserFactory(email="bestaat@dienst.be")
    with pytest.raises(DomainError):
        invitation_create(email="bestaat@dienst.be", role=Role.EDITOR)


def test_new_invitation_revokes_the_open_one(service, mailbox):
    first, first_token = invite(mailbox, email="x@dienst.be", role=Role.SERVICE, service=service)
    second = invitation_create(email="x@dienst.be", role=Role.EDITOR)
    first.refresh_from_db()
    assert first.revoked_at is not None
    with pytest.raises(DomainError):
        invitation_accept(token=first_token, password=NEW_PASSWORD)
    assert second.user == first.user


def test_role_needs_matching_organisation(db, service):
    with pytest.raises(DomainError):
        invitation_create(email="a@b.be", role=Role.SERVICE)
    with pytest.raises(DomainError):
        invitation_create(email="a@b.be", role=Role.SCHOOL, service=service)
    with pytest.raises(DomainError):
        invitation_create(email="a@b.be", role=Role.OPERATOR, service=service)


def test_only_operator_can_invite(db, service):
    with pytest.raises(DomainError):
        invitation_create(
            email="a@b.be",
            role=Role.EDITOR,
            invited_by=make_service_user(service),
        )


def test_coordinator_invitation_grants_provinces(db, mailbox):
    ant, lim = province("ANT"), province("LIM")
    _inv, token = invite(mailbox, email="trekker@x.be", role=Role.COORDINATOR, provinces=[ant, lim])
    user = invitation_accept(token=token, password=NEW_PASSWORD)
    assert set(memberships.provinces_for_user(user)) == {ant, lim}
    assert memberships.role_for_user(user) == "coordinator"


def test_login_belongs_to_one_service_or_one_school(db):
    service_a, service_b = ServiceFactory(), ServiceFactory()
    user = make_service_user(service_a)
    membership_grant(user, service=service_a)  # same service again is harmless
    with pytest.raises(DomainError):
        membership_grant(user, service=service_b)
    with pytest.raises(DomainError):
        membership_grant(user, school=SchoolFactory())
    assert memberships.service_for_user(user) == service_a


def test_model_level_membership_permission_widens_nothing(db):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="act_for_service"))
    assert memberships.service_for_user(user) is None
    assert memberships.role_for_user(user) is None


def test_invitation_expiry_is_counted_from_resend(invited, settings, mailbox):
    invitation, _ = invited
    later = timezone.localtime() + dt.timedelta(days=settings.INVITATION_VALID_DAYS - 1)
    with time_machine.travel(later):
        token = resend(mailbox, invitation)
    with time_machine.travel(later + dt.timedelta(days=2)):
        assert invitation_accept(token=token, password=NEW_PASSWORD).is_active
    assert Invitation.objects.get(pk=invitation.pk).used_at is not None
