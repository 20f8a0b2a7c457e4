"""Wagtail pages and site settings of the public site: home, manuals (content pages), FAQ,
the timetable (rendered from matching's rounds) and contact with the helpdesk settings."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import ContentStreamBlock, FaqStreamBlock
from .selectors import timetable_for

INTRO_FEATURES = ["bold", "italic", "link"]


class BasePage(Page):
    """Fields every public page shares: a short introduction under the title."""

    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)

    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    class Meta:
        abstract = True


class HomePage(BasePage):
    body = StreamField(ContentStreamBlock(), verbose_name=_("inhoud"), blank=True)

    content_panels = [*Page.content_panels, "intro", "body"]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    api_fields = [*BasePage.api_fields, APIField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ContentPage", "cms.FaqPage", "cms.TimetablePage", "cms.ContactPage"]
    max_count = 1

    class Meta:
        verbose_name = _("startpagina")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["timetable"] = timetable_for(now=timezone.now())
        context["timetable_page"] = TimetablePage.objects.live().public().first()
        context["cards"] = self.get_children().live().public().in_menu().specific()
        return context


class ContentPage(BasePage):
    """A page of rich content: manuals, information pages."""

    body = StreamField(ContentStreamBlock(), verbose_name=_("inhoud"), blank=True)

    content_panels = [*Page.content_panels, "intro", "body"]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    api_fields = [*BasePage.api_fields, APIField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage", "cms.FaqPage"]

    class Meta:
        verbose_name = _("inhoudspagina")
        verbose_name_plural = _("inhoudspagina's")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["toc"] = [
            block.value["text"]
            for block in self.body
            if block.block_type == "heading" and block.value["level"] == "h2"
        ]
        return context


class FaqPage(BasePage):
    body = StreamField(FaqStreamBlock(), verbose_name=_("vragen"), blank=True)

    content_panels = [*Page.content_panels, "intro", "body"]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    api_fields = [*BasePage.api_fields, APIField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("pagina veelgestelde vragen")
        verbose_name_plural = _("pagina's veelgestelde vragen")


class TimetablePage(BasePage):
    """The school year's rounds and milestones, read from the database at every request."""

    body = StreamField(
        ContentStreamBlock(),
        verbose_name=_("extra uitleg"),
        blank=True,
        help_text=_("Wordt onder de tijdlijn getoond. De data zelf komen uit de rondes."),
    )

    content_panels = [*Page.content_panels, "intro", "body"]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    api_fields = [*BasePage.api_fields, APIField("body"), APIField("timetable")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("tijdlijnpagina")
        verbose_name_plural = _("tijdlijnpagina's")

    @property
    def timetable(self) -> dict | None:
        timetable = timetable_for(now=timezone.now())
        return timetable.as_dict() if timetable else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["timetable"] = timetable_for(now=timezone.now())
        return context


class ContactPage(BasePage):
    body = StreamField(ContentStreamBlock(), verbose_name=_("inhoud"), blank=True)

    content_panels = [*Page.content_panels, "intro", "body"]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    api_fields = [*BasePage.api_fields, APIField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("contactpagina")
        verbose_name_plural = _("contactpagina's")


@register_setting(icon="help")
class HelpdeskSettings(BaseSiteSetting):
    """The helpdesk's contact details and opening hours, shown in every page's footer."""

    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=40, blank=True)
    phone_note = models.CharField(
        _("bij het bellen"),
        max_length=200,
        blank=True,
        help_text=_("Bijvoorbeeld: vraag naar het team stages."),
    )
    monday = models.CharField(_("maandag"), max_length=80, blank=True)
    tuesday = models.CharField(_("dinsdag"), max_length=80, blank=True)
    wednesday = models.CharField(_("woensdag"), max_length=80, blank=True)
    thursday = models.CharField(_("donderdag"), max_length=80, blank=True)
    friday = models.CharField(_("vrijdag"), max_length=80, blank=True)
    note = models.CharField(
        _("opmerking"),
        max_length=250,
        blank=True,
        help_text=_("Bijvoorbeeld: gesloten tijdens de schoolvakanties."),
    )

    panels = [
        "email",
        "phone",
        "phone_note",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "note",
    ]

    class Meta:
        verbose_name = _("helpdesk")
        verbose_name_plural = _("helpdesk")

    WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]

    def opening_hours(self) -> list[dict]:
        """Monday to Friday as {label, hours, closed}; an empty day or "gesloten" is closed."""
        days = []
        for day in self.WEEKDAYS:
            hours = getattr(self, day).strip()
            closed = not hours or hours.lower() in {"gesloten", "closed"}
            days.append(
                {
                    "label": str(self._meta.get_field(day).verbose_name).capitalize(),
                    "hours": str(_("gesloten")) if closed else hours,
                    "closed": closed,
                    # Time ranges ("09:30–12:00 en 13:00–15:00") never break inside.
                    "parts": [] if closed else [p.strip() for p in hours.split(" en ")],
                }
            )
        return days
