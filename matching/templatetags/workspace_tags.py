"""Template helpers of the admin frame for the workspace roles (dashboard header, the
service's status form)."""

from django import template
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from wagtail.admin.auth import user_has_any_page_permission

from matching.memberships import role_for_user

register = template.Library()

# The project's own manual per role (CMS demo content, cms/content.py); others keep
# the public site's help (never Wagtail's English, Wagtail-named guide).
MANUAL_SLUGS = {"service": "handleiding-diensten", "school": "handleiding-scholen"}


@register.simple_tag(takes_context=True)
def has_page_rights(context) -> bool:
    """Whether the page search of the dashboard can answer this login at all."""
    return user_has_any_page_permission(context["request"].user)


@register.simple_tag(takes_context=True)
def help_link(context) -> dict:
    """{"url", "own"}: the manual page for this login's role, else the public site's help
    (never Wagtail's English guide: every word a user reads is the product's own)."""
    request = context["request"]
    slug = MANUAL_SLUGS.get(role_for_user(request.user))
    if slug:
        from wagtail.models import Page

        page = Page.objects.live().filter(slug=slug).only("pk", "url_path").first()
        if page is not None:
            url = page.get_url(request=request)
            if url:
                return {"url": url, "own": True, "title": page.title}
    title = translation.gettext("Handleiding en hulp op de website")
    return {"url": "/", "own": True, "title": title}


# The fixed words of matching/service/_status_form.html. A list page renders that form once
# per student; these are translated once per page (status_form_texts).
STATUS_FORM_TEXTS = {
    "mentor": gettext_lazy("Stagementor"),
    "start": gettext_lazy("Start stage"),
    "end": gettext_lazy("Einde stage"),
    "note": gettext_lazy("Notitie"),
    "save": gettext_lazy("Opslaan"),
    "status_of": gettext_lazy("Status van %(name)s"),
    "for": gettext_lazy("voor %(name)s"),
}


@register.simple_tag(takes_context=True)
def status_form_texts(context) -> dict:
    """STATUS_FORM_TEXTS in the active language, kept for the rest of this rendering (the
    root of the render context is shared by every include of one page)."""
    cache = context.render_context.dicts[0]
    key = ("status_form_texts", translation.get_language())
    if key not in cache:
        cache[key] = {name: str(text) for name, text in STATUS_FORM_TEXTS.items()}
    return cache[key]


@register.filter
def named(text, name):
    """A translated `text` with `%(name)s`, the name escaped: what `{% blocktranslate with
    name=... %}` writes."""
    return mark_safe(text % {"name": conditional_escape(name)})
