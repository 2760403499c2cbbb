"""Reads of the county's facts: the current value of each, its history, two values side by side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from shuniu.core.access import get_visible_or_404
from shuniu.core.forms import is_number
from shuniu.core.models import User
from shuniu.core.permissions import can
from shuniu.knowledge.models import Fact, FactGroup, Rank, Statement


def current(statements: list[Statement]) -> Statement | None:
    """The value that stands: the latest preferred one, else the latest that is not superseded."""
    live = [s for s in statements if s.rank != Rank.DEPRECATED]
    preferred = [s for s in live if s.rank == Rank.PREFERRED]
    pool = preferred or live
    return max(pool, key=lambda s: (s.as_of, s.pk)) if pool else None


@dataclass(frozen=True)
class FactLine:
    """A fact as the overview shows it: its current value, and whether that value is older than its period."""

    fact: Fact
    value: Statement | None
    stale: bool


def fact_lines(
    groups: QuerySet[FactGroup] | None = None, today: dt.date | None = None
) -> list[tuple[FactGroup, list[FactLine]]]:
    """Every group with its facts and their current values (three queries whatever the number of facts)."""
    today = today or timezone.localdate()
    groups = (groups if groups is not None else FactGroup.objects.all()).prefetch_related(
        Prefetch("facts", queryset=Fact.objects.order_by("sort_order", "name").prefetch_related("statements"))
    )
    result = []
    for group in groups:
        lines = []
        for fact in group.facts.all():
            value = current(list(fact.statements.all()))
            stale = value is None or (today - value.as_of).days > fact.refresh_days
            lines.append(FactLine(fact, value, stale))
        result.append((group, lines))
    return result


def fact_for(pk: object) -> Fact:
    """One fact (404 otherwise); every office person reads the county's facts."""
    return get_visible_or_404(Fact.objects.select_related("group__owner"), pk)


def history(fact: Fact) -> list[Statement]:
    """Every value the fact has had, newest first, superseded ones included."""
    return list(fact.statements.select_related("recorded_by").order_by("-as_of", "-pk"))


def may_edit(user: User, group: FactGroup) -> bool:
    """The group's keeper, or the office staff who manage the knowledge base."""
    return can(user, "knowledge.manage") or (group.owner_id is not None and group.owner_id == user.pk)


@dataclass(frozen=True)
class Comparison:
    """Two values of one fact side by side: the change, and in percent when both are numbers."""

    older: Statement
    newer: Statement
    change: Decimal | None
    percent: Decimal | None

    @property
    def change_text(self) -> str:
        """The change as written: +0.1, −1,200 (no trailing zeros, no exponent)."""
        if self.change is None:
            return ""
        plain = format(self.change.normalize(), "f")
        return plain if plain.startswith("-") else "+" + plain


def compare(fact: Fact, a: object, b: object) -> Comparison | None:
    """Two of the fact's values (by id), the older first; None if either is not the fact's."""
    found = {s.pk: s for s in fact.statements.filter(pk__in=[str(x) for x in (a, b) if is_number(str(x))][:2])}
    if len(found) != 2:
        return None
    older, newer = sorted(found.values(), key=lambda s: (s.as_of, s.pk))
    change = percent = None
    if older.number is not None and newer.number is not None:
        change = newer.number - older.number
        percent = (change / older.number * 100).quantize(Decimal("0.1")) if older.number else None
    return Comparison(older, newer, change, percent)


def history_table() -> list[list[object]]:
    """Every value of every fact, by group and fact, newest first (two queries)."""
    rows: list[list[object]] = []
    statements = Statement.objects.select_related("fact__group").order_by(
        "fact__group__sort_order", "fact__sort_order", "fact__name", "-as_of", "-pk"
    )
    for s in statements:
        rows.append(
            [
                s.fact.group.name,
                s.fact.name,
                s.value,
                s.fact.measure,
                s.as_of.isoformat(),
                s.source,
                s.get_rank_display(),
                s.note,
            ]
        )
    return rows
