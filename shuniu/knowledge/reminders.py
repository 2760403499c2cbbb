"""Reminder source of the county's facts.

A fact whose current value is older than its refresh period tells its group's keeper (or the clerks who
manage the facts), once per value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import Role
from shuniu.core.reminders import Due, working_morning
from shuniu.core.selectors import users_with_role
from shuniu.core.workcal import WorkingCalendar
from shuniu.knowledge.selectors import fact_lines


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
