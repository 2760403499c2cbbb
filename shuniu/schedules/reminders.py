"""Reminder sources of the schedules module (asked every minute by `core.reminders.reminders_run`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from shuniu.core.reminders import Due
from shuniu.core.workcal import WorkingCalendar
from shuniu.schedules.models import KeyWork

MAX_AHEAD = dt.timedelta(days=30)  # the longest 提前提醒 a form offers


def reminder_key(item: KeyWork) -> str:
    """The reminder's key: the item and its start (a moved item is a new reminder)."""
    return f"key_work:{item.pk}:{int(item.start.timestamp())}"


def key_work_due(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """Key work whose 提前提醒 time has come and that has not started: its owner and leader are told.

    The key carries the start time, so work moved to another day is reminded again for the new day.
    """
    upcoming = KeyWork.objects.filter(done=False, start__gt=now, start__lte=now + MAX_AHEAD).select_related(
        "owner", "leader"
    )
    for item in upcoming:
        if item.start - dt.timedelta(minutes=item.remind_minutes) > now:
            continue
        when = timezone.localtime(item.start)
        for person in {p.pk: p for p in (item.owner, item.leader) if p is not None}.values():
            yield Due(
                key=reminder_key(item),
                recipient=person,
                title=f"提醒：{when:%m月%d日 %H:%M} {item.title}",
                body=f"地点：{item.place or '—'}。请提前做好准备。",
                url=reverse("schedules:key_work", kwargs={"pk": item.pk}),
            )
