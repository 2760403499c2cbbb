"""Pages of a list without counting it: one more row than a page tells whether there is a next.

Django's Paginator counts every row the list could show (`SELECT COUNT(*)`) to print "第 1 / 3,000 页";
at ten years of data that count is most of a first page's time. A `Window` reads `size + 1` rows at the
page's offset and knows only whether another page follows — the first pages stay as fast at 1,000,000
rows as at 10,000. Every list page uses it, with `core/_pager.html`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar, overload

from django.db.models import Count, Model, QuerySet
from django.db.models import Window as SQLWindow  # not the page below: a window function
from django.http import HttpRequest

from shuniu.core.forms import int_param

T = TypeVar("T")
M = TypeVar("M", bound=Model)
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Window(Sequence[T], Generic[T]):
    """One page of a list: its rows, its number, whether pages come before and after, the list's other parameters."""

    items: list[T]
    number: int
    has_next: bool
    query: str = ""  # the request's other parameters, for the pager's links
    total: int | None = None  # the whole list's rows, for a list asked to count them (`counted_page_of`)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        """Whether the pager is worth showing."""
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        """The page before (1 at the first)."""
        return max(self.number - 1, 1)

    @property
    def next_page_number(self) -> int:
        """The page after."""
        return self.number + 1


class Sliceable(Protocol):
    """A list that can be read a slice at a time: a QuerySet, a list, a search's `Matching`."""

    def __getitem__(self, window: slice, /) -> Iterable[Any]: ...


def page_of(request: HttpRequest, rows: QuerySet[Any] | Sliceable, size: int) -> Window[Any]:
    """The page of `rows` the request asks for (`?page=`; anything odd is the first), read without a count."""
    others = request.GET.copy()
    others.pop("page", None)
    return window(rows, int_param(request.GET.get("page"), 1, 1, MAX_PAGE), size, others.urlencode())


TOTAL = "listed_in_all"  # the window function's column: every row of the page carries the list's count


def counted_page_of(request: HttpRequest, rows: QuerySet[Any], size: int) -> Window[Any]:
    """`page_of` for a list that is short by nature (a desk), with its count read in the same query.

    `COUNT(*) OVER ()` is computed before the page is cut, so each row of the page carries the whole
    list's count: one query, not a page and a count. Only a page past the end counts apart.
    """
    page = page_of(request, rows.annotate(**{TOTAL: SQLWindow(Count("pk"))}), size)
    total = _total(page.items[0]) if page.items else (0 if page.number == 1 else rows.count())
    return replace(page, total=total)


def _total(row: Any) -> int:
    """The window's count a row carries: a model row's attribute, or a `values()` row's key (`counted_page_of`)."""
    return int(row[TOTAL]) if isinstance(row, dict) else int(getattr(row, TOTAL))


def head(rows: QuerySet[M], size: int) -> tuple[list[M], int]:
    """The first `size` of `rows` and how many there are, in one query (a card's few rows and its count).

    For a list that is short by nature, as `counted_page_of`: every row the count covers is read. Not for
    a DISTINCT queryset: the window counts the rows before DISTINCT removes any.
    """
    found = list(rows.annotate(**{TOTAL: SQLWindow(Count("pk"))})[:size])
    return found, _total(found[0]) if found else 0


def window(rows: QuerySet[Any] | Sliceable, number: int, size: int, query: str = "") -> Window[Any]:
    """Page `number` of `rows`: `size + 1` rows read at its offset, the last only to know whether more follow."""
    offset = (number - 1) * size
    found = list(rows[offset : offset + size + 1])
    return Window(found[:size], number, len(found) > size, query)
