"""The schedules module's workbench cards: a leader's day, the key work ahead, the leaders' day."""

from __future__ import annotations

from collections.abc import Iterable

from shuniu.core.models import User
from shuniu.core.panels import Day, Panel
from shuniu.core.permissions import can
from shuniu.schedules.selectors import engagements_between, key_work_soon, leaders_day


def panels(user: User, day: Day) -> Iterable[Panel]:
    """Today's engagements for a leader; a week of key work for its people; the leaders' day for staff."""
    if can(user, "schedules.mine"):
        yield Panel(
            "schedules/panels/my_day.html",
            {"engagements": list(engagements_between(day.start, day.end, [user.pk]))},
            15,
        )
    if can(user, "schedules.key_work"):
        yield Panel("schedules/panels/key_work.html", {"items": key_work_soon(user, day.start)}, 40)
    if can(user, "schedules.day"):
        rows = leaders_day(user, day.date)
        yield Panel("schedules/panels/leaders_day.html", {"rows": rows}, 70)
