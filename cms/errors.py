"""Error pages (403, 404, 500) in Dutch and in the product's look, for the public site and
the admin, with a way back and the helpdesk's contact. The 500 page never touches the
database: it renders with a plain context (no context processors, no site settings)."""

import logging

from django.http import HttpResponseServerError
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve

from cms.helpdesk import helpdesk_contact

logger = logging.getLogger(__name__)

ADMIN_PREFIX = "/admin/"


def is_admin(request) -> bool:
    return request.path.startswith(ADMIN_PREFIX)


def way_back(path: str) -> str:
    """The nearest page above `path` that exists (for /admin/services/edit/90/ the list
    /admin/services/); the admin's home or the site's home when there is none."""
    home = ADMIN_PREFIX if path.startswith(ADMIN_PREFIX) else "/"
    parts = [part for part in path.split("/") if part]
    while len(parts) > 1:
        parts.pop()
        candidate = "/" + "/".join(parts) + "/"
        if candidate == home:
            break
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        # Wagtail's admin ends in an unnamed catch-all; only named views are pages, and a
        # view of one object (an id in the URL) is not the list.
        if match.url_name and not any(isinstance(v, int) for v in match.kwargs.values()):
            return candidate
    return home


def error_context(request, status: int) -> dict:
    back = way_back(request.path)
    admin = is_admin(request)
    return {
        "status": status,
        "back_url": back,
        "back_is_home": back in ("/", ADMIN_PREFIX),
        "in_admin": admin,
    }


def _render(request, status: int, exception=None):
    template = f"wagtailadmin/{status}.html" if is_admin(request) else f"{status}.html"
    return TemplateResponse(request, template, error_context(request, status), status=status)


def page_not_found(request, exception=None):
    return _render(request, 404, exception)


def permission_denied(request, exception=None):
    return _render(request, 403, exception)


def server_error(request):
    """Rendered without a request context: no database, no session, no settings rows."""
    context = {
        "helpdesk": helpdesk_contact(use_database=False),
        "home_url": ADMIN_PREFIX if is_admin(request) else "/",
        "in_admin": is_admin(request),
    }
    try:
        body = loader.get_template("500.html").render(context)
    except Exception:  # the last resort must not fail itself
        logger.exception("500 template failed")
        body = "<h1>Er ging iets mis</h1>"
    return HttpResponseServerError(body)
