from functools import wraps


def no_store(view_func):
    """Mark a view whose responses carry personal data: NoStoreMiddleware then sends
    `Cache-Control: no-store`, so no browser or proxy keeps a copy."""

    @wraps(view_func)
    def wrapper(*args, **kwargs):
        return view_func(*args, **kwargs)

    wrapper.no_store = True
    return wrapper
