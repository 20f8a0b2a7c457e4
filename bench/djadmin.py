"""Django's own admin changelist of the same rows as the service list page: a baseline for
what a stock Django screen costs for the same visible set, the same page size and order.

Mounted by bench/urls.py at /django-admin/ on its own AdminSite (the project itself does not
serve Django's admin). The ModelAdmin's queryset is the service's visible set from the same
selector the service list calls, so both pages show the same rows.
"""

from django.contrib import admin
from django.utils import timezone

site = admin.AdminSite(name="benchadmin")
MEASURED = {}  # filled by bench.measure: service, track, filters, page size


class StudentChangelist(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "school", "postcode", "municipality", "province")
    list_select_related = ("school", "province")
    ordering = ("last_name", "first_name", "pk")
    show_full_result_count = False  # one count, like the service list

    def get_list_per_page(self):
        return MEASURED.get("page_size", 25)

    def get_queryset(self, request):
        from matching.selectors import service_students

        self.list_per_page = MEASURED.get("page_size", 25)
        return service_students(
            service=MEASURED["service"],
            track=MEASURED["track"],
            tab="open",
            filters=MEASURED["filters"],
            now=timezone.now(),
        ).prefetch_related(None)

    def has_view_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return True


def register():
    from matching.models import Student

    if not site.is_registered(Student):
        site.register(Student, StudentChangelist)
