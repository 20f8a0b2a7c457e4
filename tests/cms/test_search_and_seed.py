"""Site search over public pages; the seed builds the site once, whatever how often it runs."""

import io
import re

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from cms.models import ContentPage, HelpdeskSettings, HomePage

pytestmark = pytest.mark.django_db


def test_search_finds_the_manual(client, site_pages):
    response = client.get("/zoeken/", {"q": "rijksregisternummer"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Handleiding voor diensten" in html
    assert "resultaten" in html or "resultaat" in html


def test_search_never_shows_drafts(client, site_pages):
    site_pages["home"].add_child(
        instance=ContentPage(title="Geheim zebraplan", slug="zebra", live=False)
    )
    html = client.get("/zoeken/", {"q": "zebraplan"}).content.decode()
    assert "Geheim zebraplan" not in html
    assert "Geen resultaten" in html


def test_search_without_query_shows_the_form(client, site_pages):
    response = client.get("/zoeken/")
    assert response.status_code == 200
    assert 'id="zoek-pagina"' in response.content.decode()


def test_seed_replaces_wagtails_welcome_page(site_pages):
    site = site_pages["site"]
    assert isinstance(site.root_page.specific, HomePage)
    assert site.site_name == "Stagematching gezinszorg"
    assert not Page.objects.filter(depth=2, content_type__model="page").exists()


def test_seed_is_idempotent_and_keeps_editors_changes(site_pages):
    manual = site_pages["services_manual"]
    manual.title = "Handleiding diensten (aangepast)"
    manual.save_revision().publish()
    helpdesk = HelpdeskSettings.for_site(site_pages["site"])
    helpdesk.phone = "09 999 99 99"
    helpdesk.save()
    pages_before = Page.objects.count()

    call_command("seed_cms", stdout=io.StringIO())

    assert Page.objects.count() == pages_before
    assert Site.objects.count() == 1
    manual.refresh_from_db()
    assert manual.title == "Handleiding diensten (aangepast)"
    assert HelpdeskSettings.for_site(site_pages["site"]).phone == "09 999 99 99"


def test_helpdesk_is_closed_on_wednesday_and_shown_in_every_footer(client, site_pages):
    helpdesk = HelpdeskSettings.for_site(site_pages["site"])
    days = {day["label"]: day for day in helpdesk.opening_hours()}
    assert days["Woensdag"]["closed"] is True
    assert days["Maandag"]["hours"] == "09:30–12:00 en 13:00–15:00"
    for page in site_pages.values():
        if isinstance(page, Site):
            continue
        html = client.get(page.url).content.decode()
        footer = html.split("<footer")[1]
        assert "helpdesk@stagematching.org" in footer, page
        assert "Woensdag" in footer and "gesloten" in footer


def test_contact_page_shows_helpdesk_details(client, site_pages):
    html = client.get(site_pages["contact"].url).content.decode()
    main = html.split("<main")[1].split("</main>")[0]
    assert 'href="mailto:helpdesk@stagematching.org"' in main
    assert 'href="tel:021234567"' in main
    assert "Vraag naar het team stages." in main
    assert "09:30–12:00 en 13:00–15:00" in re.sub(r"<[^>]+>", "", main)
