"""The helpdesk's contact as shown on sign-in, lockout and error pages.

Read from the public site's helpdesk setting; when that cannot be read (no site, no row,
or the database is down while a 500 page renders) the contact comes from the settings
(HELPDESK_EMAIL / HELPDESK_PHONE), so an error page never fails for want of it."""

import logging

from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)

# The last contact read from the database in this process: a 500 page (which must not touch
# the database) shows it rather than only the configured fallback.
_last_known: dict | None = None


def fallback_contact() -> dict:
    if _last_known is not None:
        return dict(_last_known)
    return {
        "email": getattr(settings, "HELPDESK_EMAIL", ""),
        "phone": getattr(settings, "HELPDESK_PHONE", ""),
        "phone_note": "",
    }


def helpdesk_contact(request=None, *, use_database: bool = True) -> dict:
    """{email, phone, phone_note} of the helpdesk, never raising."""
    fallback = fallback_contact()
    if not use_database:
        return fallback
    try:
        from wagtail.models import Site

        from cms.models import HelpdeskSettings

        site = Site.find_for_request(request) if request is not None else None
        site = site or Site.objects.filter(is_default_site=True).first()
        if site is None:
            return fallback
        helpdesk = HelpdeskSettings.for_site(site)
    except DatabaseError:
        logger.warning("helpdesk setting unavailable; showing the configured fallback")
        return fallback
    if not (helpdesk.email or helpdesk.phone):
        return fallback
    global _last_known
    _last_known = {
        "email": helpdesk.email,
        "phone": helpdesk.phone,
        "phone_note": helpdesk.phone_note,
    }
    return dict(_last_known)
