from django.urls import path

from accounts import second_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("activeer/<str:token>/", views.activate, name="activate"),
    path(
        "tweestapsverificatie/code/",
        second_factor_views.verify,
        name="second_factor_verify",
    ),
    path(
        "tweestapsverificatie/instellen/",
        second_factor_views.enrol,
        name="second_factor_enrol",
    ),
]
