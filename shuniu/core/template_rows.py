"""The templates' `row` tag: a list's row rendered once for its values (a builtin of the template engine).

Django's template engine spends about 80 µs on a register row (fifteen variables, four dates, a link, the
badges): half of the register's first page, and as much on every list. A row that is a frozen dataclass
of plain values — text, numbers, dates, tuples of them — gives the same HTML for the same values, so

    {% for doc in page %}{% row "documents/_register_row.html" doc %}{% endfor %}

renders the partial with nothing in its context but the row, under the row's own name (`doc`), and
remembers the HTML by the row's values, the partial, the time zone, the language and the site's address
prefix. A changed value is another key: nothing is ever invalidated, and the oldest rows are forgotten
(`REMEMBERED` a process).

What the partial may show is therefore only what the row holds: no `request`, `user`, `perms` or
`csrf_token` reach it, and nothing that depends on the time of day unless the row carries it (a light
computed by the selector, not in the template). A row class is checked the first time it is shown:
a frozen dataclass whose fields are declared as plain values — never a model instance, whose equality
is its primary key only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django import template
from django.db.models import Field, Model
from django.template import Engine
from django.template.base import Node, Parser, Template, Token
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

register = template.Library()

REMEMBERED = 20_000  # rows' HTML a process keeps: a few megabytes
PLAIN: frozenset[Any] = frozenset({str, int, bool, float, Decimal, dt.date, dt.datetime, dt.time, type(None)})
_checked: set[type] = set()


def plain(annotation: Any) -> bool:
    """Whether a field declared so holds only plain values.

    Unions, literals and tuples of them count, and so do named tuples and frozen dataclasses of them.
    """
    if annotation in PLAIN:
        return True
    if isinstance(annotation, type) and (issubclass(annotation, tuple) or dataclasses.is_dataclass(annotation)):
        return frozen_plain(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return all(type(arg) in PLAIN for arg in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return all(plain(arg) for arg in typing.get_args(annotation))
    if origin is tuple:
        return all(arg is Ellipsis or plain(arg) for arg in typing.get_args(annotation))
    return False


def frozen_plain(cls: type) -> bool:
    """Whether a named tuple or a frozen dataclass holds only plain values."""
    if dataclasses.is_dataclass(cls):
        if not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            return False
        names = [field.name for field in dataclasses.fields(cls)]
    elif issubclass(cls, tuple) and hasattr(cls, "_fields"):
        names = list(cls._fields)
    else:
        return False
    hints = typing.get_type_hints(cls)
    return all(plain(hints.get(name)) for name in names)


def check(cls: type) -> None:
    """Refuse a row class whose HTML could change while its value stays equal."""
    if not dataclasses.is_dataclass(cls) or not frozen_plain(cls):
        raise TypeError(f"{cls.__name__}: a row must be a frozen dataclass of plain values")


def labels(model: type[Model], field: str) -> dict[Any, str]:
    """What a row shows for each value of a field with choices (as `get_FOO_display` would, without its cost)."""
    found = model._meta.get_field(field)
    if not isinstance(found, Field):  # a relation has no choices
        raise TypeError(field)
    return {value: str(label) for value, label in found.flatchoices}


@lru_cache(maxsize=REMEMBERED)
def html(partial: Template, name: str, row: Any, environment: tuple[Any, ...]) -> SafeString:
    """The partial rendered with only the row in its context. `environment` is part of the key only."""
    autoescape, use_l10n, use_tz = environment[:3]
    return mark_safe(partial.render(Context({name: row}, autoescape=autoescape, use_l10n=use_l10n, use_tz=use_tz)))  # noqa: S308 - the template's own escaped output


class RowNode(Node):
    def __init__(self, partial: str, name: str) -> None:
        self.partial = partial
        self.name = name
        self.variable = template.Variable(name)

    def render(self, context: Context) -> str:
        row = self.variable.resolve(context)
        kind = type(row)
        if kind not in _checked:
            check(kind)
            _checked.add(kind)
        found = context.render_context.get(self)
        if found is None:  # once a page: the partial and what else the HTML depends on
            engine = context.template.engine if context.template is not None else Engine.get_default()
            found = (
                engine.get_template(self.partial),
                (context.autoescape, context.use_l10n, context.use_tz, get_current_timezone_name(),
                 get_language(), get_script_prefix(), get_urlconf()),
            )  # fmt: skip
            context.render_context[self] = found
        partial, environment = found
        return html(partial, self.name, row, environment)


@register.tag
def row(parser: Parser, token: Token) -> RowNode:
    """`{% row "app/_partial.html" name %}`: the partial rendered with only `name` in its context, remembered."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1][0] not in "'\"" or bits[1][-1] != bits[1][0] or not bits[2].isidentifier():
        raise template.TemplateSyntaxError('用法：{% row "模板" 变量名 %}')
    return RowNode(bits[1][1:-1], bits[2])
