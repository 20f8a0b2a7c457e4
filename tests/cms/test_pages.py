"""Every page type renders with its blocks, inside the one accessible base layout."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.models import ContentPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_home_page_renders_intro_steps_and_menu_cards(client, site_pages):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welkom bij Stagematching" in html
    assert 'class="steps__list"' in html
    assert "Handleiding voor diensten" in html
    assert "Handleiding voor scholen" in html


def test_seeded_pages_render(client, site_pages):
    for key in ["services_manual", "schools_manual", "faq", "timetable", "contact"]:
        page = site_pages[key]
        response = client.get(page.url)
        assert response.status_code == 200, key
        assert page.title in response.content.decode()


def test_content_page_renders_every_block_type(client, site_pages, media):
    image = Image.objects.create(title="Stagiaire", file=get_test_image_file())
    document = Document.objects.create(
        title="Sjabloon import", file=ContentFile(b"naam;postcode\n", name="sjabloon.csv")
    )
    page = site_pages["home"].add_child(
        instance=ContentPage(
            title="Alle blokken",
            slug="alle-blokken",
            body=[
                {"type": "heading", "value": {"text": "Een tussentitel", "level": "h2"}},
                {"type": "paragraph", "value": "<p>Gewone <b>tekst</b>.</p>"},
                {
                    "type": "image",
                    "value": {
                        "image": {
                            "image": image.pk,
                            "decorative": False,
                            "alt_text": "Een stagiaire",
                        },
                        "caption": "Op huisbezoek",
                    },
                },
                {
                    "type": "callout",
                    "value": {"kind": "warning", "title": "Let op", "text": "<p>Belangrijk.</p>"},
                },
                {
                    "type": "steps",
                    "value": {
                        "title": "Zo doe je het",
                        "steps": [
                            {"title": "Eerste stap", "text": "<p>Uitleg een.</p>"},
                            {"title": "Tweede stap", "text": ""},
                        ],
                    },
                },
                {"type": "document", "value": {"document": document.pk, "label": ""}},
            ],
        )
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="een-tussentitel">Een tussentitel</h2>' in html
    assert "Gewone <b>tekst</b>." in html
    assert 'alt="Een stagiaire"' in html
    assert "<figcaption>Op huisbezoek</figcaption>" in html
    assert "callout--warning" in html and "Let op" in html
    assert "Eerste stap" in html and "Tweede stap" in html
    assert document.url in html and "Sjabloon import" in html and "CSV" in html


def test_faq_page_renders_questions_as_disclosures(client, site_pages):
    html = client.get(site_pages["faq"].url).content.decode()
    assert html.count('<details class="faq-item">') >= 8
    assert "Waarom zie ik het rijksregisternummer niet?" in html


def test_manual_has_table_of_contents_linking_to_its_headings(client, site_pages):
    html = client.get(site_pages["services_manual"].url).content.decode()
    assert 'href="#persoonsgegevens"' in html
    assert 'id="persoonsgegevens"' in html


def test_base_layout_is_accessible_and_self_hosted(client, site_pages):
    html = client.get(site_pages["contact"].url).content.decode()
    assert '<html lang="nl-BE">' in html
    assert 'class="skip-link" href="#inhoud"' in html
    for landmark in ["<header", "<nav", '<main id="inhoud"', "<footer"]:
        assert landmark in html
    assert 'href="/admin/login/"' in html and "Aanmelden" in html
    assert "https://" not in html.split("</head>")[0], "no external resources in <head>"
    assert 'aria-current="page"' in html


def test_menu_lists_only_live_menu_pages(client, site_pages):
    site_pages["faq"].unpublish()
    html = client.get("/").content.decode()
    nav = html.split('class="main-nav"')[1].split("</nav>")[0]
    assert "Veelgestelde vragen" not in nav
    assert "Tijdlijn" in nav


def test_unknown_url_renders_friendly_404(client, site_pages):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.content.decode()
