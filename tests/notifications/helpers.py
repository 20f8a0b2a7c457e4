"""Logins for mail tests: membership is a guardian object permission, as in production."""

from guardian.shortcuts import assign_perm

from tests import factories


def service_login(service, **kwargs):
    user = factories.UserFactory(**kwargs)
    assign_perm("matching.act_for_service", user, service)
    return user


def school_login(school, **kwargs):
    user = factories.UserFactory(**kwargs)
    assign_perm("matching.act_for_school", user, school)
    return user
