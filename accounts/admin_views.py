"""Operator screens in the Wagtail admin: logins, invitations, sign-in lockouts.

Thin: every view checks the operator role, calls a service and shows its message."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from accounts import second_factor, selectors, services
from accounts.forms import InvitationForm
from accounts.models import Invitation, Role
from core import roles
from matching import memberships
from matching.errors import DomainError

PER_PAGE = 50


def _role_label(role):
    """The role's Dutch label ("beheerder"), not its code ("operator")."""
    return Role(role).label if role in Role.values else role


def _require_operator(request):
    if not roles.is_operator(request.user):
        raise PermissionDenied


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("p"))


class OperatorMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.is_operator(request.user)


class OperatorViewSet(ViewSet):
    menu_item_class = OperatorMenuItem


class LoginsViewSet(OperatorViewSet):
    name = "logins"
    icon = "user"
    menu_label = gettext_lazy("Logins")

    def index(self, request):
        _require_operator(request)
        query = request.GET.get("q", "").strip()
        users = selectors.logins(query=query)
        page = _page(request, users)
        rows = [
            {
                "user": user,
                "role": _role_label(memberships.role_for_user(user)) if user.is_active else None,
                "organisation": memberships.service_for_user(user)
                or memberships.school_for_user(user)
                or ", ".join(str(p) for p in memberships.provinces_for_user(user)),
            }
            for user in page
        ]
        return TemplateResponse(
            request,
            "accounts/admin/logins.html",
            {
                "page_obj": page,
                "rows": rows,
                "query": query,
                "header_title": _("Logins"),
                "second_factor_roles": settings.SECOND_FACTOR_ROLES,
            },
        )

    def second_factor_reset(self, request, pk):
        """POST only: remove a login's app and recovery codes (it enrols again)."""
        _require_operator(request)
        user = get_object_or_404(get_user_model(), pk=pk)
        try:
            second_factor.second_factor_reset(user=user, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "De tweestapsverificatie van %(email)s werd gereset. Bij de volgende "
                    "aanmelding stelt deze login een nieuwe app in; er werd een e-mail verstuurd."
                )
                % {"email": user.email},
            )
        return redirect(self.get_url_name("index"))

    def get_urlpatterns(self):
        return [
            path("", self.index, name="index"),
            path(
                "<int:pk>/second-factor-reset/",
                require_POST(self.second_factor_reset),
                name="second_factor_reset",
            ),
        ]


class InvitationsViewSet(OperatorViewSet):
    name = "invitations"
    icon = "mail"
    menu_label = gettext_lazy("Uitnodigingen")

    def index(self, request):
        _require_operator(request)
        page = _page(request, selectors.invitation_list().prefetch_related("provinces"))
        return TemplateResponse(
            request,
            "accounts/admin/invitations.html",
            {"page_obj": page, "header_title": _("Uitnodigingen")},
        )

    def add(self, request):
        _require_operator(request)
        form = InvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.invitation_create(
                    email=data["email"],
                    role=data["role"],
                    service=data["service"],
                    school=data["school"],
                    provinces=list(data["provinces"]),
                    invited_by=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("De uitnodiging voor %(email)s werd verstuurd.") % {"email": data["email"]},
                )
                return redirect(self.get_url_name("index"))
        return TemplateResponse(
            request,
            "accounts/admin/invite.html",
            {"form": form, "header_title": _("Persoon uitnodigen")},
        )

    def _act(self, request, pk, action, success):
        """POST only: run an invitation service and report its outcome in Dutch."""
        _require_operator(request)
        invitation = get_object_or_404(Invitation, pk=pk)
        if request.method == "POST":
            try:
                action(invitation=invitation, by=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, success % {"email": invitation.email})
        return redirect(self.get_url_name("index"))

    def resend(self, request, pk):
        return self._act(
            request,
            pk,
            services.invitation_resend,
            _("De uitnodiging voor %(email)s werd opnieuw verstuurd."),
        )

    def revoke(self, request, pk):
        return self._act(
            request,
            pk,
            services.invitation_revoke,
            _("De uitnodiging voor %(email)s werd ingetrokken."),
        )

    def get_urlpatterns(self):
        return [
            path("", self.index, name="index"),
            path("new/", self.add, name="add"),
            path("<int:pk>/resend/", require_POST(self.resend), name="resend"),
            path("<int:pk>/revoke/", require_POST(self.revoke), name="revoke"),
        ]


class LockoutsViewSet(OperatorViewSet):
    name = "lockouts"
    icon = "lock"
    menu_label = gettext_lazy("Vergrendelingen")

    def index(self, request):
        _require_operator(request)
        attempts = selectors.lockouts()
        page = _page(request, attempts)
        return TemplateResponse(
            request,
            "accounts/admin/lockouts.html",
            {"page_obj": page, "header_title": _("Vergrendelde aanmeldingen")},
        )

    def unlock(self, request, pk):
        _require_operator(request)
        attempt = get_object_or_404(AccessAttempt, pk=pk)
        axes_reset(ip=attempt.ip_address, username=attempt.username)
        messages.success(
            request,
            _("%(username)s kan opnieuw aanmelden.") % {"username": attempt.username},
        )
        return redirect(reverse(self.get_url_name("index")))

    def get_urlpatterns(self):
        return [
            path("", self.index, name="index"),
            path("<int:pk>/unlock/", require_POST(self.unlock), name="unlock"),
        ]


class AccessViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Toegang")
    menu_icon = "key"
    menu_name = "access"
    items = (LoginsViewSet, InvitationsViewSet, LockoutsViewSet)
