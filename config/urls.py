from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from cms import views as cms_views

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    # Before Wagtail's own: GET confirms, POST signs out on the server (accounts.views).
    path("admin/logout/", accounts_views.admin_logout, name="wagtailadmin_logout"),
]
if not settings.DEBUG:
    # Wagtail's error-test page lets any admin user raise a 500: gone in production.
    urlpatterns += [path("admin/failwhale/", accounts_views.not_found)]
urlpatterns += [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", include("cms.api")),
    path("zoeken/", cms_views.search, name="search"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# Dutch, branded error pages for the public site and the admin (cms.errors).
handler403 = "cms.errors.permission_denied"
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"
