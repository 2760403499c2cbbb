"""What each module makes searchable: a kind of record, who may see it, and what of it is indexed.

A module registers its kinds in its AppConfig.ready (`register(Kind(...))`) and calls
`search.services.entry_update(obj)` from the services that change the indexed text, inside their
transaction. The search asks the kind's own `visible(user)` inside the query, so the index never
decides who sees what.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet

from shuniu.core.models import User


@dataclass(frozen=True)
class Record:
    """A record as the index holds it: the result's title and line (no personal data), and the text."""

    title: str
    detail: str
    text: Sequence[str]


@dataclass(frozen=True)
class Kind:
    """A kind of searchable record."""

    key: str  # stored in search_entry.kind
    label: str  # the heading of its results: 收文, 督办事项…
    model: type[models.Model]
    visible: Callable[[User], QuerySet[Any]]  # what `user` may see of the model, clearance and scope included
    record: Callable[[Any], Record]
    url: Callable[[int], str]
    order: int = 100
    rebuild_queryset: Callable[[], QuerySet[Any]] | None = None  # select/prefetch for a rebuild
    icon: str = "bi-search"

    def all_records(self) -> QuerySet[Any]:
        return self.rebuild_queryset() if self.rebuild_queryset else self.model._default_manager.all()


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Add a kind (once; registering the same key again replaces it, as a reloaded app would).

    A key is lower-case letters and underscores: PostgreSQL's first search statement writes it as a literal.
    """
    if not re.fullmatch(r"[a-z_]+", kind.key):
        raise ValueError(f"搜索类别的键只能由小写字母和下划线组成：{kind.key!r}")
    KINDS[kind.key] = kind


def kinds() -> list[Kind]:
    """Every kind, in the order results are shown."""
    return sorted(KINDS.values(), key=lambda k: (k.order, k.key))


def kind_of(obj: models.Model) -> Kind:
    """The kind `obj` is registered as."""
    for kind in KINDS.values():
        if isinstance(obj, kind.model):
            return kind
    raise LookupError(f"{type(obj).__name__} is not searchable")
