"""The production settings as they are, plus the rush's Server-Timing header in front."""

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

MIDDLEWARE = ["bench.servertiming.ServerTimingMiddleware", *MIDDLEWARE]
