"""The service's dashboard panel: per track what it sees now, what is undecided, what is new
since this login's previous sign-in and what it accepted; the round in force and when the
next one opens; the helpdesk's contact (the public site's setting)."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component

from matching import capacity, workspace_selectors
from matching.memberships import role_for_user, service_for_user
from matching.models import Track
from matching.selectors import school_year_current


def previous_visit(user):
    """When this login signed in before the current sign-in (None: first sign-in)."""
    session = getattr(user, "current_session", None)
    return getattr(session, "previous_signed_in_at", None)


class ServiceDashboardPanel(Component):
    name = "service_dashboard"
    order = 20
    template_name = "matching/service/dashboard_panel.html"

    class Media:
        css = {"all": ["matching/service.css"]}

    def __init__(self, *, service, user):
        self.service = service
        self.user = user

    def get_context_data(self, parent_context):
        from matching.service.views import TRACK_TITLES

        request = parent_context.get("request")
        since = previous_visit(self.user)
        figures = workspace_selectors.dashboard_figures(service=self.service, since=since)
        school_year = school_year_current()
        places = (
            capacity.service_places(service=self.service, school_year=school_year)
            if school_year
            else {}
        )
        return {
            "request": request,
            "since": since,
            "tracks": [
                {
                    "title": TRACK_TITLES[f.track],
                    "url": reverse("service_students", args=[f.track]),
                    "figures": f,
                    "slug": Track(f.track).value,
                    "places": places.get(f.track),
                }
                for f in figures
            ],
            "capacity_url": reverse("service_capacity"),
        }


@hooks.register("construct_homepage_panels", order=10)
def service_dashboard(request, panels):
    """After accounts' panel per role (order 0): a service login also gets its figures."""
    if role_for_user(request.user) != "service":
        return
    service = service_for_user(request.user)
    if service is not None:
        panels.append(ServiceDashboardPanel(service=service, user=request.user))
