"""What of the county's facts the search finds: a fact by its name and group, with its current value in the line."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from shuniu.core.models import User
from shuniu.core.permissions import can
from shuniu.knowledge.models import Fact
from shuniu.knowledge.selectors import current
from shuniu.search.registry import Kind, Record, register


def fact_record(fact: Fact) -> Record:
    value = current(list(fact.statements.all()))
    shown = f"{value.value} {fact.measure}（截至{value.as_of:%Y年%m月%d日}）" if value else "暂无数值"
    return Record(title=f"{fact.group.name} · {fact.name}", detail=shown, text=[fact.name, fact.group.name])


def facts_visible(user: User) -> QuerySet[Fact]:
    return Fact.objects.all() if can(user, "knowledge.view") else Fact.objects.none()


def kinds() -> None:
    register(
        Kind(
            key="fact",
            label="县情",
            model=Fact,
            visible=facts_visible,
            record=fact_record,
            url=lambda pk: reverse("knowledge:fact", args=[pk]),
            order=50,
            rebuild_queryset=lambda: Fact.objects.select_related("group").prefetch_related("statements"),
            icon="bi-bar-chart-line",
        )
    )
