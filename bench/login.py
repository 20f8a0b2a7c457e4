"""Signed-in test clients for the bench: a session as a person has it at 11:59, password
and second factor passed (accounts.second_factor), without typing either."""


def passed_second_factor(client, user) -> None:
    """Mark `client`'s signed-in session as past the second factor, through django-otp's
    own `login` with a confirmed authenticator app of the login (enrolled once if missing)."""
    import secrets

    import django_otp
    from django.http import HttpRequest
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import second_factor

    if not second_factor.second_factor_required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None:
        key = secrets.token_hex(20)
        device = TOTPDevice.objects.create(user=user, name="Bench-app", key=key, confirmed=True)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    django_otp.login(request, device)
    request.session.save()


def signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    passed_second_factor(client, user)
    return client
