"""Template helpers of the admin frame for the workspace roles (dashboard header, the
service's status form)."""

from django import template
from django.utils import translation
from wagtail.admin.auth import user_has_any_page_permission

from matching.memberships import role_for_user
from matching.service.status_form import page_for

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


@register.simple_tag(takes_context=True)
def status_form(context, row, next_url):
    """The status form of one student (matching.service.status_form)."""
    return page_for(context).render(row, next_url)
