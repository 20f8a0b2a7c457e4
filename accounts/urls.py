from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("activeer/<str:token>/", views.activate, name="activate"),
]
