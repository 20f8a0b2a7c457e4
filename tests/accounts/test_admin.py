import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from accounts.models import Invitation, Role
from accounts.roles import ensure_role_groups
from accounts.wagtail_hooks import visible_menu_items
from core import roles
from matching import memberships
from tests.accounts.conftest import mails_to
from tests.factories import SchoolFactory, ServiceFactory, province
from tests.logins import (
    make_coordinator,
    make_editor,
    make_operator,
    make_school_user,
    make_service_user,
)

BASE_DIR = Path(__file__).resolve().parents[2]


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def operator(db):
    return make_operator()


def test_role_helpers_make_one_login_per_role(db):
    service, school = ServiceFactory(), SchoolFactory()
    assert memberships.role_for_user(make_operator()) == "operator"
    assert memberships.role_for_user(make_editor()) == "editor"
    service_user = make_service_user(service)
    assert memberships.service_for_user(service_user) == service
    assert memberships.role_for_user(service_user) == "service"
    school_user = make_school_user(school)
    assert memberships.school_for_user(school_user) == school
    assert memberships.role_for_user(school_user) == "school"
    assert memberships.role_for_user(make_coordinator(province("ANT"))) == "coordinator"


def test_role_groups_hold_only_their_permissions(db):
    # A transactional test's flush removes Wagtail's root page; the sync needs one.
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root"))
        ensure_role_groups(django_apps)

    def codes(name):
        group = Group.objects.get(name=name)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    operators = codes(roles.OPERATORS_GROUP)
    assert {"wagtailadmin.access_admin", "matching.change_student", "accounts.add_invitation"} <= (
        operators
    )
    assert "matching.act_for_service" not in operators
    for name in (
        roles.SERVICE_USERS_GROUP,
        roles.SCHOOL_USERS_GROUP,
        roles.COORDINATORS_GROUP,
    ):
        assert codes(name) == {"wagtailadmin.access_admin"}
    editors = Group.objects.get(name=roles.EDITORS_GROUP)
    assert editors.page_permissions.filter(permission__codename="publish_page").exists()
    assert editors.collection_permissions.filter(permission__codename="add_image").exists()
    editor_codes = codes(roles.EDITORS_GROUP)
    assert "notifications.change_mailtemplate" in editor_codes
    assert not any(c.startswith(("matching.", "accounts.")) for c in editor_codes)


def test_operator_invites_resends_and_revokes_from_admin(operator, mailbox):
    client = logged_in(operator)
    service = ServiceFactory()
    assert client.get("/admin/invitations/new/").status_code == 200
    with mailbox.commit():
        response = client.post(
            "/admin/invitations/new/",
            {"email": "medewerker@dienst.be", "role": Role.SERVICE, "service": service.pk},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="medewerker@dienst.be")
    assert invitation.invited_by == operator
    assert len(mails_to("medewerker@dienst.be")) == 1
    listing = client.get("/admin/invitations/").content.decode()
    assert "medewerker@dienst.be" in listing and "Opnieuw versturen" in listing

    with mailbox.commit():
        client.post(f"/admin/invitations/{invitation.pk}/resend/")
    assert len(mails_to("medewerker@dienst.be")) == 2
    client.post(f"/admin/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "medewerker@dienst.be" in client.get("/admin/logins/").content.decode()


def test_invite_form_shows_rule_errors(operator):
    client = logged_in(operator)
    response = client.post("/admin/invitations/new/", {"email": "x@y.be", "role": Role.SCHOOL})
    assert response.status_code == 200
    assert "Kies de school" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("maker", ["editor", "service", "school", "coordinator"])
def test_only_operators_reach_access_screens(db, maker):
    user = {
        "editor": make_editor,
        "service": lambda: make_service_user(ServiceFactory()),
        "school": lambda: make_school_user(SchoolFactory()),
        "coordinator": lambda: make_coordinator(province("LIM")),
    }[maker]()
    client = logged_in(user)
    for url in ("/admin/invitations/", "/admin/invitations/new/", "/admin/logins/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url
    response = client.post(
        "/admin/invitations/new/", {"email": "sneaky@x.be", "role": Role.OPERATOR}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not Invitation.objects.exists()


def _items(*names):
    return [MenuItem(name, "/x/", name=name) for name in names]


def test_menu_shows_each_role_only_its_entries():
    items = _items(
        "explorer",
        "images",
        "documents",
        "snippets",
        "reports",
        "settings",
        "access",
        "students-secondary",
        "capacity",
        "contact-persons",
        "school-students",
        "region-progress",
        "help",
    )
    names = lambda role: [i.name for i in visible_menu_items(role, items)]  # noqa: E731
    assert names("operator") == [i.name for i in items]
    assert names("editor") == ["explorer", "images", "documents", "snippets", "settings"]
    assert names("service") == ["students-secondary", "capacity", "contact-persons"]
    assert names("school") == ["school-students"]
    assert names("coordinator") == ["region-progress"]
    assert names(None) == []


def test_dashboard_greets_service_user_with_service_name(db):
    service = ServiceFactory(name="Familiehulp Kempen")
    client = logged_in(make_service_user(service))
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welkom, Familiehulp Kempen" in html
    assert "no-store" in response["Cache-Control"]


def test_service_user_menu_hides_operator_screens(db):
    client = logged_in(make_service_user(ServiceFactory()))
    html = client.get("/admin/").content.decode()
    assert "/admin/invitations/" not in html
    assert "/admin/lockouts/" not in html


def test_operator_menu_has_access_screens(operator):
    html = logged_in(operator).get("/admin/").content.decode()
    assert "/admin/invitations/" in html and "/admin/lockouts/" in html


def test_no_store_decorator_marks_any_view(rf):
    from django.http import HttpResponse

    from accounts.middleware import NoStoreMiddleware
    from core.http import no_store

    @no_store
    def view(request):
        return HttpResponse("x")

    def plain(request):
        return HttpResponse("x")

    for func, expected in ((view, True), (plain, False)):
        request = rf.get("/leerlingen/")
        middleware = NoStoreMiddleware(lambda r, f=func: f(r))
        middleware.process_view(request, func, (), {})
        response = middleware(request)
        assert ("no-store" in response.get("Cache-Control", "")) is expected


def test_production_settings_pass_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x7!Kp2@qL9#vR4$mN8^bT1&zW6*cY3(hJ5)dF0_gS-eA+uQ=iO",
        "ALLOWED_HOSTS": "x",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the Playwright fixture, not by deploys
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_editor_group_may_edit_the_helpdesk_setting(db):
    from django.apps import apps
    from wagtail.models import Site

    from accounts.roles import ensure_role_groups

    ensure_role_groups(apps)
    client = logged_in(make_editor())
    site = Site.objects.get(is_default_site=True)
    response = client.get(f"/admin/settings/cms/helpdesksettings/{site.pk}/")
    assert response.status_code == 200
