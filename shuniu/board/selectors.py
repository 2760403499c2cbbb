"""What each person's workbench shows: the day, and the panels every app offers them. Reads only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shuniu.core.models import User
from shuniu.core.panels import Day, panels_for
from shuniu.core.workcal import CalendarNotCovered, WorkingCalendar

_WEEKDAYS = "一二三四五六日"


def today_panel(calendar: WorkingCalendar, today: dt.date) -> dict[str, Any]:
    """The workbench heading for `today`: date, weekday, whether it is a working day (None when not yet known) and office hours."""
    try:
        workday: bool | None = calendar.is_workday(today)
    except CalendarNotCovered:
        workday = None
    return {
        "date": today,
        "weekday": "星期" + _WEEKDAYS[today.weekday()],
        "workday": workday,
        "hours": "、".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in calendar.hours),
    }


def workbench_for(user: User) -> dict[str, Any]:
    """The day's heading and every panel the apps offer this user (one calendar load)."""
    calendar = WorkingCalendar.load()
    today = timezone.localdate()
    start = dt.datetime.combine(today, dt.time.min, timezone.get_current_timezone())
    day = Day(today, start, start + dt.timedelta(days=1), calendar)
    return {"today": today_panel(calendar, today), "panels": panels_for(user, day)}
