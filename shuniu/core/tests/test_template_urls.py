"""The templates' cheaper `url` tag writes what Django's `reverse` writes, for every address of the site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import get_language

from shuniu.core import template_urls


def names(
    patterns: list[URLPattern | URLResolver] | None = None, space: str = "", ints: int = 0
) -> Iterator[tuple[str, int]]:
    """Every named address of the site and how many arguments it takes (each given numbers, whatever its converter)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        converters = entry.pattern.converters
        if isinstance(entry, URLResolver):
            inner = f"{space}{entry.namespace}:" if entry.namespace else space
            yield from names(entry.url_patterns, inner, ints + len(converters))
        elif entry.name:
            yield f"{space}{entry.name}", ints + len(converters)


NAMES = sorted(set(names()))


def written(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_a_row_takes_the_cheap_way() -> None:
    """The shape is found for the site's detail pages (else every address would quietly go to Django's tag)."""
    template_urls.shape.cache_clear()
    assert template_urls.shape("documents:detail", 1, settings.ROOT_URLCONF, "/", None, get_language()) == (
        reverse("documents:detail", args=[0])[:-2],
        "/",
    )
    written("{% url 'documents:detail' 3 %}")
    assert template_urls.shape.cache_info().currsize == 1


def test_a_converter_that_writes_numbers_its_own_way_goes_to_djangos_tag() -> None:
    with override_settings(ROOT_URLCONF="shuniu.core.tests.other_urls"):
        assert written("{% url 'padded' 7 %}{% url 'padded' 12345 %}") == "/padded/0007//padded/12345/"
        assert written("{% url 'positive' 5 %}") == "/positive/5/"
        with pytest.raises(NoReverseMatch):
            written("{% url 'positive' 0 %}")


def test_the_site_has_addresses_with_numbers() -> None:
    assert ("documents:detail", 1) in NAMES
    assert ("documents:register", 0) in NAMES
    assert len([n for n, arity in NAMES if arity == 2]) >= 1


@pytest.mark.parametrize(("name", "arity"), NAMES)
def test_same_address_as_djangos_reverse(name: str, arity: int) -> None:
    for args in ([0] * arity, [7] * arity, list(range(1, arity + 1)), [123_456_789_012] * arity):
        source = "{% url name " + " ".join(f"a{i}" for i in range(arity)) + " %}"
        numbers = {f"a{i}": a for i, a in enumerate(args)}
        try:
            expected = reverse(name, args=args)
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):  # refused here as Django refuses it
                written(source, name=name, **numbers)
            continue
        assert written(source, name=name, **numbers) == expected, (name, args)


def test_anything_else_goes_to_djangos_tag() -> None:
    detail = reverse("documents:detail", args=[5])
    assert written("{% url 'documents:detail' pk=5 %}") == detail  # keyword arguments
    assert written("{% url 'documents:detail' '5' %}") == detail  # a string
    assert written("{% url 'documents:detail' pk as there %}[{{ there }}]", pk=5) == f"[{detail}]"
    with pytest.raises(NoReverseMatch):
        written("{% url 'documents:detail' -1 %}")  # refused as Django refuses it
    with pytest.raises(NoReverseMatch):
        written("{% url 'documents:no_such_page' 5 %}")
    assert written("{% url 'documents:no_such_page' 5 as there %}[{{ there }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        written("{% url 'documents:detail' True %}")  # a yes/no is not a number here


def test_a_different_site_is_a_different_shape() -> None:
    template_urls.shape.cache_clear()
    assert written("{% url 'documents:detail' 3 %}{% url 'documents:detail' 4 %}") == reverse(
        "documents:detail", args=[3]
    ) + reverse("documents:detail", args=[4])
    assert template_urls.shape.cache_info().hits == 1  # the second row used the first one's shape
    with override_settings(ROOT_URLCONF="shuniu.core.tests.other_urls"):
        assert written("{% url 'elsewhere' 3 %}") == "/elsewhere/3/"
        with pytest.raises(NoReverseMatch):
            written("{% url 'documents:detail' 3 %}")
    assert template_urls.shape.cache_info().currsize == 0  # forgotten when the site changed back
    assert written("{% url 'documents:detail' 3 %}") == reverse("documents:detail", args=[3])


def test_the_script_prefix_is_kept() -> None:
    from django.urls import set_script_prefix

    set_script_prefix("/shuniu/")
    try:
        assert written("{% url 'documents:detail' 3 %}") == reverse("documents:detail", args=[3])
        assert written("{% url 'documents:detail' 3 %}").startswith("/shuniu/documents/")
    finally:
        set_script_prefix("/")
    assert not written("{% url 'documents:detail' 3 %}").startswith("/shuniu/")
