"""Role x URL matrix: every admin screen of the project answers each role as it may.

An allowed role gets the screen (a 200; for a POST, the action takes place). A refused role
gets the exact answer of the first layer that refuses it, status, redirect target and
message alike:

1. an anonymous visitor: Wagtail's sign-in redirect, with `next` (SIGN_IN);
2. a service, school or coordinator login outside its own admin sections:
   accounts.middleware.AdminRoleMiddleware's redirect to the dashboard (OUTSIDE_ROLE);
3. the view itself: Wagtail's answer to a missing permission, which is also what our own
   admin views' PermissionDenied becomes under Wagtail's require_admin_access (a redirect
   to the dashboard with Wagtail's message, WAGTAIL_DENIED; a 403 only for XMLHttpRequest),
   or a 404 where the view's own scoping does not find another service's or school's object
   (NOT_FOUND), or a 200 that leaves out what the role may not see (HIDDEN), or a refusal
   of the domain with its own message.

Each case says what its view answers (`refusal`, Wagtail's by default) and, in `refused`,
the roles answered otherwise. Service B's objects are guessed by service A's login, and
school A's login guesses school B's import job.

A POST-only URL is posted to as its screen posts (the test client skips CSRF); such a case
says what "done" means (the action took place): an allowed role's POST must do it, a
refused role's must not.
"""

import dataclasses
from collections.abc import Callable, Mapping
from html import escape
from urllib.parse import quote, urlencode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from guardian.shortcuts import assign_perm
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.log_actions import log
from wagtail.models import Collection, Site

from accounts.models import Invitation, Role, SecondFactorReset
from accounts.services import invitation_create
from cms.models import ContentPage
from matching.models import (
    Capacity,
    Decision,
    Milestone,
    PersonalDataAccess,
    School,
    Scope,
    Status,
    StatusChange,
    Student,
    Track,
)
from matching.services import ALREADY_PLACED, decision_set_status, personal_data_log
from notifications.models import MailTemplate, Outbox
from proposals.models import ProposalLine, ProposalRun
from reporting.models import OperatorExport
from schoolimports.models import ImportJob
from tests.factories import (
    ContactPersonFactory,
    RoundFactory,
    SchoolFactory,
    ServiceFactory,
    StudentFactory,
    province,
)
from tests.logins import (
    PASSWORD,
    make_coordinator,
    make_editor,
    make_operator,
    make_school_user,
    make_service_user,
)

ROLES = ["anonymous", "operator", "editor", "service_a", "service_b", "school_a", "coordinator"]
NOBODY: frozenset = frozenset()
OPERATOR = frozenset({"operator"})
# Operators hold the editors' rights too (pages, images, documents, mail texts, helpdesk).
EDITORS = frozenset({"operator", "editor"})
SERVICES = frozenset({"service_a", "service_b"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}

LOGIN = "/admin/login/"
DASHBOARD = "/admin/"


@dataclasses.dataclass(frozen=True)
class Refusal:
    """The exact answer of the layer that refuses: its status, where its redirect points
    (a string, or a function of the requested URL) and the messages it leaves."""

    layer: str
    status: int
    location: str | Callable[[str], str] | None = None
    messages: tuple[str, ...] = ()

    def location_for(self, url: str) -> str | None:
        return self.location(url) if callable(self.location) else self.location


# Wagtail's require_admin_access sends an anonymous visitor to sign in (Django's
# redirect_to_login: the path and query in `next`, "/" left as is).
SIGN_IN = Refusal("Wagtail sign-in", 302, lambda url: f"{LOGIN}?next={quote(url, safe='/')}")
# Wagtail's permission_denied: a missing model permission, a permission policy's no, or a
# PermissionDenied raised by one of our admin views (require_admin_access turns it into
# this; a 403 would only answer an XMLHttpRequest).
WAGTAIL_DENIED = Refusal(
    "Wagtail permission_denied",
    302,
    DASHBOARD,
    ("Sorry, je hebt geen toegang tot dit gedeelte.",),
)
# accounts.middleware.AdminRoleMiddleware, before any view runs.
OUTSIDE_ROLE = Refusal(
    "AdminRoleMiddleware", 302, DASHBOARD, ("U hebt geen toegang tot deze pagina.",)
)
# The view's own scoping: another service's or school's object is not found (the same
# answer as an id that does not exist).
NOT_FOUND = Refusal("view scoping", 404)
# A screen Wagtail or our view shows to the role, filtered: the case's secret is absent.
HIDDEN = Refusal("view filter", 200)

# The admin sections a login outside the staff may open besides Wagtail's frame (dashboard,
# account, sign-out): its own screens. AdminRoleMiddleware refuses the rest.
OWN_SECTIONS = {
    "service_a": ("/admin/service/", "/admin/contact-persons/"),
    "service_b": ("/admin/service/", "/admin/contact-persons/"),
    "school_a": ("/admin/school/",),
    "coordinator": ("/admin/rapportering/",),
}


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    url: str
    allowed: frozenset
    # POST body; None means a GET.
    data: dict | None = None
    # For a POST: did the action take place? (None: a 200 counts as done.)
    done: Callable[[], bool] | None = None
    # For a screen Wagtail shows to every admin login, filtered per user (choosers, site
    # history, admin API): what only an allowed role may see.
    secret: str | None = None
    # The view's answer to a signed-in role that reaches it but may not use it.
    refusal: Refusal = WAGTAIL_DENIED
    # Roles answered otherwise than the layers above say, by role.
    refused: Mapping[str, Refusal] = dataclasses.field(default_factory=dict)

    def refusal_for(self, role: str) -> Refusal:
        """The answer `role` gets, from the first layer that refuses it."""
        if role in self.refused:
            return self.refused[role]
        if role == "anonymous":
            return SIGN_IN
        if role in OWN_SECTIONS and not self.url.startswith(OWN_SECTIONS[role]):
            return OUTSIDE_ROLE
        return self.refusal


def get(name, url, allowed, secret=None, refusal=WAGTAIL_DENIED, refused=None):
    return Case(
        name, url, frozenset(allowed), secret=secret, refusal=refusal, refused=refused or {}
    )


def post(name, url, allowed, data=None, done=None, refusal=WAGTAIL_DENIED, refused=None):
    return Case(
        name, url, frozenset(allowed), data or {}, done, refusal=refusal, refused=refused or {}
    )


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the image and document below write files
    rnd = RoundFactory(scope=Scope.ALL, track=Track.SECONDARY)
    year = rnd.school_year
    service_a, service_b = ServiceFactory(), ServiceFactory()
    school_a = SchoolFactory()
    school_b = SchoolFactory(kind=School.Kind.SECONDARY)
    contact_a = ContactPersonFactory(service=service_a)
    contact_b = ContactPersonFactory(service=service_b)
    open_student = StudentFactory(school_year=year, school=school_a)
    placed_b = StudentFactory(school_year=year, school=school_b)
    # School B registered A's open student's number too (a duplicate for the operator).
    StudentFactory(
        school_year=year,
        school=school_b,
        national_register_number=open_student.national_register_number,
    )
    decision_b = decision_set_status(
        service=service_b,
        student_id=placed_b.pk,
        status=Status.ACCEPTED,
        user=None,
        mentor=contact_b,
        period_start=year.starts_on,
        period_end=year.ends_on,
    )
    change_b = StatusChange.objects.filter(student=placed_b, service=service_b).first()
    capacity_b = Capacity.objects.create(
        service=service_b, school_year=year, track=Track.SECONDARY, places=3
    )
    users = {
        "operator": make_operator(),
        "editor": make_editor(),
        "service_a": make_service_user(service_a),
        "service_b": make_service_user(service_b),
        "school_a": make_school_user(school_a),
        "coordinator": make_coordinator(province("ANT")),
    }
    personal_data_log(
        user=users["service_b"],
        students=[placed_b],
        context=PersonalDataAccess.Context.DETAIL,
        service=service_b,
    )
    access_b = PersonalDataAccess.objects.get(student=placed_b, service=service_b)
    milestone = Milestone.objects.create(
        school_year=year,
        name="Inschrijvingen",
        tracks="secondary",
        starts_at=rnd.starts_at,
        ends_at=rnd.ends_at,
    )
    schedule = PeriodicTask.objects.order_by("pk").first()
    assert schedule is not None, "notifications' post_migrate makes the beat schedules"
    job_a = ImportJob.objects.create(
        school=school_a, school_year=year, filename="a.csv", sha256="a" * 64
    )
    job_b = ImportJob.objects.create(
        school=school_b, school_year=year, filename="b.csv", sha256="b" * 64
    )
    outbox = Outbox.objects.create(to="x@example.be", subject="s", body="b", template_key="t")
    failed = Outbox.objects.create(
        to="y@example.be",
        subject="s",
        body="b",
        template_key="t",
        status=Outbox.Status.FAILED,
        attempts=3,
    )
    failed_bulk = Outbox.objects.create(
        to="z@example.be", subject="s", body="b", status=Outbox.Status.FAILED, attempts=16
    )
    bulk_retry = (
        reverse("wagtail_bulk_action", args=["notifications", "outbox", "retry"])
        + f"?id={failed_bulk.pk}"
    )
    invitation = invitation_create(
        email="nieuw@example.be",
        role=Role.SERVICE,
        service=service_a,
        invited_by=users["operator"],
    )
    attempt = AccessAttempt.objects.create(
        username="vergrendeld@example.be",
        ip_address="192.0.2.1",
        user_agent="test",
        failures_since_start=10,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/admin/login/",
    )
    template = MailTemplate.objects.first()
    site = Site.objects.get(is_default_site=True)
    # Editors' content: a draft page, an image and a document, each with a telling title.
    home = site.root_page
    draft = home.add_child(instance=ContentPage(title="Concept Zomerstages", slug="concept"))
    draft.unpublish()
    collection = Collection.get_first_root_node()
    image = get_image_model().objects.create(
        title="Beeld Stagedag", file=get_test_image_file(), collection=collection
    )
    document = get_document_model().objects.create(
        title="Brochure Stagegids",
        file=ContentFile(b"gids", name="gids.txt"),
        collection=collection,
    )
    # One entry in Wagtail's site history that names a student.
    log(instance=placed_b, action="wagtail.edit", user=users["operator"])
    other_province = province("LIM")
    # A login whose second factor an operator may reset (not one of the signed-in roles).
    reset_target = make_service_user(service_a)

    # Proposals (issue 19): one sent to services A and B, one draft of the adult track.
    sent_run = ProposalRun.objects.create(
        school_year=year,
        track=Track.SECONDARY,
        number=1,
        status=ProposalRun.Status.SENT,
        sent_at=rnd.starts_at,
        deadline=rnd.ends_at,
    )
    open_b = StudentFactory(school_year=year, school=school_b)
    line_a = ProposalLine.objects.create(run=sent_run, student=open_student, service=service_a)
    line_b = ProposalLine.objects.create(run=sent_run, student=open_b, service=service_b)
    cvo = SchoolFactory(kind=School.Kind.CVO)
    draft_run = ProposalRun.objects.create(school_year=year, track=Track.ADULT, number=1)
    draft_lines = [
        ProposalLine.objects.create(
            run=draft_run,
            student=StudentFactory(school_year=year, school=cvo, track=Track.ADULT),
            service=service_a,
        )
        for _ in range(2)
    ]
    accept_b = {
        "mentor": contact_b.pk,
        "period_start": year.starts_on.isoformat(),
        "period_end": year.ends_on.isoformat(),
    }

    def line_state(line):
        return lambda: ProposalLine.objects.get(pk=line.pk).state

    def snippet(action, *args):
        return reverse(f"wagtailsnippets_notifications_mailtemplate:{action}", args=args)

    urls = [
        get("dashboard", reverse("wagtailadmin_home"), SIGNED_IN),
        get("account", reverse("wagtailadmin_account"), SIGNED_IN),
        # A GET only asks (Dutch confirmation); the POST itself is in
        # tests/accounts/test_logout.py. Our logout view sends an anonymous GET to sign in
        # without a `next`.
        get(
            "sign-out confirmation",
            reverse("wagtailadmin_logout"),
            SIGNED_IN,
            refused={"anonymous": Refusal("AdminLogoutView", 302, LOGIN)},
        ),
        # Wagtail's error-test page does not exist in production: accounts.views.not_found
        # answers before any sign-in check (service, school and coordinator logins are
        # refused by the role middleware first).
        get(
            "wagtail error test",
            "/admin/failwhale/",
            NOBODY,
            refusal=NOT_FOUND,
            refused={"anonymous": NOT_FOUND},
        ),
        # One number registered by two schools: the operator's screen and its action.
        get("duplicate registrations", reverse("operator_duplicates"), OPERATOR),
        # Operator screens: school years, rounds, milestones.
        get("school years", reverse("school_years:index"), OPERATOR),
        get("school years results", reverse("school_years:index_results"), OPERATOR),
        get("school year add", reverse("school_years:add"), OPERATOR),
        get("school year edit", reverse("school_years:edit", args=[year.pk]), OPERATOR),
        get("school year inspect", reverse("school_years:inspect", args=[year.pk]), OPERATOR),
        get("school year history", reverse("school_years:history", args=[year.pk]), OPERATOR),
        get("school year usage", reverse("school_years:usage", args=[year.pk]), OPERATOR),
        get("school year delete", reverse("school_years:delete", args=[year.pk]), OPERATOR),
        get("default timetable", reverse("operator_school_year_default"), OPERATOR),
        get("school year close", reverse("operator_school_year_close", args=[year.pk]), OPERATOR),
        get("rounds", reverse("rounds:index"), OPERATOR),
        get("rounds results", reverse("rounds:index_results"), OPERATOR),
        get("round add", reverse("rounds:add"), OPERATOR),
        get("round edit", reverse("rounds:edit", args=[rnd.pk]), OPERATOR),
        get("round copy", reverse("rounds:copy", args=[rnd.pk]), OPERATOR),
        get("round delete", reverse("rounds:delete", args=[rnd.pk]), OPERATOR),
        get("round history", reverse("rounds:history", args=[rnd.pk]), OPERATOR),
        get("round usage", reverse("rounds:usage", args=[rnd.pk]), OPERATOR),
        get("milestones", reverse("milestones:index"), OPERATOR),
        get("milestones results", reverse("milestones:index_results"), OPERATOR),
        get("milestone add", reverse("milestones:add"), OPERATOR),
        get("milestone edit", reverse("milestones:edit", args=[milestone.pk]), OPERATOR),
        get("milestone copy", reverse("milestones:copy", args=[milestone.pk]), OPERATOR),
        get("milestone delete", reverse("milestones:delete", args=[milestone.pk]), OPERATOR),
        get("milestone history", reverse("milestones:history", args=[milestone.pk]), OPERATOR),
        get("milestone usage", reverse("milestones:usage", args=[milestone.pk]), OPERATOR),
        # Operator screens: services and schools.
        get("services", reverse("services:index"), OPERATOR),
        get("services results", reverse("services:index_results"), OPERATOR),
        get("capacities", reverse("capacities:index"), OPERATOR),
        get("capacities results", reverse("capacities:index_results"), OPERATOR),
        get("capacity add", reverse("capacities:add"), OPERATOR),
        get("capacity edit", reverse("capacities:edit", args=[capacity_b.pk]), OPERATOR),
        get("capacity inspect", reverse("capacities:inspect", args=[capacity_b.pk]), OPERATOR),
        get("capacity history", reverse("capacities:history", args=[capacity_b.pk]), OPERATOR),
        get("capacity usage", reverse("capacities:usage", args=[capacity_b.pk]), OPERATOR),
        get("capacity delete", reverse("capacities:delete", args=[capacity_b.pk]), NOBODY),
        get("service add", reverse("services:add"), OPERATOR),
        get("service edit", reverse("services:edit", args=[service_b.pk]), OPERATOR),
        get("service copy", reverse("services:copy", args=[service_b.pk]), OPERATOR),
        get("service inspect", reverse("services:inspect", args=[service_b.pk]), OPERATOR),
        # A service is deactivated, never deleted (its history PROTECTs it anyway).
        get("service delete", reverse("services:delete", args=[service_b.pk]), NOBODY),
        get("service history", reverse("services:history", args=[service_b.pk]), OPERATOR),
        get("service usage", reverse("services:usage", args=[service_b.pk]), OPERATOR),
        get("schools", reverse("schools:index"), OPERATOR),
        get("schools results", reverse("schools:index_results"), OPERATOR),
        get("school add", reverse("schools:add"), OPERATOR),
        get("school edit", reverse("schools:edit", args=[school_b.pk]), OPERATOR),
        get("school copy", reverse("schools:copy", args=[school_b.pk]), OPERATOR),
        get("school inspect", reverse("schools:inspect", args=[school_b.pk]), OPERATOR),
        get("school delete", reverse("schools:delete", args=[school_b.pk]), OPERATOR),
        get("school history", reverse("schools:history", args=[school_b.pk]), OPERATOR),
        get("school usage", reverse("schools:usage", args=[school_b.pk]), OPERATOR),
        # Operator screens, read-only: add, edit and delete refuse everyone.
        get("students (operator)", reverse("students:index"), OPERATOR),
        get("students results", reverse("students:index_results"), OPERATOR),
        get("student add", reverse("students:add"), NOBODY),
        get("student edit", reverse("students:edit", args=[placed_b.pk]), NOBODY),
        get("student delete", reverse("students:delete", args=[placed_b.pk]), NOBODY),
        get("student inspect", reverse("students:inspect", args=[placed_b.pk]), OPERATOR),
        get("student history", reverse("students:history", args=[placed_b.pk]), OPERATOR),
        get("student usage", reverse("students:usage", args=[placed_b.pk]), OPERATOR),
        get("decisions", reverse("decisions:index"), OPERATOR),
        get("decisions results", reverse("decisions:index_results"), OPERATOR),
        get("decision add", reverse("decisions:add"), NOBODY),
        get("decision edit", reverse("decisions:edit", args=[decision_b.pk]), NOBODY),
        get("decision delete", reverse("decisions:delete", args=[decision_b.pk]), NOBODY),
        get("decision inspect", reverse("decisions:inspect", args=[decision_b.pk]), OPERATOR),
        get("decision history", reverse("decisions:history", args=[decision_b.pk]), OPERATOR),
        get("decision usage", reverse("decisions:usage", args=[decision_b.pk]), OPERATOR),
        get("status changes", reverse("status-changes:index"), OPERATOR),
        get("status changes results", reverse("status-changes:index_results"), OPERATOR),
        get("status change add", reverse("status-changes:add"), NOBODY),
        get("status change edit", reverse("status-changes:edit", args=[change_b.pk]), NOBODY),
        get("status change delete", reverse("status-changes:delete", args=[change_b.pk]), NOBODY),
        get(
            "status change history",
            reverse("status-changes:history", args=[change_b.pk]),
            OPERATOR,
        ),
        get("status change usage", reverse("status-changes:usage", args=[change_b.pk]), OPERATOR),
        get("data access log", reverse("personal-data-access:index"), OPERATOR),
        get("data access results", reverse("personal-data-access:index_results"), OPERATOR),
        get("data access add", reverse("personal-data-access:add"), NOBODY),
        get("data access edit", reverse("personal-data-access:edit", args=[access_b.pk]), NOBODY),
        get(
            "data access delete",
            reverse("personal-data-access:delete", args=[access_b.pk]),
            NOBODY,
        ),
        get(
            "data access history",
            reverse("personal-data-access:history", args=[access_b.pk]),
            OPERATOR,
        ),
        get(
            "data access usage",
            reverse("personal-data-access:usage", args=[access_b.pk]),
            OPERATOR,
        ),
        # Mail: the outbox (read-only) and the beat schedules.
        get("outbox", reverse("outbox:index"), OPERATOR),
        get("outbox results", reverse("outbox:index_results"), OPERATOR),
        get("outbox add", reverse("outbox:add"), NOBODY),
        get("outbox edit", reverse("outbox:edit", args=[outbox.pk]), NOBODY),
        get("outbox delete", reverse("outbox:delete", args=[outbox.pk]), NOBODY),
        get("outbox inspect", reverse("outbox:inspect", args=[outbox.pk]), OPERATOR),
        get("outbox history", reverse("outbox:history", args=[outbox.pk]), OPERATOR),
        get("outbox usage", reverse("outbox:usage", args=[outbox.pk]), OPERATOR),
        get("schedules", reverse("schedules:index"), OPERATOR),
        get("schedules results", reverse("schedules:index_results"), OPERATOR),
        get("schedule add", reverse("schedules:add"), OPERATOR),
        get("schedule edit", reverse("schedules:edit", args=[schedule.pk]), OPERATOR),
        get("schedule delete", reverse("schedules:delete", args=[schedule.pk]), OPERATOR),
        get("schedule history", reverse("schedules:history", args=[schedule.pk]), OPERATOR),
        get("schedule usage", reverse("schedules:usage", args=[schedule.pk]), OPERATOR),
        # Access: logins, invitations, lockouts.
        get("logins", reverse("logins:index"), OPERATOR),
        get("invitations", reverse("invitations:index"), OPERATOR),
        get("invite", reverse("invitations:add"), OPERATOR),
        get("lockouts", reverse("lockouts:index"), OPERATOR),
        # Reporting.
        get("reporting", reverse("reporting:index"), OPERATOR),
        get("anonymise", reverse("reporting:anonymise", args=[year.pk]), OPERATOR),
        # Proposals: the operator's screens and actions, each service's own lines only.
        get("proposals", reverse("proposals:index"), OPERATOR),
        get("proposal", reverse("proposals:run", args=[sent_run.pk]), OPERATOR),
        get("proposal draft", reverse("proposals:run", args=[draft_run.pk]), OPERATOR),
        # Round 1 is in force: nobody can ask for a proposal yet, the operator included
        # (the service refuses, the view redirects to the proposals with its message).
        post(
            "proposal create",
            reverse("proposals:create", args=[Track.SECONDARY]),
            NOBODY,
            done=lambda: ProposalRun.objects.count() > 2,
            refused={
                "operator": Refusal(
                    "proposals service",
                    302,
                    reverse("proposals:index"),
                    (
                        "Een voorstel kan pas gevraagd worden zodra ronde 3 voor dit type "
                        "leerling loopt.",
                    ),
                )
            },
        ),
        post(
            "proposal line drop",
            reverse("proposals:drop", args=[draft_run.pk, draft_lines[0].pk]),
            OPERATOR,
            done=lambda: line_state(draft_lines[0])() == ProposalLine.State.DROPPED,
        ),
        post(
            "proposal send",
            reverse("proposals:send", args=[draft_run.pk]),
            OPERATOR,
            data={"deadline": "2099-01-05T12:00"},
            done=lambda: ProposalRun.objects.get(pk=draft_run.pk).status == ProposalRun.Status.SENT,
        ),
        get("service proposals", reverse("proposals_service:index"), SERVICES, secret=None),
        post(
            "proposal accept of B's line",
            reverse("proposals_service:accept", args=[line_b.pk]),
            {"service_b"},
            data=accept_b,
            done=lambda: line_state(line_b)() == ProposalLine.State.ACCEPTED,
            refused={"service_a": NOT_FOUND},
        ),
        post(
            "proposal decline of A's line",
            reverse("proposals_service:decline", args=[line_a.pk]),
            {"service_a"},
            data={"reason": "Geen mentor vrij"},
            done=lambda: line_state(line_a)() == ProposalLine.State.DECLINED,
            refused={"service_b": NOT_FOUND},
        ),
        post(
            "proposal close",
            reverse("proposals:close", args=[sent_run.pk]),
            OPERATOR,
            done=lambda: (
                ProposalRun.objects.get(pk=sent_run.pk).status == ProposalRun.Status.CLOSED
            ),
        ),
        # Editors: mail texts, helpdesk setting, pages, images, documents.
        # Wagtail's snippet index lists only snippets without a menu item of their own: with
        # the mail texts in the menu it has nothing to show and refuses everyone.
        get("snippets", reverse("wagtailsnippets:index"), NOBODY),
        get("mail texts", snippet("list"), EDITORS),
        get("mail texts results", snippet("list_results"), EDITORS),
        # Nobody adds a mail text (the code sends the keys it knows; the form has no key).
        get("mail text add", snippet("add"), NOBODY),
        get("mail text edit", snippet("edit", template.pk), EDITORS),
        get("mail text history", snippet("history", template.pk), EDITORS),
        get("mail text usage", snippet("usage", template.pk), EDITORS),
        # Editors may not delete a mail text (the code sends the keys it knows); operators
        # hold every notifications permission.
        get("mail text delete", snippet("delete", template.pk), OPERATOR),
        get(
            "mail text chooser",
            reverse("wagtailsnippetchoosers_notifications_mailtemplate:choose"),
            EDITORS,
            secret=template.name,
        ),
        get(
            "mail text chooser results",
            reverse("wagtailsnippetchoosers_notifications_mailtemplate:choose_results"),
            EDITORS,
            secret=template.name,
        ),
        get(
            "mail text chosen multiple",
            reverse("wagtailsnippetchoosers_notifications_mailtemplate:chosen_multiple")
            + f"?id={template.pk}",
            EDITORS,
            secret=template.name,
        ),
        # Wagtail's chooser has no creation form for mail texts (a POST was a 500); with
        # adding refused to everyone, its create view refuses every role, GET and POST.
        get(
            "mail text chooser create",
            reverse("wagtailsnippetchoosers_notifications_mailtemplate:create"),
            NOBODY,
        ),
        post(
            "mail text chooser create (POST)",
            reverse("wagtailsnippetchoosers_notifications_mailtemplate:create"),
            NOBODY,
            {"name": "Nieuw", "subject": "Onderwerp", "body": "Tekst"},
            done=lambda: MailTemplate.objects.filter(name="Nieuw").exists(),
        ),
        get(
            "mail text chosen",
            reverse("wagtailsnippetchoosers_notifications_mailtemplate:chosen", args=[template.pk]),
            EDITORS,
            secret=template.name,
        ),
        get(
            "helpdesk setting",
            reverse("wagtailsettings:edit", args=["cms", "helpdesksettings", site.pk]),
            EDITORS,
        ),
        get("pages", reverse("wagtailadmin_explore_root"), EDITORS),
        get("home's pages", reverse("wagtailadmin_explore", args=[home.pk]), EDITORS),
        get("draft page edit", reverse("wagtailadmin_pages:edit", args=[draft.pk]), EDITORS),
        get("page search", reverse("wagtailadmin_pages:search"), EDITORS),
        get(
            "page chooser",
            reverse("wagtailadmin_choose_page_child", args=[home.pk]),
            EDITORS,
            secret=draft.title,
        ),
        get(
            "pages API",
            reverse("wagtailadmin_api:pages:detail", args=[draft.pk]),
            EDITORS,
            secret=draft.title,
        ),
        get("images", reverse("wagtailimages:index"), EDITORS),
        get("image add", reverse("wagtailimages:add"), EDITORS),
        get("image edit", reverse("wagtailimages:edit", args=[image.pk]), EDITORS),
        get(
            "image chooser",
            reverse("wagtailimages_chooser:choose"),
            EDITORS,
            secret=image.title,
        ),
        get(
            "images API",
            reverse("wagtailadmin_api:images:listing"),
            EDITORS,
            secret=image.title,
        ),
        get("documents", reverse("wagtaildocs:index"), EDITORS),
        get("document add", reverse("wagtaildocs:add"), EDITORS),
        get("document edit", reverse("wagtaildocs:edit", args=[document.pk]), EDITORS),
        get(
            "document chooser",
            reverse("wagtaildocs_chooser:choose"),
            EDITORS,
            secret=document.title,
        ),
        get(
            "documents API",
            reverse("wagtailadmin_api:documents:listing"),
            EDITORS,
            secret=document.title,
        ),
        # Wagtail's own administration. Operators hold accounts.view_user.
        get("wagtail users", reverse("wagtailusers_users:index"), OPERATOR),
        get("wagtail user add", reverse("wagtailusers_users:add"), NOBODY),
        get("wagtail groups", reverse("wagtailusers_groups:index"), NOBODY),
        # Site history answers every admin login, with the entries it may see: a student's
        # only for the operator (editors see their pages' entries).
        get(
            "site history",
            reverse("wagtailadmin_reports:site_history"),
            OPERATOR,
            secret=str(placed_b),
            refused={"editor": HIDDEN},
        ),
        get(
            "site history csv",
            reverse("wagtailadmin_reports:site_history") + "?export=csv",
            OPERATOR,
            secret=str(placed_b),
            refused={"editor": HIDDEN},
        ),
        get("locked pages", reverse("wagtailadmin_reports:locked_pages"), EDITORS),
        get("aging pages", reverse("wagtailadmin_reports:aging_pages"), EDITORS),
        get("page types usage", reverse("wagtailadmin_reports:page_types_usage"), EDITORS),
        get("workflow report", reverse("wagtailadmin_reports:workflow"), EDITORS),
        get("forms", reverse("wagtailforms:index"), EDITORS),
        get("sites", reverse("wagtailsites:index"), NOBODY),
        get("collections", reverse("wagtailadmin_collections:index"), NOBODY),
        get("workflows", reverse("wagtailadmin_workflows:index"), NOBODY),
        get("workflow tasks", reverse("wagtailadmin_workflows:task_index"), NOBODY),
        get("redirects", reverse("wagtailredirects:index"), NOBODY),
        get("search promotions", reverse("wagtailsearchpromotions:index"), NOBODY),
        # Service workspace.
        get("students list", reverse("service_students", args=["secondary"]), SERVICES),
        get("adult students list", reverse("service_students", args=["adult"]), SERVICES),
        get("dual students list", reverse("service_students", args=["dual"]), SERVICES),
        get(
            "students export",
            reverse("service_students_export", args=["secondary"]) + "?format=csv",
            SERVICES,
        ),
        get(
            "adult students export",
            reverse("service_students_export", args=["adult"]) + "?format=csv",
            SERVICES,
        ),
        get(
            "dual students export",
            reverse("service_students_export", args=["dual"]) + "?format=csv",
            SERVICES,
        ),
        get(
            "open student detail",
            reverse("service_student_detail", args=[open_student.pk]),
            SERVICES,
        ),
        get(
            "B's placed student detail",
            reverse("service_student_detail", args=[placed_b.pk]),
            {"service_b"},
            # Another service that could have seen the student gets "placed meanwhile"
            # (200, the name only): the request itself must not show.
            secret=placed_b.school.name,
            refused={"service_a": HIDDEN},
        ),
        get(
            "live list",
            reverse("service_students_live", args=["secondary"]) + f"?ids={open_student.pk}",
            SERVICES,
        ),
        get("service capacity", reverse("service_capacity"), SERVICES),
        get("contact persons", reverse("contact-persons:index"), {"operator", *SERVICES}),
        get(
            "contact persons results",
            reverse("contact-persons:index_results"),
            {"operator", *SERVICES},
        ),
        # A contact person belongs to the service that adds it; operators have none.
        get("contact add", reverse("contact-persons:add"), SERVICES),
        get(
            "A's contact edit",
            reverse("contact-persons:edit", args=[contact_a.pk]),
            {"operator", "service_a"},
            refused={"service_b": NOT_FOUND},
        ),
        get(
            "B's contact edit",
            reverse("contact-persons:edit", args=[contact_b.pk]),
            {"operator", "service_b"},
            refused={"service_a": NOT_FOUND},
        ),
        # Inspect, history, usage and delete look the contact up (scoped to the login's
        # service) before Wagtail checks the permission, so an editor, who has no service,
        # gets the 404 there while edit, the listing and add give it Wagtail's redirect.
        get(
            "B's contact inspect",
            reverse("contact-persons:inspect", args=[contact_b.pk]),
            {"operator", "service_b"},
            refusal=NOT_FOUND,
        ),
        get(
            "B's contact history",
            reverse("contact-persons:history", args=[contact_b.pk]),
            {"operator", "service_b"},
            refusal=NOT_FOUND,
        ),
        get(
            "B's contact history results",
            reverse("contact-persons:history_results", args=[contact_b.pk]),
            {"operator", "service_b"},
            refusal=NOT_FOUND,
        ),
        get(
            "B's contact usage",
            reverse("contact-persons:usage", args=[contact_b.pk]),
            {"operator", "service_b"},
            refusal=NOT_FOUND,
        ),
        get(
            "B's contact delete",
            reverse("contact-persons:delete", args=[contact_b.pk]),
            {"operator", "service_b"},
            refusal=NOT_FOUND,
        ),
        # School screens.
        get("school students", reverse("matching_school:index"), {"school_a"}),
        get("school student add", reverse("matching_school:student_add"), {"school_a"}),
        get(
            "own student edit",
            reverse("matching_school:student_edit", args=[open_student.pk]),
            {"school_a"},
        ),
        get(
            "school B's student edit",
            reverse("matching_school:student_edit", args=[placed_b.pk]),
            NOBODY,
            refused={"school_a": NOT_FOUND},
        ),
        get("school export", reverse("matching_school:export") + "?format=csv", {"school_a"}),
        get("school import", reverse("schoolimports:upload"), {"school_a"}),
        get(
            "import template csv",
            reverse("schoolimports:template", args=["csv"]),
            {"school_a"},
        ),
        get(
            "import template xlsx",
            reverse("schoolimports:template", args=["xlsx"]),
            {"school_a"},
        ),
        get("own import job", reverse("schoolimports:job", args=[job_a.pk]), {"school_a"}),
        get(
            "own import job status",
            reverse("schoolimports:job_status", args=[job_a.pk]),
            {"school_a"},
        ),
        get(
            "school B's import job",
            reverse("schoolimports:job", args=[job_b.pk]),
            NOBODY,
            refused={"school_a": NOT_FOUND},
        ),
        get(
            "school B's import job status",
            reverse("schoolimports:job_status", args=[job_b.pk]),
            NOBODY,
            refused={"school_a": NOT_FOUND},
        ),
        # Regional coordinator.
        get("region figures", reverse("reporting:figures"), {"operator", "coordinator"}),
        get(
            "other province figures",
            reverse("reporting:figures_province", args=[other_province.pk]),
            OPERATOR,
            refused={"coordinator": NOT_FOUND},
        ),
        get("region unplaced", reverse("reporting:unplaced"), {"operator", "coordinator"}),
        get("supply and demand", reverse("reporting:supply"), {"operator", "coordinator"}),
        # POST-only actions, last: they change the rows they act on (and nothing above).
        post(
            "operator export",
            reverse("reporting:export"),
            OPERATOR,
            data={"school_year": year.pk, "format": "csv"},
            done=lambda: OperatorExport.objects.filter(school_year=year).exists(),
        ),
        post(
            "duplicate registration resolve",
            reverse("operator_duplicates_resolve", args=[open_student.pk]),
            OPERATOR,
            data={"note": "Nummer verkeerd getypt; verbeterd."},
            done=lambda: Student.objects.filter(duplicate_resolved_at__isnull=False).exists(),
        ),
        post(
            "outbox retry",
            reverse("outbox_retry", args=[failed.pk]),
            OPERATOR,
            done=lambda: Outbox.objects.get(pk=failed.pk).status == Outbox.Status.QUEUED,
        ),
        get("outbox bulk retry confirm", bulk_retry, OPERATOR, secret="z@example.be"),
        post(
            "outbox bulk retry",
            bulk_retry,
            OPERATOR,
            done=lambda: Outbox.objects.get(pk=failed_bulk.pk).status != Outbox.Status.FAILED,
        ),
        post(
            "invitation resend",
            reverse("invitations:resend", args=[invitation.pk]),
            OPERATOR,
            done=lambda: Invitation.objects.get(pk=invitation.pk).sent_count > 1,
        ),
        post(
            "invitation revoke",
            reverse("invitations:revoke", args=[invitation.pk]),
            OPERATOR,
            done=lambda: Invitation.objects.get(pk=invitation.pk).revoked_at is not None,
        ),
        post(
            "second factor reset",
            reverse("logins:second_factor_reset", args=[reset_target.pk]),
            OPERATOR,
            done=lambda: SecondFactorReset.objects.filter(user=reset_target).exists(),
        ),
        post(
            "lockout unlock",
            reverse("lockouts:unlock", args=[attempt.pk]),
            OPERATOR,
            done=lambda: not AccessAttempt.objects.filter(pk=attempt.pk).exists(),
        ),
        post(
            "status of B's placed student by another service",
            reverse("service_student_status", args=[placed_b.pk]),
            NOBODY,
            data={"status": Status.NOT_ACCEPTED},
            done=lambda: (
                Decision.objects.filter(student=placed_b).exclude(service=service_b).exists()
            ),
            refused={
                # Service A could have seen the student: told it was placed meanwhile.
                "service_a": Refusal(
                    "service workspace",
                    302,
                    DASHBOARD,
                    (f"{placed_b.last_name}, {placed_b.first_name}: {ALREADY_PLACED}",),
                ),
                # Service B's own placement: "not accepted" withdraws it, which is asked
                # to be confirmed first (nothing changes yet).
                "service_b": Refusal(
                    "service workspace",
                    302,
                    f"{DASHBOARD}#s-{placed_b.pk}",
                    (
                        f"{placed_b.last_name}, {placed_b.first_name}: Bevestig dat u de "
                        "aanvaarding intrekt: de school krijgt een mail, de stagementor en "
                        "de stageperiode worden gewist en de leerling wordt opnieuw "
                        "zichtbaar voor andere diensten.",
                    ),
                ),
            },
        ),
    ]
    names = [case.name for case in urls]
    assert len(names) == len(set(names)), "case names must be unique"
    return {
        "users": users,
        "urls": urls,
        "service_a": service_a,
        "placed_b": placed_b,
        "contact_b": contact_b,
    }


def _answer(client, case):
    """The response to `case` and the messages it left. The messages are dropped from the
    client, so each case's response is read alone."""
    send = client.get if case.data is None else lambda url: client.post(url, case.data)
    response = send(case.url)
    shown = tuple(str(message).strip() for message in get_messages(response.wsgi_request))
    client.cookies.pop("messages", None)
    return response, shown


def _body(response) -> str:
    return b"".join(response).decode()


def _shows(body: str, secret: str) -> bool:
    return secret in body or escape(secret) in body


def _check(client, case, allowed: bool, refusal: Refusal) -> str | None:
    """None when `case` answers as allowed (or with exactly `refusal`), else what differs."""
    response, shown = _answer(client, case)
    method = "GET" if case.data is None else "POST"
    where = f"{case.name} ({method} {case.url})"
    location = response.get("Location")
    if allowed:
        if case.data is not None and case.done is not None:
            if not case.done():
                return f"{where}: allowed, not done [{response.status_code} {location}]"
            return None
        if response.status_code != 200:
            return f"{where}: allowed, answered {response.status_code} {location} {shown}"
        if case.secret is not None and not _shows(_body(response), case.secret):
            return f"{where}: allowed, 200 without {case.secret!r}"
        return None
    answer = (response.status_code, location, shown)
    expected = (refusal.status, refusal.location_for(case.url), refusal.messages)
    if answer != expected:
        return f"{where}: answered {answer}, expected {refusal.layer} {expected}"
    if refusal.status == 200 and case.secret is not None and _shows(_body(response), case.secret):
        return f"{where}: {refusal.layer} shows {case.secret!r}"
    if case.data is not None and case.done is not None and case.done():
        return f"{where}: refused, yet done"
    return None


def _client_for(role, users):
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_answers_the_role_as_it_may(world, role):
    client = _client_for(role, world["users"])
    wrong = []
    for case in world["urls"]:
        problem = _check(client, case, role in case.allowed, case.refusal_for(role))
        if problem:
            wrong.append(problem)
    assert not wrong, "\n".join(wrong)


# The project's own admin URL names (namespaces of its viewsets, names of its views).
PROJECT_NAMESPACES = {
    "school_years",
    "rounds",
    "milestones",
    "services",
    "schools",
    "students",
    "decisions",
    "status-changes",
    "personal-data-access",
    "contact-persons",
    "outbox",
    "schedules",
    "logins",
    "invitations",
    "lockouts",
    "reporting",
    "matching_school",
    "wagtailsnippets_notifications_mailtemplate",
    "wagtailsnippetchoosers_notifications_mailtemplate",
    "proposals",
    "proposals_service",
}
PROJECT_MODULES = (
    "matching.",
    "accounts.",
    "notifications.",
    "reporting.",
    "schoolimports.",
    "proposals.",
)


def _admin_url_names(resolver, prefix="", namespace=""):
    from django.urls import URLResolver

    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _admin_url_names(pattern, route, inner)
        elif pattern.name and route.startswith("admin/"):
            yield f"{namespace}{pattern.name}", pattern.callback


def test_matrix_covers_every_project_admin_url(world):
    """Every named admin URL of the project's own screens is a case of the matrix (a
    history's results fragment is the history view itself, answering the same way)."""
    from django.urls import get_resolver

    resolver = get_resolver()
    covered = {resolver.resolve(case.url.split("?")[0]).view_name for case in world["urls"]}
    project = {
        name
        for name, callback in _admin_url_names(resolver)
        if name.split(":")[0] in PROJECT_NAMESPACES
        or getattr(callback, "__module__", "").startswith(PROJECT_MODULES)
    }
    missing = sorted(name for name in project - covered if not name.endswith(":history_results"))
    assert not missing, f"admin URLs missing from the matrix: {missing}"


def test_model_permissions_given_by_mistake_widen_nothing(world):
    """A service login holding every matching model permission, and a global
    act_for_service, still sees only its own service's world."""
    user = world["users"]["service_a"]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=[
                "matching",
                "notifications",
                "accounts",
                "auth",
                "wagtailcore",
                "reporting",
            ]
        )
    )
    assign_perm("matching.act_for_service", user)  # global, not per object
    client = Client()
    client.force_login(user)
    cases = [
        get(url, url, NOBODY)  # outside the service's sections: the role middleware
        for url in (
            reverse("students:index"),
            reverse("students:inspect", args=[world["placed_b"].pk]),
            reverse("services:index"),
            reverse("outbox:index"),
            reverse("matching_school:index"),
            # Wagtail's own screens ask user.has_perm directly, past our permission policies.
            "/admin/users/",
            reverse("wagtailusers_users:edit", args=[world["users"]["operator"].pk]),
            "/admin/groups/",
        )
    ]
    for url in (
        reverse("contact-persons:edit", args=[world["contact_b"].pk]),
        reverse("contact-persons:inspect", args=[world["contact_b"].pk]),
    ):
        cases.append(get(url, url, NOBODY, refusal=NOT_FOUND))
    # B's placed student: service A could have seen it, so it gets "placed meanwhile"
    # (the name only); the request itself must not show.
    url = reverse("service_student_detail", args=[world["placed_b"].pk])
    cases.append(get(url, url, NOBODY, secret=world["placed_b"].school.name, refusal=HIDDEN))
    wrong = [
        problem
        for case in cases
        if (problem := _check(client, case, False, case.refusal_for("service_a")))
    ]
    assert not wrong, "\n".join(wrong)
    listing = client.get(reverse("contact-persons:index"))
    assert world["contact_b"].name not in listing.content.decode()
    # Wagtail's site history shows a log entry to whoever has any permission on its model.
    from wagtail.log_actions import log

    log(instance=world["contact_b"], action="wagtail.edit", user=world["users"]["operator"])
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/?export=csv"):
        body = b"".join(client.get(url)).decode()
        assert world["contact_b"].name not in body, url


def test_service_cannot_change_status_of_a_student_it_cannot_see(world):
    """Another service placed the student: service A, which could see it before, is told
    it was placed meanwhile (issue 15's answer to a race loser: a redirect with that
    message, not a 404), and nothing is written."""
    from matching.services import ALREADY_PLACED

    client = Client()
    client.force_login(world["users"]["service_a"])
    response = client.post(
        reverse("service_student_status", args=[world["placed_b"].pk]),
        {"status": Status.NOT_ACCEPTED, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any(str(ALREADY_PLACED) in text for text in shown)
    assert not world["service_a"].decisions.exists()


# The second factor: a password alone opens nothing --------------------------------------

SECOND_FACTOR_ROLES = ["operator", "editor", "service_a", "school_a"]
SECOND_FACTOR_PAGES = (
    "/accounts/tweestapsverificatie/code/",
    "/accounts/tweestapsverificatie/instellen/",
)


def second_factor_refusal(page: str, case: Case) -> Refusal:
    """accounts.second_factor_middleware: to the code (or to set up the app), a GET keeping
    where it was going in `next`."""
    if case.data is not None:
        return Refusal("SecondFactorMiddleware", 302, page)
    return Refusal("SecondFactorMiddleware", 302, f"{page}?{urlencode({'next': case.url})}")


def _argless_admin_urls():
    """Every admin URL of the project and of Wagtail that needs no argument."""
    from django.urls import NoReverseMatch, get_resolver

    urls = set()
    for name, _callback in _admin_url_names(get_resolver()):
        try:
            urls.add(reverse(name))
        except NoReverseMatch:
            continue
    return sorted(urls)


@pytest.mark.parametrize("role", SECOND_FACTOR_ROLES)
@pytest.mark.parametrize("enrolled", [True, False], ids=["with-app", "not-enrolled"])
def test_a_password_alone_reaches_no_admin_url(world, role, enrolled):
    """A login of each role that needs a second factor, signed in with the right password
    only, is sent to its code (or to set up its app) by every admin URL of the matrix and
    every argument-free admin URL, and no POST of the matrix takes effect."""
    from tests.conftest import second_factor_device

    user = world["users"][role]
    if enrolled:
        second_factor_device(user)
    client = Client()
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    expected_page = SECOND_FACTOR_PAGES[0] if enrolled else SECOND_FACTOR_PAGES[1]
    wrong = []
    cases = list(world["urls"]) + [
        get(f"argless {url}", url, NOBODY) for url in _argless_admin_urls()
    ]
    for case in cases:
        if case.url.startswith(("/admin/login/", "/admin/logout/", "/admin/jsi18n/")) or (
            case.url.startswith("/admin/sprite")
        ):
            continue  # signing in and out, and the admin's static catalogue
        problem = _check(client, case, False, second_factor_refusal(expected_page, case))
        if problem:
            wrong.append(problem)
    assert not wrong, "\n".join(wrong)
    # Still signed in with the password, still waiting for the code.
    assert client.session["_auth_user_id"] == str(user.pk)
