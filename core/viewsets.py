"""Generic pieces for Wagtail viewsets: no domain rule here."""

from django.forms.models import modelform_factory
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView


class ReadOnlyHistoryView(HistoryView):
    """Wagtail asks for add/change/delete to show an object's history; here `view` does."""

    any_permission_required = ["view"]


class ReadOnlyUsageView(UsageView):
    permission_required = "view"


class ReadOnlyViewSetMixin:
    """List, search, filter, inspect, history and usage only. The model's permission
    policy (core.permissions.ReadOnlyPermissionPolicy) refuses add, change and delete, so
    Wagtail shows no such button and its own views answer those routes with a refusal;
    the routes stay so admin URL lookups for the model keep working. The create/edit form
    has no field: there is nothing to write."""

    copy_view_enabled = False
    history_view_class = ReadOnlyHistoryView
    usage_view_class = ReadOnlyUsageView

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(add_url_name=None, edit_url_name=None, delete_url_name=None)
        return view_kwargs

    def get_form_class(self, for_update=False):
        return modelform_factory(self.model, fields=())


def related_index_view(*related):
    """An index view that joins what its columns show, instead of a query per row."""

    class RelatedIndexView(IndexView):
        def get_base_queryset(self):
            return super().get_base_queryset().select_related(*related)

    return RelatedIndexView
