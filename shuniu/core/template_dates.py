"""The templates' `date` filter, made cheap for the formats the pages use (a builtin of the template engine).

Django's filter parses its format string on every call: about 30 µs, and a list of fifty rows with four
dates each spent more time formatting dates than anything else. This one compiles each format once and
writes the same text; a format with anything beyond year, month, day, hour, minute and second (or a
backslash, or a named format) goes to Django's own filter. `tests/test_template_dates.py` compares the two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django import template
from django.template import defaultfilters

register = template.Library()

Part = Callable[[dt.date], str]
DATE_PARTS: dict[str, Part] = {
    "Y": lambda d: f"{d.year:04d}",
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "d": lambda d: f"{d.day:02d}",
    "j": lambda d: str(d.day),
}
TIME_PARTS: dict[str, Callable[[dt.datetime], str]] = {
    "H": lambda d: f"{d.hour:02d}",
    "i": lambda d: f"{d.minute:02d}",
    "s": lambda d: f"{d.second:02d}",
}
SPECIFIERS = set("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")  # what Django's format reads as a specifier


@lru_cache(maxsize=64)
def compiled(fmt: str) -> tuple[list[Any], bool] | None:
    """The format as a list of literal strings and parts, and whether it needs a time; None: Django's filter."""
    if "\\" in fmt:
        return None
    parts: list[Any] = []
    timed = False
    for char in fmt:
        if char in DATE_PARTS:
            parts.append(DATE_PARTS[char])
        elif char in TIME_PARTS:
            parts.append(TIME_PARTS[char])
            timed = True
        elif char in SPECIFIERS:
            return None
        else:
            parts.append(char)
    return parts, timed


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Format a date (or a datetime, already in local time) like Django's `date` filter."""
    plan = compiled(arg) if arg else None
    if plan is not None and isinstance(value, dt.date):
        parts, timed = plan
        if isinstance(value, dt.datetime) or not timed:
            return "".join(p if isinstance(p, str) else p(value) for p in parts)
    return str(defaultfilters.date(value, arg))
