"""Workbench panels: each app offers its own cards for a user; the workbench lists them.

A source is a function ``(user, day) -> Iterable[Panel]`` named in ``settings.WORKBENCH_PANELS``
(like the reminder sources). It decides from the user's capabilities whether it has anything to
show, reads through its app's selectors (so every count is what this user may see), and names the
template that draws its card (a ``col`` with a ``card``). The workbench sorts them by `order`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F
from django.utils import timezone
from django.utils.module_loading import import_string

from shuniu.core.dbfunctions import counts
from shuniu.core.models import LeaderProfile, Role, Unit, UnitKind, User
from shuniu.core.selectors import leaders
from shuniu.core.workcal import CalendarNotCovered, WorkingCalendar

PanelSource = Callable[[User, "Day"], Iterable["Panel"]]


@dataclass(frozen=True)
class Day:
    """The day the workbench is drawn for, with its working calendar (loaded once per request)."""

    date: dt.date
    start: dt.datetime
    end: dt.datetime
    calendar: WorkingCalendar


@dataclass(frozen=True)
class Panel:
    """One card: its template, what the template reads, and its place (small numbers first)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def panels_for(user: User, day: Day) -> list[Panel]:
    """Every panel each app offers this user, in order."""
    found: list[Panel] = []
    for path in settings.WORKBENCH_PANELS:
        source: PanelSource = import_string(path)
        found.extend(source(user, day))
    return sorted(found, key=lambda panel: panel.order)


def calendar_coverage(calendar: WorkingCalendar, today: dt.date) -> list[int]:
    """This year and next: the years the working calendar cannot answer for (admin must act)."""
    missing = []
    for year in (today.year, today.year + 1):
        try:
            calendar.is_workday(dt.date(year, 6, 1))
        except CalendarNotCovered:
            missing.append(year)
    return missing


def core_panels(user: User, day: Day) -> Iterable[Panel]:
    """The core's cards: a leader's own record, the county's units and leaders, a liaison's unit, the system."""
    if user.has_role(Role.LEADER):
        yield Panel("core/panels/profile.html", {"profile": LeaderProfile.objects.filter(user=user).first()}, 20)
    if user.has_role(Role.DIRECTOR, Role.CLERK, Role.SUPERVISOR, Role.PETITION_OFFICER):
        by_kind = dict(
            Unit.objects.filter(is_active=True).values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
        )
        yield Panel(
            "core/panels/units.html", {"unit_counts": [(label, by_kind.get(k, 0)) for k, label in UnitKind.choices]}, 60
        )
        yield Panel(
            "core/panels/leaders.html",
            {"leaders": list(leaders().values("post", "office_location", name=F("user__full_name")))},
            80,
        )
    if user.has_role(Role.LIAISON) and user.unit_id:
        yield Panel(
            "core/panels/unit.html", {"unit": Unit.objects.prefetch_related("contacts").get(pk=user.unit_id)}, 20
        )
    if user.has_role(Role.ADMIN):
        yield Panel(
            "core/panels/system.html",
            {
                **counts(
                    users=User.objects.filter(is_active=True),
                    no_password=User.objects.filter(is_active=True, password__startswith="!"),  # noqa: S106 - unusable-password marker
                ),
                "locked": list(User.objects.filter(locked_until__gt=timezone.now()).order_by("username")),
                "missing_years": calendar_coverage(day.calendar, day.date),
            },
            10,
        )
