import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.middleware import LOGIN_AT_KEY, SEEN_AT_KEY
from accounts.services import session_register


@receiver(user_logged_in, dispatch_uid="accounts_one_session")
def remember_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    now = int(time.time())
    session[LOGIN_AT_KEY] = now
    session[SEEN_AT_KEY] = now
    if session.session_key is None:
        session.save()
    session_register(user=user, session_key=session.session_key)
