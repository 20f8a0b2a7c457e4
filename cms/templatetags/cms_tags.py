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


@register.simple_tag(takes_context=True)
def helpdesk_contact(context):
    """The helpdesk's contact (cms.helpdesk), safe on error pages: a 500 page passes
    `helpdesk_offline` so it never touches the database."""
    from cms.helpdesk import helpdesk_contact as contact

    return contact(context.get("request"), use_database=not context.get("helpdesk_offline"))


@register.simple_tag(takes_context=True)
def error_way_back(context):
    """Where an error page's "back" button leads (cms.errors.way_back)."""
    from cms.errors import way_back

    request = context.get("request")
    return way_back(request.path) if request is not None else "/"


@register.filter
def absolute_date(value):
    """dd/mm/yyyy (HH:MM for a moment), see core.columns.absolute."""
    from core.columns import absolute

    return absolute(value)


@register.filter
def reader_value(value):
    """ja/nee for booleans, — for nothing, dd/mm/yyyy (HH:MM) for dates."""
    from core.columns import display_value

    return display_value(value)
