from django.urls import path

from . import views

operator_patterns = (
    [
        path("", views.run_index, name="index"),
        path("nieuw/<str:track>/", views.run_create, name="create"),
        path("<int:pk>/", views.run_detail, name="run"),
        path("<int:pk>/regels/<int:line_pk>/schrappen/", views.line_drop, name="drop"),
        path("<int:pk>/versturen/", views.run_send, name="send"),
        path("<int:pk>/afsluiten/", views.run_close, name="close"),
    ],
    "proposals",
)

service_patterns = (
    [
        path("", views.service_index, name="index"),
        path("<int:line_pk>/aanvaarden/", views.service_accept, name="accept"),
        path("<int:line_pk>/weigeren/", views.service_decline, name="decline"),
    ],
    "proposals_service",
)
