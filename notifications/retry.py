"""The outbox's retry rules: when a failed delivery is tried again, which refusals are
final, and how an error is described without the addresses it may carry.

Pure functions; `services.outbox_deliver` applies them to a row."""

import datetime as dt
import re
import smtplib

# Delay before attempt n + 1 after attempt n failed: doubling from one minute, capped at
# an hour. With MAX_ATTEMPTS the last attempt comes about ten hours after the first
# (1+2+4+8+16+32 minutes, then nine hours), so an ordinary outage of the mail server
# (minutes to a few hours) loses nothing.
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=1)
MAX_ATTEMPTS = 16

# How long a published delivery message owns its row. Until then the sweep leaves the row
# alone; after it (a message lost with the broker, a worker killed mid-task) the sweep
# publishes the row again under a new claim, and the old message, should it still
# arrive, does nothing.
CLAIM_LEASE = dt.timedelta(minutes=15)

_ADDRESS = re.compile(r"[^\s<>()\[\]{},;:'\"]+@[^\s<>()\[\]{},;:'\"]+")
REDACTED_ADDRESS = "***"


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)


def retry_schedule() -> list[dt.timedelta]:
    """The waits between the MAX_ATTEMPTS attempts of one row (for README and tests)."""
    return [retry_delay(n) for n in range(1, MAX_ATTEMPTS)]


def _codes(exc: Exception) -> list[int]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [code for code, _message in exc.recipients.values()]
    if isinstance(exc, smtplib.SMTPResponseException):
        return [exc.smtp_code]
    return []


def is_permanent(exc: Exception) -> bool:
    """A mail server's final "no" to this mail: a 5xx reply to its recipient (all of them),
    its sender or its content. Everything else — 4xx replies, refused or dropped
    connections, timeouts, a failed login (the configuration, not the mail) — is
    temporary and retried on the schedule."""
    if not isinstance(
        exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPDataError
    ):
        return False
    codes = _codes(exc)
    return bool(codes) and all(500 <= code < 600 for code in codes)


def redact(text: str) -> str:
    """`text` with every e-mail address replaced by ***."""
    return _ADDRESS.sub(REDACTED_ADDRESS, text)


def _decode(message) -> str:
    if isinstance(message, bytes):
        return message.decode("utf-8", "replace")
    return str(message)


def describe(exc: BaseException) -> str:
    """Class, reply code and reply text of a delivery error, without any address: safe for
    the worker log and the outbox row. Never uses repr(exc), which for
    SMTPRecipientsRefused is the dict of refused addresses."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = sorted({(code, _decode(message)) for code, message in exc.recipients.values()})
        detail = "; ".join(f"{code} {message}" for code, message in replies)
    elif isinstance(exc, smtplib.SMTPResponseException):
        detail = f"{exc.smtp_code} {_decode(exc.smtp_error)}"
    else:
        detail = str(exc)
    text = f"{name}: {detail}" if detail else name
    return redact(" ".join(text.split()))[:500]


class DeliveryError(Exception):
    """What the delivery task raises instead of an unexpected error: only its redacted
    description, so Celery's failure line and traceback cannot print the original
    exception's arguments (addresses, mail text)."""
