"""The headless API serves live, public pages only, read-only, with no private data."""

import pytest
import time_machine
from wagtail.models import PageViewRestriction

from cms.models import ContentPage

from .conftest import brussels

pytestmark = pytest.mark.django_db


def listed_titles(client, **params) -> set[str]:
    response = client.get("/api/v2/pages/", params)
    assert response.status_code == 200
    return {item["title"] for item in response.json()["items"]}


def test_api_lists_published_pages(client, site_pages):
    titles = listed_titles(client)
    assert {"Handleiding voor diensten", "Handleiding voor scholen", "Tijdlijn"} <= titles


def test_api_does_not_list_a_draft(client, site_pages):
    draft = site_pages["home"].add_child(
        instance=ContentPage(title="Concept in opmaak", slug="concept", live=False)
    )
    draft.save_revision()
    assert "Concept in opmaak" not in listed_titles(client)
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404


def test_api_does_not_show_unpublished_changes_of_a_live_page(client, site_pages):
    manual = site_pages["services_manual"]
    manual.title = "Nog niet gepubliceerde titel"
    manual.save_revision()
    detail = client.get(f"/api/v2/pages/{manual.pk}/").json()
    assert detail["title"] == "Handleiding voor diensten"


def test_api_does_not_list_private_pages(client, site_pages):
    private = site_pages["home"].add_child(
        instance=ContentPage(title="Enkel voor beheerders", slug="intern")
    )
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert "Enkel voor beheerders" not in listed_titles(client)
    assert client.get(f"/api/v2/pages/{private.pk}/").status_code == 404


def test_api_detail_exposes_content_fields_but_no_owner(client, site_pages):
    manual = site_pages["services_manual"]
    detail = client.get(f"/api/v2/pages/{manual.pk}/").json()
    assert "<p>Alles wat een dienst gezinszorg nodig heeft" in detail["intro"]
    assert any(block["type"] == "steps" for block in detail["body"])
    assert "owner" not in detail and "owner" not in detail["meta"]


def test_api_timetable_field_comes_from_the_rounds(client, site_pages, default_timetable):
    timetable = site_pages["timetable"]
    with time_machine.travel(brussels(2025, 9, 10), tick=False):
        detail = client.get(f"/api/v2/pages/{timetable.pk}/").json()
    data = detail["timetable"]
    assert data["school_year"] == "2025-2026"
    in_force = [r for r in data["rounds"] if r["in_force"]]
    assert {tuple(r["tracks"]) for r in in_force} == {("secondary", "adult"), ("dual",)}
    assert data["entry_blackout"]["release_at"].startswith("2025-09-19T12:00")


def test_api_is_read_only(client, site_pages):
    response = client.post("/api/v2/pages/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 405
    manual = site_pages["services_manual"]
    response = client.delete(f"/api/v2/pages/{manual.pk}/")
    assert response.status_code == 405


def test_images_and_documents_endpoints_answer(client, site_pages):
    assert client.get("/api/v2/images/").status_code == 200
    assert client.get("/api/v2/documents/").status_code == 200


def test_api_does_not_list_documents_of_a_private_collection(
    client, site_pages, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction

    settings.MEDIA_ROOT = tmp_path
    private = Collection.get_first_root_node().add_child(name="Intern")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    Document.objects.create(
        title="Interne lijst", file=ContentFile(b"x", name="intern.txt"), collection=private
    )
    Document.objects.create(title="Sjabloon", file=ContentFile(b"x", name="sjabloon.txt"))
    titles = {item["title"] for item in client.get("/api/v2/documents/").json()["items"]}
    assert titles == {"Sjabloon"}
