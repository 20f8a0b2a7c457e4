"""Create the public site: home page, manuals, FAQ, timetable, contact and helpdesk settings.

Idempotent: pages that exist (by slug) are left as the editors made them; empty helpdesk
fields are filled, filled ones are kept."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms import content, content_capacity, content_proposals
from cms.models import ContactPage, ContentPage, FaqPage, HelpdeskSettings, HomePage, TimetablePage

PAGES = [
    (
        ContentPage,
        "handleiding-diensten",
        "Handleiding voor diensten",
        content.SERVICES_INTRO,
        content_proposals.with_proposals(content_capacity.with_capacity(content.SERVICES_BODY)),
    ),
    (
        ContentPage,
        "handleiding-scholen",
        "Handleiding voor scholen",
        content.SCHOOLS_INTRO,
        content.SCHOOLS_BODY,
    ),
    (
        ContentPage,
        "handleiding-beheerder",
        "Handleiding voor de beheerder",
        (
            "<p>Hoe de beheerder het schooljaar opvolgt: de capaciteit van de diensten, vraag "
            "en aanbod per provincie, en plaatsingsvoorstellen voor de leerlingen die na ronde 3 "
            "nog geen stageplaats hebben.</p>"
        ),
        content_capacity.OPERATOR_SECTION + content_proposals.OPERATOR_BODY,
    ),
    (TimetablePage, "tijdlijn", "Tijdlijn", content.TIMETABLE_INTRO, content.TIMETABLE_BODY),
    (FaqPage, "veelgestelde-vragen", "Veelgestelde vragen", content.FAQ_INTRO, content.FAQ_BODY),
    (ContactPage, "contact", "Contact", content.CONTACT_INTRO, content.CONTACT_BODY),
]


class Command(BaseCommand):
    help = "Maakt de publieke website aan (startpagina, handleidingen, FAQ, tijdlijn, contact)."

    @transaction.atomic
    def handle(self, *args, **options):
        home = self._home_page()
        site = self._site(home)
        for model, slug, title, intro, body in PAGES:
            self._child_page(home, model, slug, title, intro, body)
        self._helpdesk(site)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Website klaar: {site.site_name}"))

    def _home_page(self) -> HomePage:
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node() or self._root_page()
            home = root.add_child(
                instance=HomePage(
                    title="Welkom bij Stagematching",
                    slug="start",
                    intro=content.HOME_INTRO,
                    body=content.HOME_BODY,
                )
            )
            home.save_revision().publish()
        # Wagtail's own "Welcome to your new Wagtail site!" page: a plain Page at depth 2.
        for page in Page.objects.filter(depth=2, content_type__model="page").exclude(pk=home.pk):
            if page.content_type.app_label == "wagtailcore" and page.numchild == 0:
                Site.objects.filter(root_page=page).update(root_page=home)
                page.delete()
        return HomePage.objects.get(pk=home.pk)

    def _root_page(self) -> Page:
        """Wagtail's tree root, for a database whose migration data was flushed."""
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        return Page.add_root(instance=Page(title="Root", slug="root"))

    def _site(self, home: HomePage) -> Site:
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        site.root_page = home
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save()
        return site

    def _child_page(self, home, model, slug, title, intro, body):
        if Page.objects.child_of(home).filter(slug=slug).exists():
            return
        page = home.add_child(
            instance=model(title=title, slug=slug, intro=intro, body=body, show_in_menus=True)
        )
        page.save_revision().publish()

    def _helpdesk(self, site: Site):
        helpdesk = HelpdeskSettings.for_site(site)
        for field, value in content.HELPDESK.items():
            if not getattr(helpdesk, field):
                setattr(helpdesk, field, value)
        helpdesk.save()
