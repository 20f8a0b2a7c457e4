"""Wagtail registrations for service users: contact persons and the students per track.

Wagtail's generic views fetch objects by primary key without a queryset of ours, so every
contact-person view narrows its lookups to the login's own service, and the permission
policy below lets a service user act on its own rows only (another service's id is a 404)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.db.models.deletion import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permissions import register_permission_policy

from core.http import set_no_store
from core.permissions import OperatorPermissionPolicy
from core.roles import is_operator
from matching import selectors
from matching.memberships import service_for_user
from matching.models import ContactPerson, Track
from matching.service import capacity as views_service_capacity
from matching.service import views as views_service
from matching.service import workspace as views_service_workspace
from matching.service.forms import ContactPersonForm
from matching.services import contact_person_save

SERVICE_ACTIONS = {"add", "change", "delete", "view"}


def _service_of(user):
    """The user's service (matching.memberships remembers it for the request)."""
    return service_for_user(user)


class ContactPersonPermissionPolicy(OperatorPermissionPolicy):
    """Service users manage their own contact persons without any model permission;
    everyone else keeps the model-level rules, and those only count for operators."""

    def user_has_permission(self, user, action):
        if action in SERVICE_ACTIONS and _service_of(user) is not None:
            return True
        if action == "add":
            # A contact person belongs to the service that creates it; operators have no
            # service of their own to add one to.
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        service = _service_of(user)
        if service is not None:
            return action in SERVICE_ACTIONS and instance.service_id == service.pk
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        service = _service_of(user)
        if service is not None:
            if not SERVICE_ACTIONS.intersection(actions):
                return selectors.contact_persons_reachable(service=None, operator=False)
            return selectors.contact_persons_reachable(service=service, operator=False)
        return super().instances_user_has_any_permission_for(user, actions)


register_permission_policy(ContactPerson, ContactPersonPermissionPolicy(ContactPerson))


def own_contact_persons(request):
    """The contact persons the signed-in user may reach: its own service's, every service's
    for an operator, none for anyone else."""
    return selectors.contact_persons_reachable(
        service=views_service.current_service(request), operator=is_operator(request.user)
    )


class OwnContactPersonMixin:
    """Every object lookup goes through the reachable rows: another service's pk is a 404.

    Only the object lookup is scoped here: the history and usage views list log entries and
    references through their own `get_queryset`, which must stay theirs."""

    def get_base_object_queryset(self):
        return own_contact_persons(self.request)

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is not None:
            return self.object
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_object_or_404(own_contact_persons(self.request), pk=pk)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        return set_no_store(response)


class ContactPersonIndexView(IndexView):
    def get_base_queryset(self):
        return own_contact_persons(self.request).order_by("name")


class ContactPersonCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        instance = contact_person_save(
            service=views_service.current_service(self.request),
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
        )
        log(instance=instance, action="wagtail.create", user=self.request.user)
        return instance


class ContactPersonEditView(OwnContactPersonMixin, EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        instance = contact_person_save(
            # The object lookup is already scoped: an operator edits it for its own service.
            service=self.object.service,
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            contact=self.object,
        )
        log(instance=instance, action="wagtail.edit", user=self.request.user, content_changed=True)
        return instance


class ContactPersonDeleteView(OwnContactPersonMixin, DeleteView):
    def _refuse_in_use(self):
        messages.error(
            self.request,
            _(
                "Deze contactpersoon is stagementor van een aanvaarde leerling en kan "
                "niet verwijderd worden. Kies eerst een andere stagementor."
            ),
        )
        return redirect(self.index_url_name)

    def form_valid(self, form):
        # Wagtail's reference index may already know the protecting decision (then it would
        # answer a bare PermissionDenied); the database's PROTECT is the last word either way.
        if self.usage and self.usage.is_protected:
            return self._refuse_in_use()
        try:
            return super().form_valid(form)
        except ProtectedError:
            return self._refuse_in_use()


class ContactPersonInspectView(OwnContactPersonMixin, InspectView):
    pass


class ContactPersonHistoryView(OwnContactPersonMixin, HistoryView):
    pass


class ContactPersonUsageView(OwnContactPersonMixin, UsageView):
    pass


class ServiceMenuItem(MenuItem):
    """Shown only to logins that work for a service."""

    def is_shown(self, request):
        return views_service.current_service(request) is not None


class ContactPersonViewSet(ModelViewSet):
    model = ContactPerson
    form_fields = ["name", "phone", "email"]
    icon = "user"
    menu_name = "contact-persons"
    menu_label = _("Contactpersonen stage")
    menu_order = 140
    add_to_admin_menu = True
    name = "contact-persons"
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "phone", "email"]
    inspect_view_fields = ["name", "phone", "email"]
    index_view_class = ContactPersonIndexView
    add_view_class = ContactPersonCreateView
    edit_view_class = ContactPersonEditView
    delete_view_class = ContactPersonDeleteView
    inspect_view_class = ContactPersonInspectView
    history_view_class = ContactPersonHistoryView
    usage_view_class = ContactPersonUsageView

    @property
    def menu_item_class(self):
        return ServiceMenuItem

    def get_form_class(self, for_update=False):
        return ContactPersonForm


@hooks.register("register_admin_viewset")
def register_contact_person_viewset():
    return ContactPersonViewSet()


@hooks.register("register_admin_urls")
def register_service_urls():
    return [
        path(
            "service/students/<str:track>/",
            views_service.students_list,
            name="service_students",
        ),
        path(
            "service/students/<str:track>/export/",
            views_service.students_export,
            name="service_students_export",
        ),
        path(
            "service/student/<int:pk>/",
            views_service.student_detail,
            name="service_student_detail",
        ),
        path(
            "service/student/<int:pk>/status/",
            views_service_workspace.student_status,
            name="service_student_status",
        ),
        path(
            "service/capacity/",
            views_service_capacity.capacity_edit,
            name="service_capacity",
        ),
        path(
            "service/students/<str:track>/live/",
            views_service_workspace.students_live,
            name="service_students_live",
        ),
    ]


def _students_menu_item(track: str, name: str, order: int):
    return ServiceMenuItem(
        views_service.TRACK_TITLES[track],
        reverse("service_students", args=[track]),
        name=name,
        icon_name=views_service.TRACK_ICONS[track],
        order=order,
    )


@hooks.register("register_admin_menu_item")
def register_students_secondary_menu_item():
    return _students_menu_item(Track.SECONDARY, "students-secondary", 110)


@hooks.register("register_admin_menu_item")
def register_students_adult_menu_item():
    return _students_menu_item(Track.ADULT, "students-adult", 120)


@hooks.register("register_admin_menu_item")
def register_students_dual_menu_item():
    return _students_menu_item(Track.DUAL, "students-dual", 130)


@hooks.register("register_admin_menu_item")
def register_capacity_menu_item():
    return ServiceMenuItem(
        _("Capaciteit"),
        reverse("service_capacity"),
        name="capacity",
        icon_name="grid",
        order=135,
    )
