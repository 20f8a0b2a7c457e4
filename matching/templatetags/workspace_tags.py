"""Template helpers of the admin frame for the workspace roles (dashboard header)."""

from django import template
from django.utils import translation
from wagtail import __version__ as wagtail_version
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.templatetags.wagtailcore_tags import wagtail_feature_release_editor_guide_link

from matching.memberships import role_for_user

register = template.Library()

# The project's own manual per role (CMS demo content, cms/content.py); others keep
# Wagtail's editor guide (editors and operators work in Wagtail's page editor).
MANUAL_SLUGS = {"service": "handleiding-diensten", "school": "handleiding-scholen"}


@register.simple_tag(takes_context=True)
def has_page_rights(context) -> bool:
    """Whether the page search of the dashboard can answer this login at all."""
    return user_has_any_page_permission(context["request"].user)


@register.simple_tag(takes_context=True)
def help_link(context) -> dict:
    """{"url", "own"}: the manual page for this login's role, else Wagtail's guide."""
    request = context["request"]
    slug = MANUAL_SLUGS.get(role_for_user(request.user))
    if slug:
        from wagtail.models import Page

        page = Page.objects.live().filter(slug=slug).only("pk", "url_path").first()
        if page is not None:
            url = page.get_url(request=request)
            if url:
                return {"url": url, "own": True, "title": page.title}
    return {
        "url": wagtail_feature_release_editor_guide_link(),
        "own": False,
        "title": _wagtail_text("Wagtail %(current_version)s editor guide")
        % {"current_version": wagtail_version},
    }


def _wagtail_text(text: str) -> str:
    """One of Wagtail's own strings, translated by Wagtail's catalogue; called by another
    name than gettext so that `make messages` keeps it out of the project's catalogue."""
    return translation.gettext(text)
