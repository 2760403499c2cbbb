"""The templates' `row` tag: a list's row rendered once for its values (a builtin of the template engine).

Django's template engine spends about 80 µs on a register row (fifteen variables, four dates, a link, the
badges): half of the register's first page, and as much on every list. A row that holds only plain
values — text, whole numbers, yes/no, dates and times, tuples of them, named tuples and dataclasses of
them — gives the same HTML for the same values, so

    {% for doc in rows %}{% row "documents/_register_row.html" doc %}{% endfor %}

renders the partial with nothing in its context but the row, under the row's own name (`doc`), and
remembers the HTML by the row's values, the partial, the time zone, the language and the site's address
prefix. The key is built from the values themselves, each with its exact type (so 1 and True, or a
`SafeString` and the same text, are never one key), not from the row's own equality; a value of any other
kind (a model instance, a number with a decimal point, safe HTML) is refused with a TypeError. A changed
value is another key: nothing is ever invalidated, and the rows least recently shown are forgotten
(`REMEMBERED` a process, a few kilobytes each).

What the partial may show is therefore only what the row holds: no `request`, `user`, `perms` or
`csrf_token` reach it (a test renders every row partial with unknown variables made visible), and
nothing that depends on the time of day unless the row carries it (a light computed by the selector, not
in the template). Without a request, its `url` tags reverse without a current application: the same
address on every page.

Like the cheaper `date` filter and `url` tag beside it, this keeps Django's templates and their syntax; it
only spares the engine from rendering the same row again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.template import Engine
from django.template.base import Node, Parser, Template, Token
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

register = template.Library()

REMEMBERED = 5_000  # rows' HTML a process keeps (a register row: about 2 KB of text and 1 KB of key)
PLAIN: frozenset[type] = frozenset({str, int, bool, dt.date, dt.datetime, dt.time, type(None)})


def key(value: Any) -> Any:
    """`value` as a key: each plain value with its exact type, containers by their parts; TypeError otherwise."""
    kind = type(value)
    if kind in PLAIN:
        return kind, value
    if isinstance(value, enum.Enum):  # a choice (TextChoices, IntegerChoices): shown as its value
        return key(value.value)
    if kind is tuple:
        return tuple(key(item) for item in value)
    if issubclass(kind, tuple) and hasattr(kind, "_fields"):  # a named tuple
        return kind, tuple(key(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return kind, tuple(key(getattr(value, field.name)) for field in dataclasses.fields(value))
    raise TypeError(f"{kind.__name__} 不是可记住的行值：行只能含文字、整数、是否、日期时间及其元组")


class Remembered:
    """The rows' HTML, least recently shown forgotten first (a lock: a threaded server renders at once)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, found: tuple[Any, ...]) -> SafeString | None:
        with self.lock:
            html = self.entries.get(found)
            if html is None:
                self.misses += 1
            else:
                self.hits += 1
                self.entries.move_to_end(found)
            return html

    def put(self, found: tuple[Any, ...], html: SafeString) -> None:
        with self.lock:
            self.entries[found] = html
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)


remembered = Remembered(REMEMBERED)


class RowNode(Node):
    """`{% row "partial" name %}`: the partial rendered with only `name` in its context, remembered by value."""

    def __init__(self, partial: str, name: str) -> None:
        self.partial = partial
        self.name = name
        self.variable = template.Variable(name)

    def render(self, context: Context) -> str:
        row = self.variable.resolve(context)
        setting = context.render_context.get(self)
        if setting is None:  # once a page: the partial and what else the HTML depends on
            engine = context.template.engine if context.template is not None else Engine.get_default()
            setting = (
                engine.get_template(self.partial),
                (context.autoescape, context.use_l10n, context.use_tz, get_current_timezone_name(),
                 get_language(), get_script_prefix(), get_urlconf()),
            )  # fmt: skip
            context.render_context[self] = setting
        partial, environment = setting
        found = (partial, self.name, key(row), environment)
        html = remembered.get(found)
        if html is None:
            html = self.rendered(partial, row, environment)
            remembered.put(found, html)
        return html

    def rendered(self, partial: Template, row: Any, environment: tuple[Any, ...]) -> SafeString:
        autoescape, use_l10n, use_tz = environment[:3]
        alone = Context({self.name: row}, autoescape=autoescape, use_l10n=use_l10n, use_tz=use_tz)
        return mark_safe(partial.render(alone))  # noqa: S308 - the template's own escaped output


@register.tag
def row(parser: Parser, token: Token) -> RowNode:
    """`{% row "app/_partial.html" name %}`: the partial rendered with only `name` in its context, remembered."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1][0] not in "'\"" or bits[1][-1] != bits[1][0] or not bits[2].isidentifier():
        raise template.TemplateSyntaxError('用法：{% row "模板" 变量名 %}')
    return RowNode(bits[1][1:-1], bits[2])
