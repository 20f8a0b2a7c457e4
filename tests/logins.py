"""One ready-to-use login per role, made the way the product makes them (group +
guardian object permission through accounts.services.membership_grant). Reused by the
role x URL matrix test. Every login has the password `PASSWORD`."""

from django.contrib.auth.models import Group

from accounts.services import membership_grant
from core.roles import EDITORS_GROUP, OPERATORS_GROUP
from tests.factories import UserFactory

PASSWORD = "correct horse battery"


def _user(**kwargs):
    return UserFactory(**kwargs)


def _group(name):
    # The groups come from accounts' data migration / post_migrate sync; get_or_create
    # keeps the helpers usable right after a transactional flush as well.
    return Group.objects.get_or_create(name=name)[0]


def make_operator(**kwargs):
    user = _user(**kwargs)
    user.groups.add(_group(OPERATORS_GROUP))
    return user


def make_editor(**kwargs):
    user = _user(**kwargs)
    user.groups.add(_group(EDITORS_GROUP))
    return user


def make_service_user(service, **kwargs):
    user = _user(**kwargs)
    membership_grant(user, service=service)
    return user


def make_school_user(school, **kwargs):
    user = _user(**kwargs)
    membership_grant(user, school=school)
    return user


def make_coordinator(*provinces, **kwargs):
    user = _user(**kwargs)
    membership_grant(user, provinces=list(provinces))
    return user
