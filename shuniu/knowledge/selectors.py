"""Reads of the county's facts: the current value of each, its history, two values side by side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from shuniu.core.access import get_visible_or_404
from shuniu.core.deadlines import Light
from shuniu.core.forms import is_number
from shuniu.core.models import Role, User
from shuniu.core.permissions import can
from shuniu.knowledge.models import Fact, FactGroup, Milestone, Progress, Project, Rank, Statement
from shuniu.supervision.models import Matter
from shuniu.supervision.selectors import matters_for


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
    return [(group, [fact_line(fact, today) for fact in group.facts.all()]) for group in groups]


def fact_line(fact: Fact, today: dt.date | None = None) -> FactLine:
    """A fact's current value and whether it is older than its refresh period (prefetch `statements` for many)."""
    today = today or timezone.localdate()
    value = current(list(fact.statements.all()))
    return FactLine(fact, value, value is None or (today - value.as_of).days > fact.refresh_days)


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


# Key projects (重点项目)

BEHIND_YELLOW = 10  # points behind the year's elapsed time: 10–30 yellow, more red (as some counties' rules set it)
BEHIND_RED = 30


@dataclass(frozen=True)
class ProjectLight:
    """Investment done against the year's plan, beside the share of the year gone (时序进度), as of a report."""

    as_of: dt.date  # the day the year's share is measured at (today)
    invested: Decimal  # % of the year's planned investment done, by the latest report
    elapsed: Decimal  # % of the year gone by `as_of`
    colour: Light
    reported: dt.date  # the latest report's date

    @property
    def behind(self) -> Decimal:
        """Points behind the year's elapsed time (0 when ahead)."""
        return max(self.elapsed - self.invested, Decimal(0))

    @property
    def label(self) -> str:
        """The light in words (the colour is never the only sign)."""
        return {"green": "绿灯：按计划推进", "yellow": "黄灯：滞后", "red": "红灯：严重滞后"}[self.colour]


def project_light(project: Project, latest: Progress | None, today: dt.date | None = None) -> ProjectLight | None:
    """The light: the latest report's investment against the share of the year gone by today (None until a report).

    Today, not the report's date: a unit that stops reporting does not stay green (a past year is
    measured at its end).
    """
    if latest is None or latest.as_of.year != project.year:
        return None
    start = dt.date(project.year, 1, 1)
    end = dt.date(project.year + 1, 1, 1)
    days = (end - start).days
    upto = min(today or timezone.localdate(), end - dt.timedelta(days=1))
    elapsed = (Decimal((upto - start).days + 1) * 100 / days).quantize(Decimal("0.1"))
    invested = (latest.year_done * 100 / project.year_planned).quantize(Decimal("0.1"))
    behind = elapsed - invested
    colour: Light = "red" if behind > BEHIND_RED else "yellow" if behind >= BEHIND_YELLOW else "green"
    return ProjectLight(upto, invested, elapsed, colour, latest.as_of)


@dataclass(frozen=True)
class ProjectLine:
    """A project in the list: its latest report and its light."""

    project: Project
    latest: Progress | None
    light: ProjectLight | None


def project_lines(year: int) -> list[ProjectLine]:
    """The year's key projects with their latest reports (two queries whatever the number)."""
    projects = (
        Project.objects.filter(year=year)
        .select_related("unit", "leader")
        .prefetch_related(Prefetch("progress", queryset=Progress.objects.order_by("-as_of", "-pk")))
    )
    lines = []
    for project in projects:
        latest = next(iter(project.progress.all()), None)
        lines.append(ProjectLine(project, latest, project_light(project, latest)))
    return lines


def project_line(project: Project) -> ProjectLine:
    """One project with its latest report and light."""
    latest = project.progress.order_by("-as_of", "-pk").first()
    return ProjectLine(project, latest, project_light(project, latest))


def project_years() -> list[int]:
    """The years that have key projects, newest first."""
    return sorted(set(Project.objects.values_list("year", flat=True)), reverse=True)


def project_for(pk: object) -> Project:
    """One project (404 otherwise); every office person and liaison reads the key projects."""
    return get_visible_or_404(Project.objects.select_related("unit", "leader"), pk)


def milestone_for(project: Project, pk: object) -> Milestone:
    """One of the project's milestones (404 otherwise)."""
    return get_visible_or_404(Milestone.objects.filter(project=project).select_related("project"), pk)


def linked_matter_for(user: User, project: Project, pk: object) -> Matter:
    """A supervision matter linked to the project that `user` may see (404 otherwise: a link they cannot see is none)."""
    return get_visible_or_404(matters_for(user).filter(projects=project), pk)


def may_report(user: User, project: Project) -> bool:
    """The office staff who keep the knowledge base, or a liaison of the unit in charge."""
    return can(user, "knowledge.manage") or (user.has_role(Role.LIAISON) and user.unit_id == project.unit_id)


@dataclass(frozen=True)
class ProjectPage:
    """A project's page: milestones, the history of its reports, the supervision matters the viewer may see."""

    project: Project
    milestones: list[Milestone]
    history: list[Progress]
    light: ProjectLight | None
    matters: list[Matter]


def project_page(user: User, project: Project) -> ProjectPage:
    """Everything the project's page shows `user`."""
    history = list(project.progress.select_related("recorded_by"))
    return ProjectPage(
        project=project,
        milestones=list(project.milestones.all()),
        history=history,
        light=project_light(project, history[0] if history else None),
        matters=list(matters_for(user).filter(projects=project).select_related("lead_unit").order_by("-year", "-seq")),
    )
