"""A `Server-Timing` header with the request's own CPU time, for the HTTP rush only.

`thread_time()` is the CPU of the thread serving the request (gunicorn's threads share a
process, so process time would mix requests); the database server's work is not in it.
Installed by bench/settings_production.py in front of the production middleware.
"""

import time


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        response = self.get_response(request)
        cpu = (time.thread_time() - cpu0) * 1000
        wall = (time.perf_counter() - wall0) * 1000
        response["Server-Timing"] = f"cpu;dur={cpu:.2f}, app;dur={wall:.2f}"
        return response
