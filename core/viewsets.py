"""Generic pieces for Wagtail viewsets: no domain rule here."""

from django.core.exceptions import PermissionDenied
from wagtail.admin.views.generic import IndexView


class _Refused:
    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied


class ReadOnlyViewSetMixin:
    """List, search, filter and inspect only: no add/edit/delete buttons, and those
    routes refuse (they stay routable so admin URL lookups for the model keep working)."""

    copy_view_enabled = False

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(add_url_name=None, edit_url_name=None, delete_url_name=None)
        return view_kwargs

    @property
    def add_view_class(self):
        return type("RefusedCreateView", (_Refused, super().add_view_class), {})

    @property
    def edit_view_class(self):
        return type("RefusedEditView", (_Refused, super().edit_view_class), {})

    @property
    def delete_view_class(self):
        return type("RefusedDeleteView", (_Refused, super().delete_view_class), {})


def related_index_view(*related):
    """An index view that joins what its columns show, instead of a query per row."""

    class RelatedIndexView(IndexView):
        def get_base_queryset(self):
            return super().get_base_queryset().select_related(*related)

    return RelatedIndexView
