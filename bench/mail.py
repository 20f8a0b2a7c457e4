"""A mail backend that only counts: the worker hands mails to it, the benchmark reads the
count from Redis. Each mail is fully built (`message()`), so the MIME encoding is paid."""

import os
import time

import redis
from django.core.mail.backends.base import BaseEmailBackend

COUNT_KEY = "bench:mail:count"
LAST_KEY = "bench:mail:last"


_client = None


def client() -> redis.Redis:
    """One connection pool per process (the worker's children each get their own)."""
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return _client


def reset() -> None:
    client().delete(COUNT_KEY, LAST_KEY)


def sent() -> int:
    return int(client().get(COUNT_KEY) or 0)


def last_at() -> float | None:
    value = client().get(LAST_KEY)
    return float(value) if value else None


class CountingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        for message in email_messages:
            message.message().as_bytes()
        pipe = client().pipeline()
        pipe.incrby(COUNT_KEY, len(email_messages))
        pipe.set(LAST_KEY, repr(time.time()))
        pipe.execute()
        return len(email_messages)
