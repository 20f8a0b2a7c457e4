"""gunicorn's settings: one source for the Dockerfile, docker-compose and `make bench`.

Sync workers with threads: a request waiting on PostgreSQL leaves its process's other
threads to serve. WEB_CONCURRENCY and WEB_THREADS override the shape.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 60
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
