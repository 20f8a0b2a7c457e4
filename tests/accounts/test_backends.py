"""The query-saving auth backend and role middleware change how much is asked, not what is
allowed."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page
from wagtail.users.models import UserProfile

from accounts.backends import AccountsBackend
from core.roles import SERVICE_USERS_GROUP
from matching.models import Province
from tests.factories import SchoolFactory, ServiceFactory, UserFactory
from tests.logins import (
    PASSWORD,
    make_coordinator,
    make_editor,
    make_operator,
    make_school_user,
    make_service_user,
)

pytestmark = pytest.mark.django_db


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_an_operators_permissions_are_djangos_own_union_of_user_and_group_permissions():
    user = make_operator()
    group = Group.objects.create(name="Testgroep")
    group.permissions.add(Permission.objects.get(codename="change_user"))
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="view_school"))

    ours = AccountsBackend().get_all_permissions(_fresh(user))
    djangos = ModelBackend().get_all_permissions(_fresh(user))
    assert ours == djangos
    assert {"accounts.change_user", "matching.view_school"} <= ours


@pytest.mark.parametrize("role", ["service", "school", "coordinator", None])
def test_other_logins_keep_only_admin_access_whatever_they_were_given(role):
    if role == "service":
        user = make_service_user(ServiceFactory())
    elif role == "school":
        user = make_school_user(SchoolFactory())
    elif role == "coordinator":
        user = make_coordinator(Province.objects.first())
    else:
        user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    Group.objects.get_or_create(name="Per ongeluk")[0].user_set.add(user)
    Group.objects.get(name="Per ongeluk").permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["accounts", "matching"])
    )

    user = _fresh(user)
    assert user.get_all_permissions() == {"wagtailadmin.access_admin"}
    assert not user.has_perm("auth.change_group")
    assert not user.has_perm("accounts.change_user")
    assert not user.has_perm("matching.view_student")


def test_a_superuser_has_every_permission_and_an_inactive_user_none():
    boss = UserFactory(is_superuser=True)
    assert len(AccountsBackend().get_all_permissions(_fresh(boss))) == Permission.objects.count()
    gone = UserFactory(is_active=False)
    gone.user_permissions.add(Permission.objects.get(codename="view_school"))
    assert AccountsBackend().get_all_permissions(_fresh(gone)) == set()


def test_the_user_comes_with_profile_and_current_sign_in(client, django_assert_num_queries):
    user = make_editor()
    user.set_password(PASSWORD)
    user.save()
    UserProfile.get_for_user(user)
    client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    login_id = client.session["accounts_login_id"]
    loaded = AccountsBackend().get_user(user.pk)
    with django_assert_num_queries(0):
        assert loaded.current_session.session_key == login_id
        assert loaded.wagtail_userprofile.user_id == user.pk


def test_a_page_permission_given_to_the_service_group_by_mistake_is_ignored(client):
    user = make_service_user(ServiceFactory())
    GroupPagePermission.objects.create(
        group=Group.objects.get(name=SERVICE_USERS_GROUP),
        page=Page.objects.get(depth=1),
        permission=Permission.objects.get(codename="change_page"),
    )
    client.force_login(user)
    response = client.get("/admin/pages/")
    assert response.status_code == 302


def test_an_editor_keeps_the_page_explorer(client):
    client.force_login(make_editor())
    assert client.get("/admin/pages/").status_code == 200


def test_a_login_without_a_role_keeps_only_the_admin_frame(client):
    """Its service was deactivated: still in the services' group with admin access, but no
    role any more. Wagtail's choosers and API ask only for admin access; they must not
    answer it."""
    service = ServiceFactory()
    user = make_service_user(service)
    service.is_active = False
    service.save()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    for url in (
        "/admin/snippets/choose/notifications/mailtemplate/",
        "/admin/api/main/images/",
        "/admin/api/main/documents/",
        "/admin/service/students/secondary/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == "/admin/", url
