from django import template
from wagtail.models import Site

from cms.selectors import menu_pages

register = template.Library()


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    current = context.get("page")
    return {
        "menu_pages": menu_pages(site),
        "current": current,
        "request": request,
    }


@register.filter
def is_ancestor_or_self(menu_page, current):
    """True when the menu item is the page shown or one of its ancestors."""
    if current is None:
        return False
    return current.path.startswith(menu_page.path)
