"""The matching domain's models, one module per topic; import them from here."""

from .students import *  # noqa: F401, F403
