"""The Dutch (nl-BE) experience: every page each role's menus reach, the sign-in,
activation, reset and lockout pages, the 403/404/500 pages and every mail text speak Dutch
and name only our product. The English words come from tests/i18n/visible.py: a short
list plus the English msgids of Django's, Wagtail's and django-celery-beat's catalogues
(a msgid that shows verbatim means its Dutch translation is missing)."""

import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client, RequestFactory
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services as account_services
from accounts.models import Role
from notifications.defaults import DEFAULTS
from notifications.models import Outbox
from tests.i18n.visible import english_in, visible_text

pytestmark = pytest.mark.django_db

DUTCH = "nl-BE,nl;q=0.9"
DEMO_PASSWORD = "Stage-Demo-2026!"
# One login per role from the demo data (seed_demo).
ROLES = {
    "operator": "beheerder@demo.stagematching.be",
    "editor": "redacteur@demo.stagematching.be",
    "service": "dienst001@demo.stagematching.be",
    "school": "school001@demo.stagematching.be",
    "coordinator": "trekker.antwerpen@demo.stagematching.be",
}
# The superuser also reaches Wagtail's own core screens. Two of them show English that is
# data, not a missing translation: the permission names Django stored when the tables were
# created, in English or in Wagtail's Dutch ("Toegang tot Wagtail admin"), depending on the
# language active at that moment (group screens), and the title of Wagtail's initial
# placeholder page in the site history. Nothing else is allowed there.
SUPERUSER = "admin@demo.stagematching.be"
STORED_ENGLISH = {
    "/admin/groups/": (
        "Wagtail",
        "Page",
        "periodic task",
        "search promotion",
        "Delete pages with children",
        "Lock/unlock pages you've locked",
        "Publish any page",
        "Unlock any page",
    ),
    "/admin/reports/site-history/": ("Welcome", "Wagtail"),
}
# Links a crawl must not follow: they change data, download files or leave the admin's
# pages (a GET is harmless, but these are not pages a menu reaches).
NOT_A_PAGE = re.compile(
    r"logout|delete|unpublish|revert|/copy/|/move/|lock|disable|enable|export|\.csv|\.xlsx|"
    r"download|purge|anonimi|retry|revoke|resend|unblock|reset|preview|/usage/|/serve|"
    r"/documents/\d+/|/multiple/|/history/|/edit/\d+/\d+|/workflow"
)
RELATIVE_DATES = re.compile(r"\bgeleden\b|\bZojuist\b|\bzojuist\b|\bover \d+ (dagen|maanden)\b")
HOST_PORT = re.compile(r"\b(?:localhost|127\.0\.0\.1|testserver)(?::\d+)?\b")


@pytest.fixture
def demo(db, settings):
    from matching.reference import ensure_reference_data

    settings.LANGUAGE_CODE = "nl-be"
    ensure_reference_data()  # a transactional test run before may have flushed them
    call_command("seed_demo", "--students", "150", "--services", "12", "--schools", "8", "--quiet")


def dutch_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=DUTCH)


def sign_in(email: str) -> tuple[Client, str]:
    """Password on the sign-in page, then (for a role that needs one) the second factor's
    code page, which must read Dutch too; returns the client and the dashboard's HTML."""
    from accounts.models import User
    from tests.conftest import needs_second_factor, second_factor_device, totp_code

    client = dutch_client()
    user = User.objects.get(email=email)
    response = client.post("/admin/login/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, email
    if needs_second_factor(user):
        device = second_factor_device(user)
        page = client.get("/accounts/tweestapsverificatie/code/").content.decode()
        assert english_in(visible_text(page)) == [], (email, "second factor page")
        response = client.post("/accounts/tweestapsverificatie/code/", {"code": totp_code(device)})
        assert response.status_code == 302, email
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200 and "_auth_user_id" in client.session, email
    return client, dashboard.content.decode()


def menu_urls(html: str) -> list[str]:
    """Every admin URL in the sidebar (Wagtail renders the menu as JSON props)."""
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "no sidebar on the dashboard"
    urls = re.findall(r'"url": "(/admin/[^"]*)"', match.group(1))
    return [url for url in dict.fromkeys(urls) if not NOT_A_PAGE.search(url)]


def pages_reached(client: Client, start_html: str):
    """The dashboard, each menu page, and one page of each kind linked from a menu page's
    content (edit, inspect, add, detail): (url, status, html)."""
    menu = ["/admin/", *menu_urls(start_html)]
    queue = [(url, url) for url in menu]
    seen = set()
    while queue:
        url, root = queue.pop(0)
        kind = re.sub(r"\d+", "N", url)
        if kind in seen:
            continue
        seen.add(kind)
        response = client.get(url, follow=True)
        html = response.content.decode()
        yield url, response.status_code, html
        if url in menu and root != "/admin/" and response.status_code == 200:
            main = BeautifulSoup(html, "html.parser").find("main")
            for link in main.find_all("a", href=True) if main else []:
                href = link["href"]
                inside = href.startswith(root) and href != root and "?" not in href
                if inside and not NOT_A_PAGE.search(href):
                    queue.append((href, root))


def english(html: str) -> list[str]:
    return english_in(visible_text(html))


# -- every page of every role -------------------------------------------------------------


def test_every_page_each_role_reaches_is_dutch(demo):
    problems, visited = [], {}
    for role, email in {**ROLES, "superuser": SUPERUSER}.items():
        client, dashboard = sign_in(email)
        count = 0
        for url, status, html in pages_reached(client, dashboard):
            count += 1
            if status != 200:
                problems.append(f"{role} {url}: HTTP {status}")
                continue
            stored = next((v for k, v in STORED_ENGLISH.items() if url.startswith(k)), ())
            allowed = stored if role == "superuser" else ()
            text = visible_text(html)
            found = english_in(text, allowed)
            if found:
                at = text.find(found[0])
                problems.append(f"{role} {url}: {found} in …{text[max(at - 60, 0) : at + 60]}…")
            title = BeautifulSoup(html, "html.parser").title
            if title and "Stagematching gezinszorg" not in title.get_text():
                problems.append(f"{role} {url}: title {title.get_text()!r}")
        visited[role] = count
    assert not problems, "\n".join(problems)
    # The crawl really reached the screens (not only the dashboard).
    assert visited["operator"] >= 25 and visited["service"] >= 5, visited
    assert visited["superuser"] > visited["operator"], visited
    assert all(count >= 3 for count in visited.values()), visited


def test_operator_screens_show_labels_and_absolute_dates(demo):
    client, _ = sign_in(ROLES["operator"])
    years = visible_text(client.get("/admin/school_years/").content.decode())
    assert not RELATIVE_DATES.search(years), years
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", years)
    rounds = visible_text(client.get("/admin/rounds/").content.decode())
    assert re.search(r"\b\d{2}/\d{2}/\d{4} 12:00\b", rounds)
    milestones = visible_text(client.get("/admin/milestones/").content.decode())
    assert "secondary" not in milestones and "Secundair onderwijs" in milestones
    services = visible_text(client.get("/admin/services/").content.decode())
    assert " ja " in f" {services} " and "True" not in services
    logins = visible_text(client.get("/admin/logins/?q=beheerder").content.decode())
    assert str(Role.OPERATOR.label) in logins and " operator " not in f" {logins} "
    schedules = visible_text(client.get("/admin/schedules/").content.decode())
    assert "Geplande taken" in schedules
    assert "Wachtrij e-mail opnieuw proberen: elke minuut" in schedules
    assert "elke dag om 09:00" in schedules and "notifications.tasks" not in schedules


# -- sign-in, activation, reset, lockout ---------------------------------------------------


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


# -- error pages ---------------------------------------------------------------------------


def test_admin_404_is_dutch_with_the_list_and_the_helpdesk(demo):
    client, _ = sign_in(ROLES["service"])
    response = client.get("/admin/service/students/secondary/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert english(html) == []
    soup = BeautifulSoup(html, "html.parser")
    assert "Stagematching gezinszorg" in soup.title.get_text()
    back = soup.find("a", string=re.compile("Terug naar de lijst"))
    assert back and back["href"] == "/admin/service/students/secondary/"
    assert "helpdesk@stagematching.org" in visible_text(html)


def test_admin_403_is_dutch(demo):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from cms.errors import permission_denied

    request = RequestFactory().get("/admin/school_years/default/", HTTP_ACCEPT_LANGUAGE=DUTCH)
    request.user = get_user_model().objects.get(email=ROLES["service"])
    response = permission_denied(request, PermissionDenied())
    response.render()
    assert response.status_code == 403
    html = response.content.decode()
    assert english(html) == [] and "Stagematching gezinszorg" in html
    assert "helpdesk" in visible_text(html)


def test_public_404_and_403_are_dutch_and_branded(demo):
    response = dutch_client().get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert english(html) == [] and "Naar de startpagina" in html
    assert "helpdesk@stagematching.org" in visible_text(html)

    from django.core.exceptions import PermissionDenied

    from cms.errors import permission_denied

    request = RequestFactory().get("/geheim/", HTTP_ACCEPT_LANGUAGE=DUTCH)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    response.render()
    assert response.status_code == 403
    assert english(response.content.decode()) == []


@pytest.mark.parametrize("path", ["/admin/services/", "/tijdlijn/"])
def test_500_renders_in_dutch_without_the_database(db, path, django_assert_num_queries):
    from cms.errors import server_error

    request = RequestFactory().get(path)
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError),
        django_assert_num_queries(0),
    ):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert english(html) == []
    assert "Er ging iets mis" in html and "Stagematching gezinszorg" in html
    assert "info@stagematching.org" in html or "helpdesk@" in html


def test_500_is_served_by_the_handler_with_debug_off(db, settings):
    """A view that crashes: Django calls config.urls.handler500 (DEBUG is off in tests)."""
    from django.urls import path

    def crash(request):
        raise RuntimeError("boom")

    from config import urls

    patterns = [path("crash/", crash), *urls.urlpatterns]
    module = type(urls)("crash_urls")
    module.urlpatterns = patterns
    module.handler500 = urls.handler500
    settings.ROOT_URLCONF = module
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=DUTCH)
    response = client.get("/crash/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
    assert english(response.content.decode()) == []


# -- mails ---------------------------------------------------------------------------------


def _round_lines(tracks):
    from matching.wording import track_label

    return [
        {
            "type": track_label(track),
            "ronde": "ronde 2",
            "zichtbaarheid": "Voorkeursdienst",
            "start": "dinsdag 25/11/2026 om 12:00",
            "einde": "woensdag 10/12/2026 om 12:00",
            "duaal": track == "dual",
        }
        for track in tracks
    ]


TRACK_SETS = [["secondary"], ["adult"], ["dual"], ["secondary", "adult"]]


def mail_contexts(tracks: list[str]) -> dict:
    """Demo values for every placeholder of every mail text, as the code passes them."""
    from matching.mailings import _placement_words
    from matching.wording import join_words, placement_words, track_label

    lines = _round_lines(tracks)
    dual = "dual" in tracks
    words = placement_words(tracks[0])
    return {
        "naam": "Sara Van Damme",
        "ronde": "ronde 2",
        "nummer": 2,
        "type": join_words([line["type"] for line in lines]),
        "types": [line["type"] for line in lines],
        "rondes": lines,
        "zichtbaarheid": "Voorkeursdienst",
        "start": "dinsdag 25/11/2026 om 12:00",
        "einde": "woensdag 10/12/2026 om 12:00",
        "moment": "dinsdag 25/11/2026 om 12:00",
        "schooljaar": "2026-2027",
        "duaal": dual,
        "enkel_duaal": all(t == "dual" for t in tracks),
        **_placement_words(lines),
        "dienst": "Familiehulp Lier",
        "aantal": 3,
        "per_type": [f"{track_label(t)}: 3" for t in tracks],
        "datum": "dinsdag 01/12/2026",
        "activation_url": "https://stagematching.org/accounts/activeer/abc/",
        "reset_url": "https://stagematching.org/admin/password_reset/confirm/x/y/",
        "role": str(Role.SERVICE.label),
        "organisation": "Familiehulp Lier",
        "expires_at": "08/12/2026 12:00",
        "school": "Sint-Jozefinstituut",
        "leerling": "Yasmine Verstraete",
        "mentor": "An Peeters",
        "stage_start": "maandag 05/01/2027" if not dual else "",
        "stage_einde": "vrijdag 30/01/2027" if not dual else "",
        "type_leerling": track_label(tracks[0]),
        "plaats_leerling": words["plaats"],
        "een_plaats": words["een_plaats"],
        "mentor_label": words["mentor"],
        "antwoorden_tot": "vrijdag 04/12/2026 om 12:00",
        "voorstellen_url": "https://stagematching.org/admin/service/voorstellen/",
    }


@pytest.mark.parametrize("tracks", TRACK_SETS, ids=lambda t: "+".join(t))
@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_mail_text_is_dutch_for_each_track(db, key, tracks):
    from notifications.services import mail_render

    context = mail_contexts(tracks)
    if key == "student_accepted_school":
        context["plaats"] = context["plaats_leerling"]
    subject, body = mail_render(template_key=key, context=context)
    text = f"{subject}\n{body}"
    assert english_in(text) == [], text
    assert "Stagematching gezinszorg" in subject or key == "accounts_invitation", subject
    assert "Stagematching gezinszorg" in text
    assert not HOST_PORT.search(subject)
    assert "Vandaag" not in text and "vandaag" not in text
    assert "{{" not in text and "{%" not in text
    if key.startswith("round_"):
        assert "dinsdag 25/11/2026 om 12:00" in body
        for line in context["rondes"]:
            assert line["type"] in body
    if "dual" in tracks and key in ("round_started", "reminder_undecided"):
        assert "sollicitatiegesprek" in body
    if key == "student_accepted_school":
        if tracks[0] == "dual":
            assert "werkplek" in text and "stage" not in body.split("Met vriendelijke")[0]
        else:
            assert "stage" in body


def test_round_mail_states_the_real_date_and_lists_both_tracks(
    db, django_capture_on_commit_callbacks
):
    import datetime as dt

    import time_machine

    from matching.mailings import round_mailings_sweep
    from matching.timetable import school_year_create_from_default
    from tests import factories
    from tests.logins import make_service_user as service_login

    school_year_create_from_default(year=2026)
    login = service_login(factories.ServiceFactory())
    # Mailed five days late (the worker was down): the mail still says when it happened.
    with (
        time_machine.travel(dt.datetime(2026, 9, 10, 8, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        round_mailings_sweep()
    rows = Outbox.objects.filter(to=login.email, template_key="round_started")
    assert rows.count() == 1  # secondary and adult open together: one mail
    body = rows.get().body
    assert "Op zaterdag 05/09/2026 om 12:00 startte" in body
    assert "Secundair onderwijs" in body and "Volwassenenonderwijs (CVO)" in body
    assert english_in(body) == []


def test_acceptance_mail_of_a_dual_student_speaks_of_a_workplace(
    db, django_capture_on_commit_callbacks
):
    from matching.mailings import notify_school_of_acceptance
    from matching.models import Decision, Status, Track
    from tests import factories
    from tests.logins import make_school_user as school_login

    school = factories.SchoolFactory()
    school_login(school)
    student = factories.StudentFactory(school=school, track=Track.DUAL)
    decision = Decision.objects.create(
        service=factories.ServiceFactory(), student=student, status=Status.ACCEPTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify_school_of_acceptance(decision)
    assert "werkplek" in row.subject and "werkplek" in row.body
    assert "stage" not in row.body.split("Met vriendelijke")[0]


def test_milestone_tracks_are_chosen_by_label_and_stored_as_codes(demo):
    from matching.models import Milestone
    from matching.operator.labels import TracksField

    field = TracksField(label="types")
    assert field.clean(["adult", "secondary"]) == "secondary,adult"
    assert field.prepare_value("secondary,adult") == ["secondary", "adult"]
    with pytest.raises(Exception):  # noqa: B017 - Django's ValidationError for a bad code
        field.clean(["university"])

    client, _ = sign_in(ROLES["operator"])
    milestone = Milestone.objects.first()
    html = client.get(f"/admin/milestones/edit/{milestone.pk}/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    checked = {box["value"] for box in soup.select("input[name=tracks][checked]")}
    assert checked == set(milestone.tracks.split(","))
    text = visible_text(html)
    assert "Secundair onderwijs" in text and "secondary" not in text
