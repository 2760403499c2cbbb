"""Reads of the schedules module: engagements, availability, the weekly plan, the day planner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict, TypeVar

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from shuniu.core.inbox import item_key
from shuniu.core.models import InboxItem, Role, User
from shuniu.core.tokens import digest
from shuniu.core.workcal import WorkingCalendar
from shuniu.schedules.models import Attendance, Engagement, FeedToken, KeyWork, WeeklyPlanVersion

Span = tuple[dt.datetime, dt.datetime]
HALVES = ("am", "pm")
HALF_LABELS = {"am": "上午", "pm": "下午"}
WEEKDAYS = "一二三四五六日"
# Those who enter engagements see them all in full; everybody else sees a confidential one as busy.
EDITOR_ROLES = (Role.CLERK, Role.DIRECTOR)
PLAN_READER_ROLES = (Role.CLERK, Role.DIRECTOR, Role.LEADER, Role.SUPERVISOR, Role.PETITION_OFFICER)


def leader_queryset() -> QuerySet[User]:
    """Active leaders in protocol order (the rows of the weekly plan)."""
    return (
        User.objects.filter(is_active=True, role_grants__role=Role.LEADER, leader_profile__isnull=False)
        .select_related("leader_profile")
        .order_by("leader_profile__rank")
    )


def can_edit(user: User) -> bool:
    """Whether `user` may enter and change engagements and publish the weekly plan."""
    return user.has_role(*EDITOR_ROLES)


def leader_ids(engagement: Engagement) -> list[int]:
    """Every leader at the engagement, its first one first (prefetch `attendances` to save a query each)."""
    return [engagement.leader_id, *(a.leader_id for a in engagement.attendances.all())]


def sees_in_full(viewer: User, engagement: Engagement) -> bool:
    """Whether `viewer` sees what a confidential engagement is, not just that the leader is busy."""
    if not engagement.confidential or can_edit(viewer) or engagement.leader_id == viewer.pk:
        return True
    return viewer.pk in leader_ids(engagement)


def engagements_between(
    start: dt.datetime, end: dt.datetime, leaders: Iterable[int] | None = None
) -> QuerySet[Engagement]:
    """Engagements overlapping [start, end); with `leaders`, those any of them attends."""
    found = Engagement.objects.filter(start__lt=end, end__gt=start)
    if leaders is not None:
        ids = list(leaders)
        attended = Attendance.objects.filter(leader_id__in=ids).values("engagement_id")
        found = found.filter(Q(leader_id__in=ids) | Q(pk__in=attended))
    return found.order_by("start", "pk")


def overlapping(
    *, leaders: Sequence[User], start: dt.datetime, end: dt.datetime, exclude_pk: int | None = None
) -> list[Engagement]:
    """Other engagements of any of `leaders` overlapping [start, end) (touching ones do not)."""
    found = engagements_between(start, end, [leader.pk for leader in leaders])
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return list(found.select_related("leader").prefetch_related("attendances"))


def leaders_in_order(leaders: Iterable[User]) -> list[User]:
    """The leaders (each once) in protocol order, as an engagement lists them."""
    unique = {leader.pk: leader for leader in leaders}
    ranks = dict(leader_queryset().filter(pk__in=list(unique)).values_list("pk", "leader_profile__rank"))
    return sorted(unique.values(), key=lambda leader: (ranks.get(leader.pk, 10**6), leader.pk))


_Moment = TypeVar("_Moment", dt.datetime, int)  # any ordered moments will do; the tests use small numbers


def subtract(
    periods: Iterable[tuple[_Moment, _Moment]], busy: Sequence[tuple[_Moment, _Moment]]
) -> list[tuple[_Moment, _Moment]]:
    """`periods` minus the union of `busy`; both sorted or not, the result is sorted and disjoint."""
    blocks = sorted(busy)
    free: list[tuple[_Moment, _Moment]] = []
    for start, end in sorted(periods):
        cursor = start
        for b_start, b_end in blocks:
            if b_end <= cursor or b_start >= end:
                continue
            if b_start > cursor:
                free.append((cursor, b_start))
            cursor = max(cursor, b_end)
            if cursor >= end:
                break
        if cursor < end:
            free.append((cursor, end))
    return free


def availability(
    leader: User, start: dt.datetime, end: dt.datetime, *, calendar: WorkingCalendar | None = None
) -> list[Span]:
    """When the leader can read documents between `start` and `end`: office hours minus engagements.

    The documents module and the routing engine read availability from here only.
    """
    if end <= start:
        return []
    calendar = calendar or WorkingCalendar.load()
    periods: list[Span] = []
    for opening, closing in calendar.office_periods(start, until=end):
        if opening >= end:
            break
        periods.append((opening, min(closing, end)))
    busy = [(e.start, e.end) for e in engagements_between(start, end, [leader.pk])]
    return subtract(periods, busy)


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


class Cell(TypedDict):
    """One leader's day in the weekly grid: the labels of the morning and the afternoon."""

    am: list[str]
    pm: list[str]


def _label(engagement: Engagement, viewer: User | None, tz: Any) -> str:
    hidden = engagement.confidential if viewer is None else not sees_in_full(viewer, engagement)
    if hidden:
        return "忙碌"
    start, end = timezone.localtime(engagement.start, tz), timezone.localtime(engagement.end, tz)
    place = f"（{engagement.place}）" if engagement.place else ""
    if start.date() == end.date():
        return f"{start:%H:%M} {engagement.title}{place}"
    return f"{engagement.get_kind_display()}：{engagement.title}{place}（至{end.month}月{end.day}日）"


def weekly_grid(week_start: dt.date, viewer: User | None) -> dict[str, Any]:
    """Leaders × 7 days × morning/afternoon, as the viewer may see it (viewer None: the staff's view)."""
    tz = timezone.get_current_timezone()
    days = [week_start + dt.timedelta(days=i) for i in range(7)]
    start = dt.datetime.combine(week_start, dt.time.min, tz)
    end = start + dt.timedelta(days=7)
    leaders = list(leader_queryset())
    cells: dict[str, dict[str, Cell]] = {
        str(leader.pk): {day.isoformat(): {"am": [], "pm": []} for day in days} for leader in leaders
    }
    found = engagements_between(start, end, [leader.pk for leader in leaders]).prefetch_related("attendances")
    for engagement in found:
        # One meeting of several leaders: the same item in each of their rows.
        rows = [cells[str(pk)] for pk in leader_ids(engagement) if str(pk) in cells]
        label = _label(engagement, viewer, tz)
        for day in days:
            noon = dt.datetime.combine(day, dt.time(12, 0), tz)
            day_start = dt.datetime.combine(day, dt.time.min, tz)
            day_end = day_start + dt.timedelta(days=1)
            for half, (h_start, h_end) in (("am", (day_start, noon)), ("pm", (noon, day_end))):
                if engagement.start < h_end and engagement.end > h_start:
                    for row in rows:
                        row[day.isoformat()][half].append(label)  # type: ignore[literal-required]
    return {
        "week_start": week_start.isoformat(),
        "days": [day.isoformat() for day in days],
        "leaders": [
            {"id": leader.pk, "name": leader.full_name, "post": leader.leader_profile.post} for leader in leaders
        ],
        "cells": cells,
    }


def latest_published(week_start: dt.date) -> WeeklyPlanVersion | None:
    """The most recently published version of the week's plan, if any."""
    return WeeklyPlanVersion.objects.filter(week_start=week_start).order_by("-number").first()


def grid_changes(current: dict[str, Any], published: dict[str, Any] | None) -> dict[str, list[str]]:
    """Cells ("leader|day|half") whose content differs from the published version, with the old text."""
    if published is None:
        return {}
    changes: dict[str, list[str]] = {}
    old_cells = published.get("cells", {})
    for leader_id, days in current["cells"].items():
        for day, halves in days.items():
            for half in HALVES:
                old = old_cells.get(leader_id, {}).get(day, {}).get(half, [])
                new_public = halves[half]
                if old != new_public:
                    changes[f"{leader_id}|{day}|{half}"] = old
    return changes


def grid_rows(grid: dict[str, Any], changes: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """The grid as rows for templates, PDF and Excel: one row per leader, 14 half-day cells."""
    changes = changes or {}
    rows = []
    for leader in grid["leaders"]:
        cells = []
        for day in grid["days"]:
            for half in HALVES:
                key = f"{leader['id']}|{day}|{half}"
                cells.append(
                    {
                        "items": grid["cells"].get(str(leader["id"]), {}).get(day, {}).get(half, []),
                        "changed": key in changes,
                        "was": changes.get(key, []),
                    }
                )
        rows.append({"leader": leader, "cells": cells})
    return rows


def day_headers(grid: dict[str, Any]) -> list[dict[str, str]]:
    """The column headings of a weekly grid: date, weekday and ISO date of each day."""
    headers = []
    for day_text in grid["days"]:
        day = dt.date.fromisoformat(day_text)
        headers.append(
            {"date": f"{day.month}月{day.day}日", "weekday": "星期" + WEEKDAYS[day.weekday()], "iso": day_text}
        )
    return headers


def key_work_for(user: User) -> QuerySet[KeyWork]:
    """Key work the user owns or is the leader of; editors see all."""
    items = KeyWork.objects.select_related("owner", "leader").prefetch_related("checklist")
    if can_edit(user):
        return items
    return items.filter(Q(owner=user) | Q(leader=user))


class Soon(TypedDict):
    """A key work item as the workbench's card shows it."""

    pk: int
    title: str
    start: dt.datetime


def key_work_soon(user: User, start: dt.datetime) -> list[Soon]:
    """The user's own key work not done, starting within a week of `start`, for the workbench's card.

    Its record, title and start only: no people, no checklist.
    """
    items = (
        key_work_for(user)
        .prefetch_related(None)
        .filter(done=False, start__gte=start, start__lt=start + dt.timedelta(days=8))
        .filter(Q(owner=user) | Q(leader=user))
        .order_by("start")
        .values("pk", "title", "start")[:10]
    )
    return list(items)


def day_planner(user: User, day: dt.date) -> list[dict[str, Any]]:
    """The user's day hour by hour (07:00–21:00): their key work and, for a leader, engagements."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0, 0), tz)
    end = start + dt.timedelta(days=1)
    entries: list[tuple[dt.datetime, dt.datetime, str, str]] = []
    for item in key_work_for(user).filter(start__lt=end, start__gte=start - dt.timedelta(days=1)):
        item_end = item.end or item.start + dt.timedelta(hours=1)
        if item_end > start:
            entries.append(
                (item.start, item_end, f"重点工作：{item.title}", reverse("schedules:key_work", kwargs={"pk": item.pk}))
            )
    if user.has_role(Role.LEADER):
        for engagement in engagements_between(start, end, [user.pk]):
            entries.append((engagement.start, engagement.end, str(engagement), ""))
    hours = []
    for hour in range(7, 21):
        h_start = dt.datetime.combine(day, dt.time(hour, 0), tz)
        h_end = h_start + dt.timedelta(hours=1)
        items = [
            {"label": label, "url": url, "time": f"{timezone.localtime(s):%H:%M}–{timezone.localtime(e):%H:%M}"}
            for s, e, label, url in entries
            if s < h_end and e > h_start
        ]
        hours.append({"hour": f"{hour:02d}:00", "items": items})
    return hours


def feed_leader(token: str) -> User | None:
    """The leader whose feed this token opens, or None (unknown or revoked token)."""
    feed = FeedToken.objects.select_related("leader").filter(digest=digest(token), revoked_at__isnull=True).first()
    return feed.leader if feed else None


def weekly_plan_for(
    user: User, week: dt.date, *, distributed: bool = False
) -> tuple[dict[str, Any] | None, dict[str, list[str]], str]:
    """The grid this user sees, the changes to mark, and a line saying which version it is.

    `distributed`: the grid as it goes out on paper and in Excel — confidential items as 忙碌 even
    for the editors who see them in full on screen.
    """
    published = latest_published(week)
    if can_edit(user):
        grid = weekly_grid(week, viewer=None if distributed else user)
        staff_view = weekly_grid(week, viewer=None)
        changes = grid_changes(staff_view, published.grid if published else None)
        if published is None:
            return grid, {}, "草稿（尚未发布）"
        state = f"第 {published.number} 版已于 {timezone.localtime(published.published_at):%m月%d日 %H:%M} 发布"
        return grid, changes, state + (f"；其后有 {len(changes)} 处变更未发布" if changes else "；无未发布的变更")
    if published is None:
        return None, {}, "本周安排尚未发布"
    return (
        published.grid,
        {},
        f"第 {published.number} 版（{timezone.localtime(published.published_at):%m月%d日 %H:%M} 发布）",
    )


def plan_by_day(grid: dict[str, Any], changes: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """The grid read day by day (the phone's list): each day, each half, what is on and for whom.

    Leaders with the same half-day (one meeting of several leaders) share one entry, so a 常委会
    reads once on a phone with its leaders named, not once per leader.
    """
    changes = changes or {}
    days = []
    for header in day_headers(grid):
        halves = []
        for half in HALVES:
            entries: dict[tuple[Any, ...], dict[str, Any]] = {}
            for leader in grid["leaders"]:
                items = grid["cells"].get(str(leader["id"]), {}).get(header["iso"], {}).get(half, [])
                key = f"{leader['id']}|{header['iso']}|{half}"
                if not items and key not in changes:
                    continue
                was = changes.get(key, [])
                group = (tuple(items), key in changes, tuple(was))
                entry = entries.setdefault(
                    group, {"leaders": [], "items": items, "changed": key in changes, "was": was}
                )
                entry["leaders"].append(leader)
            halves.append({"label": HALF_LABELS[half], "entries": list(entries.values())})
        days.append({**header, "halves": halves, "empty": not any(h["entries"] for h in halves)})
    return days


def publish_preview(week: dt.date) -> dict[str, Any]:
    """What publishing the week would send out: the staff's grid and each cell changed since the last version."""
    previous = latest_published(week)
    grid = weekly_grid(week, viewer=None)
    changes = grid_changes(grid, previous.grid if previous else None)
    names = {str(leader["id"]): leader["name"] for leader in grid["leaders"]}
    listed = []
    for key, was in changes.items():
        leader_id, day_text, half = key.split("|")
        day = dt.date.fromisoformat(day_text)
        listed.append(
            {
                "leader": names.get(leader_id, ""),
                "when": f"{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]} {HALF_LABELS[half]}",
                "was": was,
                "now": grid["cells"].get(leader_id, {}).get(day_text, {}).get(half, []),
            }
        )
    filled = sum(1 for days in grid["cells"].values() for halves in days.values() for half in HALVES if halves[half])
    return {"previous": previous, "grid": grid, "changes": listed, "filled": filled}


class KeyWorkTab(TypedDict):
    """A tab of the key work list: its query key and its label."""

    key: str
    label: str


KEY_WORK_TABS: list[KeyWorkTab] = [
    {"key": "open", "label": "进行中"},
    {"key": "done", "label": "已完成"},
    {"key": "past", "label": "已过期"},
]


def key_work_tab(user: User, tab: str, *, now: dt.datetime) -> QuerySet[KeyWork]:
    """One tab of the key-work list: 进行中 (not done, not over), 已完成, 已过期 (over and never completed)."""
    items = key_work_for(user).annotate(over_at=Coalesce("end", "start"))
    if tab == "done":
        return items.filter(done=True).order_by(F("done_at").desc(nulls_last=True), "-start", "-pk")
    if tab == "past":
        return items.filter(done=False, over_at__lt=now).order_by("-start", "-pk")
    return items.filter(done=False, over_at__gte=now).order_by("start", "pk")


def leader_schedule_items(user: User, leader: User, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """A leader's engagements as the viewer may see them, each with the other leaders attending."""
    found = engagements_between(start, end, [leader.pk]).select_related("leader").prefetch_related("attendances")
    engagements = list(found)
    wanted = {pk for e in engagements for pk in leader_ids(e)}
    names = dict(leader_queryset().filter(pk__in=wanted).values_list("pk", "full_name"))
    return [
        {
            "engagement": e,
            "full": sees_in_full(user, e),
            "with": [name for pk, name in names.items() if pk != leader.pk and pk in leader_ids(e)],
        }
        for e in engagements
    ]


def plan_unread(user: User, version: WeeklyPlanVersion) -> bool:
    """Whether the user still has the published version waiting in their 待阅."""
    return InboxItem.objects.filter(recipient=user, key=item_key(version, "publish"), done_at__isnull=True).exists()


def leaders_day(viewer: User, day: dt.date) -> list[dict[str, Any]]:
    """The county leaders' engagements on `day`, each once with all its leaders; confidential ones as 忙碌."""
    start = dt.datetime.combine(day, dt.time(0, 0), timezone.get_current_timezone())
    found = (
        engagements_between(start, start + dt.timedelta(days=1))
        .select_related("leader")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.select_related("leader")))
    )
    return [
        {
            "engagement": e,
            "leaders": "、".join([e.leader.full_name, *(a.leader.full_name for a in e.attendances.all())]),
            "full": sees_in_full(viewer, e),
        }
        for e in found
    ]
