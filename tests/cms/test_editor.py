"""An editor (the Redacteurs group, not a superuser) creates and publishes pages."""

import io

from django.apps import apps as django_apps
from django.core.management import call_command
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from accounts.roles import ensure_role_groups
from cms.models import ContactPage, ContentPage, FaqPage, HomePage, TimetablePage
from tests.logins import make_editor


class EditorPublishesPagesTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_cms", stdout=io.StringIO())
        cls.home = HomePage.objects.get()
        # The product's own editors group, as the role set-up makes it (a transactional
        # test elsewhere may have flushed it: set it up again, which only adds).
        ensure_role_groups(django_apps)
        cls.editor = make_editor(email="redacteur@example.be")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_page_tree_allows_the_public_page_types_under_home(self):
        for model in [ContentPage, FaqPage, TimetablePage]:
            self.assertCanCreateAt(HomePage, model)
        self.assertCanNotCreateAt(ContentPage, TimetablePage)
        self.assertCanNotCreateAt(FaqPage, ContentPage)

    def test_editor_creates_and_publishes_a_content_page(self):
        data = nested_form_data(
            {
                "title": "Nieuws voor scholen",
                "slug": "nieuws-scholen",
                "intro": rich_text("<p>Wat er verandert dit jaar.</p>"),
                "body": streamfield(
                    [
                        ("heading", {"text": "Nieuw dit jaar", "level": "h2"}),
                        ("paragraph", rich_text("<p>De inschrijfstop blijft.</p>")),
                        (
                            "callout",
                            {
                                "kind": "info",
                                "title": "Goed om te weten",
                                "text": rich_text("<p>Kijk op de tijdlijn.</p>"),
                            },
                        ),
                    ]
                ),
            }
        )
        self.assertCanCreate(self.home, ContentPage, data)
        page = ContentPage.objects.get(slug="nieuws-scholen")
        self.assertTrue(page.live)
        self.assertEqual(page.owner, self.editor)
        self.client.logout()
        response = self.client.get(page.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "De inschrijfstop blijft.")
        self.assertContains(response, "Goed om te weten")

    def test_editor_creates_a_faq_page(self):
        data = nested_form_data(
            {
                "title": "Vragen van scholen",
                "intro": rich_text(""),
                "body": streamfield(
                    [
                        (
                            "question",
                            {
                                "question": "Wanneer schrijf ik in?",
                                "answer": rich_text("<p>Voor ronde 1.</p>"),
                            },
                        )
                    ]
                ),
            }
        )
        self.assertCanCreate(self.home, FaqPage, data)
        self.client.logout()
        response = self.client.get(FaqPage.objects.get(slug="vragen-van-scholen").url)
        self.assertContains(response, "Wanneer schrijf ik in?")

    def test_contact_page_is_single(self):
        self.assertFalse(ContactPage.can_create_at(self.home))

    def test_editor_edits_helpdesk_settings(self):
        from wagtail.models import Site

        # The Redacteurs group holds the setting's change permission (accounts.roles).
        site = Site.objects.get(is_default_site=True)
        url = f"/admin/settings/cms/helpdesksettings/{site.pk}/"
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url,
            {
                "email": "hulp@example.be",
                "phone": "03 111 22 33",
                "phone_note": "",
                "monday": "09:00–12:00",
                "tuesday": "09:00–12:00",
                "wednesday": "",
                "thursday": "09:00–12:00",
                "friday": "09:00–12:00",
                "note": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        response = self.client.get("/")
        self.assertContains(response, "hulp@example.be")
        self.assertContains(response, "03 111 22 33")
