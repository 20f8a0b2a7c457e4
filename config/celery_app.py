import os
from pathlib import Path

from celery import Celery
from celery.signals import celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("stagematching")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _prepare_embedded_broker(sender, **kwargs):
    """The embedded (filesystem) broker needs its folders before anything is sent."""
    if str(sender.conf.broker_url).startswith("filesystem://"):
        options = sender.conf.broker_transport_options or {}
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


@celeryd_init.connect
def _worker_broker_timeout(sender=None, conf=None, **kwargs):
    """A worker is no web request: its broker commands may wait longer than a publish
    from the web may (settings.BROKER_TIMEOUT), so a busy broker does not make it drop and
    re-open connections."""
    from django.conf import settings

    options = dict(app.conf.broker_transport_options or {})
    if "socket_timeout" in options:
        options["socket_timeout"] = settings.WORKER_BROKER_TIMEOUT
        options["socket_connect_timeout"] = settings.WORKER_BROKER_TIMEOUT
        app.conf.broker_transport_options = options
