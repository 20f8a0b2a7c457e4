"""`Cache-Control: no-store` for responses with personal data: one helper sets it, and a
marker asks NoStoreMiddleware (accounts.middleware) to set it for a whole view."""

from functools import wraps

from django.utils.cache import add_never_cache_headers


def set_no_store(response):
    """No browser or proxy may keep a copy of `response` (no-store, no-cache, max-age=0,
    private). Returns the response."""
    add_never_cache_headers(response)
    return response


def no_store(view_func):
    """Mark a view whose responses carry personal data: NoStoreMiddleware then calls
    set_no_store on every response of it."""

    @wraps(view_func)
    def wrapper(*args, **kwargs):
        return view_func(*args, **kwargs)

    wrapper.no_store = True
    return wrapper
