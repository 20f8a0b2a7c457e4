"""Rendering of editable mail texts with a restricted context.

The engine has no template loaders (no {% include %} of files) and autoescape off (plain-text
mail). The context holds only plain values the caller prepared: no model instances, so an
editor cannot reach data through attribute lookups."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone

__all__ = ["TemplateSyntaxError", "compile_text", "render_text", "plain_context"]

_engine = Engine(autoescape=False, loaders=[], libraries={})
_PLAIN = (str, int, float, Decimal, bool, type(None))


def compile_text(text: str):
    return _engine.from_string(text)


def _plain(value):
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def plain_context(context: dict) -> dict:
    return {str(key): _plain(value) for key, value in context.items()}


def render_text(text: str, context: dict) -> str:
    return compile_text(text).render(Context(plain_context(context), autoescape=False))
