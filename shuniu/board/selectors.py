"""What each person's workbench shows (the day, the panels every app offers them) and a leader's 今日要情. Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import User
from shuniu.core.panels import Day, panels_for
from shuniu.core.permissions import can
from shuniu.core.workcal import CalendarNotCovered, WorkingCalendar, this_week

if TYPE_CHECKING:
    from shuniu.documents.models import Reading
    from shuniu.petitions.models import Instruction as PetitionInstruction
    from shuniu.petitions.models import Petition
    from shuniu.schedules.models import Engagement, KeyWork
    from shuniu.supervision.models import Matter

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


# 今日要情: a leader's morning page ------------------------------------------------------------------

SOON_WORKING_DAYS = 3  # matters due within this many working days, key work within this many days


@dataclass(frozen=True)
class Briefing:
    """One leader's day, each list read through its module's own scope.

    Engagements; the desk (urgent first); matters they instructed that are due or overdue; petitions
    waiting on them (held as 包案领导, or put to them for instruction); key work of the next days.
    """

    leader: User
    today: dict[str, Any]
    engagements: list[Engagement]
    desk: list[Reading]
    matters: list[Matter]
    held: list[Petition]
    asked: list[PetitionInstruction]
    key_work: list[KeyWork]

    @property
    def empty(self) -> bool:
        """Nothing at all today."""
        return not (self.engagements or self.desk or self.matters or self.held or self.asked or self.key_work)

    @property
    def petitions(self) -> int:
        """Petitions waiting on the leader: held, and put to them for instruction."""
        return len(self.held) + len(self.asked)

    def summary(self) -> str:
        """One line for the notification's title: the counts a leader reads on a phone's lock screen."""
        parts = [f"日程 {len(self.engagements)} 项", f"待阅 {len(self.desk)} 件"]
        if self.matters:
            parts.append(f"督办到期 {len(self.matters)} 件")
        if self.petitions:
            parts.append(f"信访 {self.petitions} 件")
        return " · ".join(parts)


def briefing_for(leader: User, now: dt.datetime | None = None) -> Briefing:
    """The leader's 今日要情 at `now` (the morning it is sent, or whenever the page is opened)."""
    from shuniu.documents.selectors import desk
    from shuniu.petitions.models import ANSWERED
    from shuniu.petitions.models import Instruction as PetitionInstruction
    from shuniu.petitions.selectors import petitions_for
    from shuniu.schedules.selectors import engagements_between, key_work_for
    from shuniu.supervision.selectors import OPEN, matters_for

    calendar = WorkingCalendar.load()
    now = now or timezone.now()
    today = timezone.localtime(now, calendar.tz).date()
    start = dt.datetime.combine(today, dt.time.min, calendar.tz)
    try:
        soon = calendar.add_workdays(today, SOON_WORKING_DAYS)
    except CalendarNotCovered:
        soon = today + dt.timedelta(days=SOON_WORKING_DAYS)
    until = dt.datetime.combine(soon + dt.timedelta(days=1), dt.time.min, calendar.tz)
    visible = petitions_for(leader)
    return Briefing(
        leader=leader,
        today=today_panel(calendar, today),
        engagements=list(engagements_between(start, start + dt.timedelta(days=1), [leader.pk])),
        desk=list(desk(leader)),
        matters=list(
            matters_for(leader)
            .filter(instructing_leader=leader, status__in=OPEN, deadline__lt=until)
            .select_related("lead_unit")
            .order_by("deadline", "pk")[:20]
        ),
        held=list(visible.filter(lead_leader=leader).exclude(status__in=ANSWERED).order_by("received_at")[:20]),
        asked=list(
            PetitionInstruction.objects.filter(leader=leader, instructed_at__isnull=True, petition__in=visible)
            .select_related("petition")
            .order_by("asked_at")[:20]
        ),
        key_work=list(
            key_work_for(leader)
            .filter(Q(leader=leader) | Q(owner=leader), done=False, start__gte=start, start__lt=until)
            .order_by("start", "pk")[:20]
        ),
    )


# The office board (/board/): where everything stands, from aggregates ----------------------------

TREND_WEEKS = 12
CHART_UNITS = 12  # the units with the most red (then yellow) lights are charted; the table has them all


@dataclass
class UnitLights:
    """One lead unit's open matters by light."""

    unit: str
    pk: int | None = None  # None: no lead unit yet
    green: int = 0
    yellow: int = 0
    red: int = 0


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 1) if seconds is not None else None


def board_figures(user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """The board's figures, each counted within what `user` may see, from aggregates (no list of rows).

    The charts are drawn from the same numbers as the tables (`charts`); the cards across the top carry the
    list behind each figure and the capability that opens it (`cards`).
    """
    from django.db.models import Avg, Count, Max

    from shuniu.core.dbfunctions import EpochSeconds
    from shuniu.documents.models import Status as DocumentStatus
    from shuniu.documents.models import Urgency
    from shuniu.documents.selectors import documents_visible_to, predicted_late, stuck_copies
    from shuniu.notices.models import UNREACHED, Recipient
    from shuniu.notices.selectors import notices_for
    from shuniu.petitions.selectors import clock_due, petitions_for, repeats_this_week
    from shuniu.schedules.selectors import key_work_for
    from shuniu.supervision.selectors import OPEN, matter_light, matters_for

    calendar = WorkingCalendar.load()
    now = now or timezone.now()
    today = timezone.localtime(now, calendar.tz).date()
    tz = calendar.tz
    month_start = dt.datetime.combine(today.replace(day=1), dt.time.min, tz)
    week_start, week_end = this_week(now)
    trend_start = week_start - dt.timedelta(weeks=TREND_WEEKS - 1)

    # Documents: in circulation now; this month's circulation time by urgency; stuck; urgent ones predicted late.
    documents = documents_visible_to(user)
    took = EpochSeconds("read_at") - EpochSeconds("received_at")  # seconds, by the database
    finished = (
        documents.filter(received_at__gte=month_start, read_at__isnull=False)
        .values("urgency")
        .annotate(n=Count("pk"), mean=Avg(took), worst=Max(took))
        .order_by()
    )
    by_urgency = {row["urgency"]: row for row in finished}
    circulation = [
        {
            "urgency": value,
            "label": label,
            "count": by_urgency.get(value, {}).get("n", 0),
            "mean": _hours(by_urgency.get(value, {}).get("mean")),
            "worst": _hours(by_urgency.get(value, {}).get("worst")),
        }
        for value, label in Urgency.choices
    ]
    counted = sum(row["count"] for row in circulation)
    mean_all = round(sum((row["mean"] or 0) * row["count"] for row in circulation) / counted, 1) if counted else None
    worst_all = max((row["worst"] for row in circulation if row["worst"] is not None), default=None)
    late = predicted_late(user).count()

    # Supervision: lights by lead unit, overdue by instructing leader, due this week (the open ones only).
    open_matters = list(
        matters_for(user).filter(status__in=OPEN).select_related("lead_unit", "instructing_leader").order_by("pk")
    )
    lights: dict[int | None, UnitLights] = {}
    overdue: dict[int, tuple[str, int]] = {}  # by leader (0: none), as the list narrowed by leader counts them
    due_this_week = 0
    for matter in open_matters:  # each figure as `supervision.selectors.Narrowing` lists it
        if matter.deadline and matter.deadline < now:
            who = matter.instructing_leader.full_name if matter.instructing_leader else "（无交办领导）"
            key = matter.instructing_leader_id or 0
            overdue[key] = (who, overdue.get(key, (who, 0))[1] + 1)
        elif matter.deadline and matter.deadline < week_end:
            due_this_week += 1
        light = matter_light(matter, now, calendar)
        if light is None:  # reported, or with neither deadline nor cycle: the list shows no light either
            continue
        name = matter.lead_unit.name if matter.lead_unit else "（未定）"
        unit = lights.setdefault(matter.lead_unit_id, UnitLights(name, matter.lead_unit_id))
        setattr(unit, light, getattr(unit, light) + 1)
    by_unit = sorted(lights.values(), key=lambda row: (-row.red, -row.yellow, row.unit))

    # Petitions: clocks running out within three days, repeat visits this week.
    visible_petitions = petitions_for(user)
    clocks_due = clock_due(visible_petitions, now).count()  # petitions, as the list narrowed to them shows
    repeats = repeats_this_week(visible_petitions, now).count()

    # Notices: units not yet reached for what is still to come.
    unreached = Recipient.objects.filter(
        notice__in=notices_for(user).filter(starts_at__gt=now), state__in=UNREACHED
    ).aggregate(units=Count("pk"), notices=Count("notice", distinct=True))

    # Trends: what came in, week by week.
    def weekly(rows: Any, field: str) -> list[int]:
        """Counts per week, one conditional count per week over the indexed range (no per-row date arithmetic)."""
        bounds = [trend_start + dt.timedelta(weeks=k) for k in range(TREND_WEEKS + 1)]
        counts = rows.filter(**{f"{field}__gte": bounds[0], f"{field}__lt": bounds[-1]}).aggregate(
            **{
                f"w{k}": Count("pk", filter=Q(**{f"{field}__gte": bounds[k], f"{field}__lt": bounds[k + 1]}))
                for k in range(TREND_WEEKS)
            }
        )
        return [counts[f"w{k}"] for k in range(TREND_WEEKS)]

    weeks = [(trend_start.date() + dt.timedelta(weeks=k)) for k in range(TREND_WEEKS)]
    trend = {
        "weeks": [f"{w.month}月{w.day}日" for w in weeks],
        "documents": weekly(documents.order_by(), "received_at"),
        "matters": weekly(matters_for(user).order_by(), "registered_at"),
        "petitions": weekly(visible_petitions.order_by(), "received_at"),
    }
    figures: dict[str, Any] = {
        "documents": {
            "circulating": documents.filter(status=DocumentStatus.CIRCULATING).count(),
            "mean": mean_all,
            "worst": worst_all,
            "finished": counted,
            # Every desk in the office: only for those who see the office's circulation figures.
            "stuck": len(stuck_copies(user, now)) if can(user, "documents.figures") else None,
            "stuck_hours": settings.STUCK_COPY_HOURS,
            "late": late,
            "by_urgency": circulation,
        },
        "supervision": {
            "open": len(open_matters),
            "red": sum(row.red for row in by_unit),
            "yellow": sum(row.yellow for row in by_unit),
            "due_this_week": due_this_week,
            "by_unit": by_unit,
            "overdue_by_leader": sorted(
                ((who, n, pk) for pk, (who, n) in overdue.items()), key=lambda r: (-r[1], r[0])
            ),
        },
        "petitions": {"clocks_due": clocks_due, "repeats": repeats},
        "notices": {"units": unreached["units"], "notices": unreached["notices"]},
        "key_work": key_work_for(user).filter(done=False, start__gte=week_start, start__lt=week_end).count(),
    }
    charts = {
        "trend": trend,
        "lights": {
            "units": [row.unit for row in by_unit[:CHART_UNITS]],
            "green": [row.green for row in by_unit[:CHART_UNITS]],
            "yellow": [row.yellow for row in by_unit[:CHART_UNITS]],
            "red": [row.red for row in by_unit[:CHART_UNITS]],
        },
        "circulation": {
            "urgency": [row["label"] for row in circulation],
            "mean": [row["mean"] for row in circulation],
            "worst": [row["worst"] for row in circulation],
        },
    }
    d, s, p = figures["documents"], figures["supervision"], figures["petitions"]
    cards = [  # the four figures across the top, each with the list behind it and who may open that list
        Card(d["circulating"], "件在传阅", "documents.view", reverse("documents:register") + "?status=circulating"),
        *([Card(d["stuck"], f"份滞留（领导不在，或超过 {d['stuck_hours']} 小时未动）", "documents.figures",
                reverse("documents:figures"), alert=bool(d["stuck"]))] if d["stuck"] is not None else []),
        Card(s["open"], f"件督办在办：红灯 {s['red']}、黄灯 {s['yellow']}", "supervision.view",
             reverse("supervision:list"), alert=bool(s["red"])),
        Card(p["clocks_due"], f"件信访 3 日内到期或已逾期；本周重复访 {p['repeats']} 件", "petitions.view",
             reverse("petitions:list") + "?only=clock", alert=bool(p["clocks_due"])),
    ]  # fmt: skip
    return {"today": today_panel(calendar, today), "figures": figures, "charts": charts, "cards": cards}


@dataclass(frozen=True)
class Card:
    """A figure across the board's top: the number, what it counts, and the list behind it."""

    number: int
    label: str
    cap: str
    href: str
    alert: bool = False
