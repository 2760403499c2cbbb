"""The templates' `url` tag, made cheap for whole-number arguments (a builtin of the template engine).

Django's tag reverses the name on every call (about 15 µs: the namespaces, the patterns, the converters);
the register's fifty rows, a link each, spent a tenth of the page there. This one reverses each view name
once, with placeholder numbers for its arguments, and writes a row's numbers into that text — the same
address. Anything else goes to Django's tag: keyword arguments, an argument that is not a whole number
of zero or more, a name whose placeholders do not come out once each as written, or whose shape does not
give Django's own address for 0, 1, 2… and for 1, 1, 1… (a converter that pads or refuses some numbers).
`tests/test_template_urls.py` compares the two for every name of the site.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

PLACEHOLDER = 739_204_851_367  # the first argument's; the second's is one more, and so on


@lru_cache(maxsize=1024)
def shape(
    name: str, arity: int, urlconf: str, prefix: str, current_app: str | None, language: str | None
) -> tuple[str, ...] | None:
    """The address of `name` cut where its arguments go (`arity + 1` pieces), or None: Django's tag decides.

    `prefix` and `language` are part of the key only: `reverse` reads both for itself.
    """
    marks = [PLACEHOLDER + i for i in range(arity)]
    try:
        address = reverse(name, urlconf=urlconf, args=marks, current_app=current_app)
    except NoReverseMatch:
        return None
    pieces, rest = [], address
    for mark in marks:
        if rest.count(str(mark)) != 1:
            return None
        before, rest = rest.split(str(mark))
        pieces.append(before)
    cut = (*pieces, rest)
    for trial in (list(range(arity)), [1] * arity):  # the shape must give Django's answer for real numbers
        try:
            if reverse(name, urlconf=urlconf, args=trial, current_app=current_app) != written(cut, trial):
                return None
        except NoReverseMatch:
            return None
    return cut


def written(cut: tuple[str, ...], args: list[int]) -> str:
    """The address of a shape with these numbers in it."""
    return cut[0] + "".join(f"{arg}{piece}" for arg, piece in zip(args, cut[1:], strict=True))


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in ("ROOT_URLCONF", "LANGUAGE_CODE", "USE_I18N"):  # tests that swap the site's addresses
        shape.cache_clear()


class URLNode(defaulttags.URLNode):
    """Django's node, with the placeholder path tried first."""

    def render(self, context: Context) -> str:
        if self.kwargs:
            return str(super().render(context))
        args = [arg.resolve(context) for arg in self.args]
        if not all(type(arg) is int and arg >= 0 for arg in args):
            return str(super().render(context))
        try:  # as Django's tag finds it
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        cut = shape(
            str(self.view_name.resolve(context)),
            len(args),
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
            current_app,
            get_language(),
        )
        if cut is None:
            return str(super().render(context))
        address = written(cut, args)
        if self.asvar:
            context[self.asvar] = address
            return ""
        return str(conditional_escape(address)) if context.autoescape else address


@register.tag
def url(parser: Parser, token: Token) -> URLNode:
    """`{% url 'name' arg … [as var] %}`, parsed by Django's own tag."""
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
