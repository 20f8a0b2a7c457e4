import secrets
import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.middleware import LOGIN_AT_KEY, LOGIN_ID_KEY, SEEN_AT_KEY
from accounts.services import session_register


@receiver(user_logged_in, dispatch_uid="accounts_one_session")
def remember_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    now = int(time.time())
    session[LOGIN_AT_KEY] = now
    session[SEEN_AT_KEY] = now
    # An id of this sign-in, kept in the session: unlike the session key it survives the
    # key rotation of a password change, so changing one's password does not sign one out.
    session[LOGIN_ID_KEY] = login_id = secrets.token_hex(16)
    session_register(user=user, session_key=login_id)


@receiver(user_logged_in, dispatch_uid="accounts_second_factor_pending")
def await_second_factor(sender, request, user, **kwargs):
    """A password sign-in always asks for the second factor again, even in a session
    that passed it before; a login that needs none is done and its failures are cleared
    (django-axes' reset-on-success, which waits for the code for everyone else)."""
    from accounts import second_factor

    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    if not second_factor.second_factor_required(user):
        second_factor.sign_in_failures_clear(request, user)
