"""Users and data for the reporting tests."""

import datetime as dt
import zoneinfo

from django.contrib.auth.models import Permission

from matching import services as matching_services
from matching.models import Status
from tests import factories
from tests.logins import make_coordinator, make_operator

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2025, 10, 15, 12, 0, tzinfo=BRUSSELS)


def operator():
    return make_operator()


def coordinator(*provinces):
    return make_coordinator(*provinces)


def plain_admin_user():
    """Someone with admin access and no reporting role (e.g. a school or service login)."""
    user = factories.UserFactory()
    _grant_admin(user)
    return user


def _grant_admin(user):
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )


def set_status(service, student, status, *, user=None, now=None, **extra):
    if status == Status.ACCEPTED and student.track != "dual" and "mentor" not in extra:
        extra.update(
            mentor=factories.ContactPersonFactory(service=service),
            period_start=dt.date(2025, 11, 1),
            period_end=dt.date(2025, 12, 1),
        )
    return matching_services.decision_set_status(
        service=service, student_id=student.pk, status=status, user=user, now=now, **extra
    )


def assert_refused(response):
    """Wagtail answers a PermissionDenied in the admin with a redirect home and a message."""
    from django.urls import reverse

    assert response.status_code == 302, response.status_code
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home")
