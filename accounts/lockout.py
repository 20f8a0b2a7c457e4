from axes.helpers import get_cool_off
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout page, in Dutch, in the look of the Wagtail sign-in page; as JSON
    for the passkey scripts' requests, which show its text in their status line."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    if request.content_type == "application/json" or "json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "detail": _("Te veel mislukte aanmeldpogingen. Probeer het later opnieuw."),
                "code": "locked_out",
            },
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
    return render(
        request,
        "accounts/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
