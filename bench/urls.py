"""The project's URLs plus Django's admin changelist baseline (bench/djadmin.py)."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

from .djadmin import register, site

register()
urlpatterns = [path("django-admin/", site.urls), *project_urlpatterns]
