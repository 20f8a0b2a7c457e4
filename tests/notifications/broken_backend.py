import importlib
import json
import os
import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


class FlakyBackend(BaseEmailBackend):
    """A mail server whose answers a test sets: `FlakyBackend.reply(code)` (or, for a worker
    process, the JSON file named by FLAKY_SMTP_CONTROL) makes it refuse every recipient
    with that SMTP reply, `refuse_only` refuses given addresses, and None accepts. Accepted
    mail is written by Django's file backend to EMAIL_FILE_PATH (worker) or to
    mail.outbox (locmem, in-process tests). The refusals are smtplib's own exceptions,
    with the address in them as a real server's are."""

    control = {"code": None, "refuse_only": {}}

    @classmethod
    def reply(cls, code=None, refuse_only=None):
        cls.control = {"code": code, "refuse_only": refuse_only or {}}

    def _control(self):
        path = os.environ.get("FLAKY_SMTP_CONTROL")
        if path and os.path.exists(path):
            with open(path) as f:
                return json.load(f)
        return self.control

    def send_messages(self, email_messages):
        control = self._control()
        for message in email_messages:
            for address in message.to:
                code = control["refuse_only"].get(address, control["code"])
                if code is not None:
                    text = f"5.1.1 <{address}>: Recipient address rejected"
                    if code < 500:
                        text = f"4.7.1 <{address}>: Service unavailable, try again later"
                    raise smtplib.SMTPRecipientsRefused({address: (code, text.encode())})
        backend = os.environ.get("FLAKY_SMTP_DELIVER", "django.core.mail.backends.locmem")
        module = importlib.import_module(backend)
        return module.EmailBackend(fail_silently=self.fail_silently).send_messages(email_messages)
