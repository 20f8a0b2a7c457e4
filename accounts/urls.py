from django.urls import path

from accounts import passkey_views, second_factor_views, views

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
    path(
        "tweestapsverificatie/link/<str:token>/",
        second_factor_views.enrol_link,
        name="second_factor_enrol_link",
    ),
    # Passkeys (django-otp-webauthn): the page, and the JSON endpoints its scripts call.
    path("tweestapsverificatie/passkeys/", passkey_views.passkeys_page, name="passkeys"),
    path(
        "tweestapsverificatie/passkey/registreren/begin/",
        passkey_views.register_begin,
        name="passkey_register_begin",
    ),
    path(
        "tweestapsverificatie/passkey/registreren/klaar/",
        passkey_views.register_complete,
        name="passkey_register_complete",
    ),
    path(
        "tweestapsverificatie/passkey/aanmelden/begin/",
        passkey_views.auth_begin,
        name="passkey_auth_begin",
    ),
    path(
        "tweestapsverificatie/passkey/aanmelden/klaar/",
        passkey_views.auth_complete,
        name="passkey_auth_complete",
    ),
    path(
        "tweestapsverificatie/passkey/jsi18n/", passkey_views.passkey_jsi18n, name="passkey_jsi18n"
    ),
]
