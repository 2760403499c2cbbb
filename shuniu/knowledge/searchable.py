"""What of the knowledge base the search finds: a fact by name and group (its current value in the line); a key project."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from shuniu.core.models import User
from shuniu.core.permissions import can
from shuniu.core.text import chinese_date
from shuniu.knowledge.models import Fact, Project
from shuniu.knowledge.selectors import current
from shuniu.search.registry import Kind, Record, register


def fact_record(fact: Fact) -> Record:
    value = current(list(fact.statements.all()))
    shown = f"{value.value} {fact.measure}（截至{chinese_date(value.as_of)}）" if value else "暂无数值"
    return Record(title=f"{fact.group.name} · {fact.name}", detail=shown, text=[fact.name, fact.group.name])


def project_record(project: Project) -> Record:
    leader = project.leader.full_name if project.leader else ""
    return Record(
        title=f"{project.year}年重点项目 · {project.name}",
        detail=" · ".join(x for x in (project.get_sector_display(), project.unit.name, leader) if x),
        text=[project.name, project.get_sector_display(), project.unit.name, leader, project.content],
    )


def projects_visible(user: User) -> QuerySet[Project]:
    return Project.objects.all() if can(user, "knowledge.view") else Project.objects.none()


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
    register(
        Kind(
            key="project",
            label="重点项目",
            model=Project,
            visible=projects_visible,
            record=project_record,
            url=lambda pk: reverse("knowledge:project", args=[pk]),
            order=55,
            rebuild_queryset=lambda: Project.objects.select_related("unit", "leader"),
            icon="bi-building",
        )
    )
