"""Reminder sources of the county's facts and key projects.

A fact whose current value is older than its refresh period tells its group's keeper (or the clerks who
manage the facts), once per value; a key project with no report for a month tells its unit's liaisons,
once per last report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import Role
from shuniu.core.reminders import Due, working_morning
from shuniu.core.selectors import liaisons_of, users_with_role
from shuniu.core.text import chinese_date
from shuniu.core.workcal import WorkingCalendar
from shuniu.knowledge.selectors import fact_lines, project_lines


def facts_due(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """On a working morning: each stale fact, to its keeper."""
    if not working_morning(now, calendar):
        return
    clerks = list(users_with_role(Role.CLERK))
    for group, lines in fact_lines(today=timezone.localtime(now, calendar.tz).date()):
        keepers = [group.owner] if group.owner else clerks
        for line in lines:
            if not line.stale:
                continue
            stamp = line.value.pk if line.value else 0
            for person in keepers:
                yield Due(
                    key=f"fact-stale:{line.fact.pk}:{stamp}",
                    recipient=person,
                    title=f"县情待更新：{line.fact.name}",
                    body=(
                        f"现行数值截至 {line.value.as_of:%Y年%-m月%-d日}，已超过 {line.fact.refresh_days} 天的更新周期。"
                        if line.value
                        else "尚无数值。"
                    ),
                    url=reverse("knowledge:fact", args=[line.fact.pk]),
                )


REPORT_EVERY_DAYS = 31  # a key project reports its progress each month


def projects_due(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """On a working morning: each of this year's key projects with no report for a month, to its unit's liaisons."""
    if not working_morning(now, calendar):
        return
    today = timezone.localtime(now, calendar.tz).date()
    lines = [line for line in project_lines(today.year) if line.project.created_at.date() < today]
    liaisons = liaisons_of({line.project.unit_id for line in lines})
    for line in lines:
        since = line.latest.as_of if line.latest else timezone.localtime(line.project.created_at, calendar.tz).date()
        if (today - since).days <= REPORT_EVERY_DAYS:
            continue
        for person in liaisons.get(line.project.unit_id, []):
            yield Due(
                key=f"project-report:{line.project.pk}:{line.latest.pk if line.latest else 0}",
                recipient=person,
                title=f"重点项目待填报进展：{line.project.name}",
                body=(
                    f"上次填报截至 {chinese_date(line.latest.as_of)}，已超过一个月。"
                    if line.latest
                    else "尚未填报过进展。"
                ),
                url=reverse("knowledge:project", args=[line.project.pk]),
            )
