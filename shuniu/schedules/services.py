"""Writes of the schedules module: engagements, publishing the weekly plan, key work, reminders.

Every write is safe twice: two people at once, or one person clicking twice, get one change and
one clear message — each update is a compare-and-swap (a version, or the state the request meant
to change) or takes a lock (the weekly plan's counter).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from shuniu import audit
from shuniu.core.availability import availability_changed_after_commit
from shuniu.core.confirm import Match, NeedsConfirmation
from shuniu.core.inbox import inbox_done, inbox_put, inbox_withdraw, item_key
from shuniu.core.models import OFFICE_ROLES, Counter, InboxKind, Role, User
from shuniu.core.numbering import next_number
from shuniu.core.selectors import users_with_role
from shuniu.core.text import day_time, visible
from shuniu.core.tokens import digest
from shuniu.schedules.models import (
    Attendance,
    CheckItem,
    Engagement,
    EngagementKind,
    FeedToken,
    KeyWork,
    WeeklyPlanVersion,
)
from shuniu.schedules.selectors import (
    latest_published,
    leader_ids,
    leaders_in_order,
    overlapping,
    weekly_grid,
)


class OverlapNeedsConfirmation(NeedsConfirmation):
    """The engagement overlaps others of the same leaders; saving needs an explicit confirmation."""

    def __init__(self, conflicts: list[Engagement], leaders: Sequence[User]) -> None:
        """Keep the overlapping engagements and name them, with whose they are, in the message."""
        self.conflicts = conflicts
        names = {leader.pk: leader.full_name for leader in leaders}
        matches = []
        for c in conflicts:
            who = "、".join(names[pk] for pk in leader_ids(c) if pk in names)
            span = f"{day_time(c.start)}–{day_time(c.end)}"
            matches.append(
                Match(
                    label=f"{who}：{c}",
                    detail=span + (f"（{c.place}）" if c.place else ""),
                    url=reverse("schedules:engagement_edit", kwargs={"pk": c.pk}),
                )
            )
        super().__init__("与所选领导已有的日程时间重叠：", matches, confirm_label="确认时间重叠，仍然保存")


def _check_engagement(
    *, leaders: Sequence[User], kind: str, title: str, start: dt.datetime, end: dt.datetime
) -> list[User]:
    """The leaders in protocol order, once each; a ValidationError for anything the office would not enter."""
    if not leaders:
        raise ValidationError("请选择领导。")
    for leader in leaders:
        if not leader.has_role(Role.LEADER):
            raise ValidationError(f"「{leader}」不是县领导，不能录入领导日程。")
    if kind not in EngagementKind.values:
        raise ValidationError(f"日程类型「{kind}」无效。")
    if not visible(title):
        raise ValidationError("请填写事项。")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError("时间必须带时区。")
    if end <= start:
        raise ValidationError("结束时间必须晚于开始时间。")
    if end - start > dt.timedelta(days=62):
        raise ValidationError("单条日程不能超过 62 天，请分段录入。")
    return leaders_in_order(leaders)


def _set_others(engagement: Engagement, ordered: list[User]) -> None:
    """Make `ordered[1:]` the engagement's further leaders (its first is `engagement.leader`)."""
    wanted = {leader.pk for leader in ordered[1:]}
    Attendance.objects.filter(engagement=engagement).exclude(leader_id__in=wanted).delete()
    present = set(Attendance.objects.filter(engagement=engagement).values_list("leader_id", flat=True))
    Attendance.objects.bulk_create([Attendance(engagement=engagement, leader_id=pk) for pk in sorted(wanted - present)])


@audit.atomic
def engagement_create(
    *,
    leaders: Sequence[User],
    kind: str,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    place: str = "",
    notes: str = "",
    confidential: bool = False,
    confirm_overlap: bool = False,
    actor: User,
) -> Engagement:
    """Enter one engagement for one or several leaders; an overlap with any of theirs must be confirmed."""
    ordered = _check_engagement(leaders=leaders, kind=kind, title=title, start=start, end=end)
    conflicts = overlapping(leaders=ordered, start=start, end=end)
    if conflicts and not confirm_overlap:
        raise OverlapNeedsConfirmation(conflicts, ordered)
    engagement = Engagement.objects.create(
        leader=ordered[0],
        kind=kind,
        title=visible(title),
        start=start,
        end=end,
        place=place,
        notes=notes,
        confidential=confidential,
        created_by=actor,
    )
    _set_others(engagement, ordered)
    audit.record(
        actor=actor,
        action="engagement.create",
        obj=engagement,
        data={"leaders": [leader.pk for leader in ordered], "kind": kind, "overlaps": [c.pk for c in conflicts]},
    )
    availability_changed_after_commit(actor, [leader.pk for leader in ordered])
    return engagement


@audit.atomic
def engagement_update(
    *,
    engagement: Engagement,
    version: int,
    kind: str,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    leaders: Sequence[User] | None = None,
    place: str = "",
    notes: str = "",
    confidential: bool = False,
    confirm_overlap: bool = False,
    actor: User,
) -> Engagement:
    """Change an engagement (its leaders too); refused if someone else saved it since `version` was read."""
    before = leader_ids(engagement)  # their time changes too, if they leave it
    if leaders is None:
        leaders = list(User.objects.filter(pk__in=leader_ids(engagement)))
    ordered = _check_engagement(leaders=leaders, kind=kind, title=title, start=start, end=end)
    conflicts = overlapping(leaders=ordered, start=start, end=end, exclude_pk=engagement.pk)
    if conflicts and not confirm_overlap:
        raise OverlapNeedsConfirmation(conflicts, ordered)
    changed = Engagement.objects.filter(pk=engagement.pk, version=version).update(
        leader=ordered[0],
        kind=kind,
        title=visible(title),
        start=start,
        end=end,
        place=place,
        notes=notes,
        confidential=confidential,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not changed:
        raise ValidationError("该日程已被他人修改，请刷新后再改。")
    engagement.refresh_from_db()
    _set_others(engagement, ordered)
    audit.record(
        actor=actor,
        action="engagement.update",
        obj=engagement,
        data={"version": engagement.version, "leaders": [leader.pk for leader in ordered]},
    )
    availability_changed_after_commit(actor, {*before, *(leader.pk for leader in ordered)})
    return engagement


@audit.atomic
def engagement_delete(*, engagement: Engagement, actor: User) -> None:
    """Delete an engagement (for all its leaders); deleting it twice says so."""
    leaders = leader_ids(engagement)
    deleted, _ = Engagement.objects.filter(pk=engagement.pk).delete()
    if not deleted:
        raise ValidationError("该日程已被删除。")
    audit.record(actor=actor, action="engagement.delete", obj=engagement, data={"leaders": leaders})
    availability_changed_after_commit(actor, leaders)


def plan_series(week_start: dt.date) -> str:
    """The weekly plan's counter series: one per week (周安排20261123), so versions are gapless per week."""
    return f"周安排{week_start:%Y%m%d}"


def plan_readers() -> list[User]:
    """Who is told of a published weekly plan: every office staff member and leader."""
    seen: dict[int, User] = {}
    for role in sorted(OFFICE_ROLES):
        for user in users_with_role(role):
            seen.setdefault(user.pk, user)
    return list(seen.values())


@audit.atomic
def weekly_plan_publish(*, week_start: dt.date, actor: User, base: int | None = None) -> WeeklyPlanVersion:
    """Freeze the week as the staff see it and tell every office staff member and leader.

    The version number comes from the core counter (one series per week), so two editors publishing
    at once are served one after the other: the second finds the first's version and is told so.
    `base` is the version the editor looked at when confirming (0: none yet); if another has been
    published since, nothing is published. Versions entered before the counter existed are counted
    on from: the counter starts at the week's highest version.
    """
    if week_start.weekday() != 0:
        raise ValidationError("周工作安排须从星期一开始。")
    series = plan_series(week_start)
    existing = WeeklyPlanVersion.objects.filter(week_start=week_start).aggregate(top=Max("number"))["top"] or 0
    Counter.objects.bulk_create([Counter(series=series, year=week_start.year, last=existing)], ignore_conflicts=True)
    number = next_number(series, week_start.year)  # holds the week's counter row until commit
    previous = latest_published(week_start)
    if previous is not None and base is not None and previous.number != base:
        raise ValidationError(
            f"本周安排刚由 {previous.published_by.full_name} 于 {day_time(previous.published_at)} 发布为第 "
            f"{previous.number} 版，请查看后再决定是否发布。"
        )
    grid = weekly_grid(week_start, viewer=None)
    if previous is not None and previous.grid == grid:
        raise ValidationError(f"与第 {previous.number} 版相比没有变化，无需重新发布。")
    version = WeeklyPlanVersion.objects.create(week_start=week_start, number=number, grid=grid, published_by=actor)
    url = reverse("schedules:weekly_plan") + f"?week={week_start.isoformat()}"
    end = week_start + dt.timedelta(days=6)
    span = f"{week_start.month}月{week_start.day}日—{end.month}月{end.day}日"
    if previous is not None:
        inbox_withdraw(key=item_key(previous, "publish"))  # the new version replaces what was unread
    version.notified = inbox_put(
        recipients=[user for user in plan_readers() if user.pk != actor.pk],
        key=item_key(version, "publish"),
        kind=InboxKind.TOREAD,
        category="周工作安排",
        title=f"县委领导周工作安排（{span}）第 {number} 版",
        url=url,
        note=f"{actor.full_name} 发布" + (f"，较第 {previous.number} 版有变更" if previous else ""),
    )
    version.save(update_fields=["notified"])
    audit.record(
        actor=actor,
        action="weekly_plan.publish",
        obj=version,
        data={"week": week_start.isoformat(), "number": number, "notified": version.notified},
    )
    return version


@audit.atomic
def weekly_plan_read(*, version: WeeklyPlanVersion, reader: User) -> bool:
    """The reader has opened the published week: their 待阅 item for it moves to 已阅."""
    closed = inbox_done(key=item_key(version, "publish"), by=reader, recipients=[reader])
    if closed:
        audit.record(actor=reader, action="weekly_plan.read", obj=version, data={"number": version.number})
    return bool(closed)


def _check_key_work(
    *, title: str, start: dt.datetime, end: dt.datetime | None, remind_minutes: int, now: dt.datetime | None
) -> None:
    """`now`: refuse a start in the past (on create and when the time moves); None: the start is unchanged."""
    if not visible(title):
        raise ValidationError("请填写事项。")
    if now is not None and start < now:
        raise ValidationError("时间不能早于现在。")
    if end is not None and end <= start:
        raise ValidationError("结束时间必须晚于开始时间。")
    if not 0 <= remind_minutes <= 30 * 24 * 60:
        raise ValidationError("提前提醒时间应在 0 到 30 天之间。")


def _check_key_work_leader(leader: User | None) -> None:
    if leader is not None and not leader.has_role(Role.LEADER):
        raise ValidationError(f"「{leader}」不是县领导。")


@audit.atomic
def key_work_create(
    *,
    title: str,
    owner: User,
    start: dt.datetime,
    actor: User,
    leader: User | None = None,
    end: dt.datetime | None = None,
    place: str = "",
    notes: str = "",
    remind_minutes: int = 24 * 60,
    checklist: Sequence[str] = (),
) -> KeyWork:
    """Register key work; its owner and the leader concerned are reminded `remind_minutes` ahead."""
    _check_key_work(title=title, start=start, end=end, remind_minutes=remind_minutes, now=timezone.now())
    _check_key_work_leader(leader)
    item = KeyWork.objects.create(
        title=visible(title),
        owner=owner,
        leader=leader,
        start=start,
        end=end,
        place=place,
        notes=notes,
        remind_minutes=remind_minutes,
        created_by=actor,
    )
    CheckItem.objects.bulk_create(
        [CheckItem(key_work=item, text=text.strip(), position=i) for i, text in enumerate(checklist) if text.strip()]
    )
    audit.record(actor=actor, action="key_work.create", obj=item, data={"owner": owner.pk})
    return item


def _stale(item: KeyWork) -> ValidationError:
    fresh = KeyWork.objects.select_related("done_by").filter(pk=item.pk).first()
    if fresh is None:
        return ValidationError("该重点工作已被删除。")
    if fresh.done and fresh.done_at is not None and fresh.done_by is not None:
        return ValidationError(
            f"「{fresh.title}」已由 {fresh.done_by.full_name} 于 {day_time(fresh.done_at)} 标记完成，不能再修改。"
        )
    return ValidationError("该重点工作已被他人修改，请刷新后再改。")


@audit.atomic
def key_work_update(
    *,
    item: KeyWork,
    version: int,
    title: str,
    owner: User,
    start: dt.datetime,
    actor: User,
    leader: User | None = None,
    end: dt.datetime | None = None,
    place: str = "",
    notes: str = "",
    remind_minutes: int = 24 * 60,
    add_checklist: Sequence[str] = (),
) -> KeyWork:
    """Edit key work (and add preparation steps); refused if it was saved or completed since `version`."""
    moved = start != item.start
    _check_key_work(
        title=title, start=start, end=end, remind_minutes=remind_minutes, now=timezone.now() if moved else None
    )
    _check_key_work_leader(leader)
    before = {"title": item.title, "start": item.start.isoformat(), "owner": item.owner_id, "leader": item.leader_id}
    changed = KeyWork.objects.filter(pk=item.pk, version=version, done=False).update(
        title=visible(title),
        owner=owner,
        leader=leader,
        start=start,
        end=end,
        place=place,
        notes=notes,
        remind_minutes=remind_minutes,
        version=F("version") + 1,
    )
    if not changed:
        raise _stale(item)
    position = (item.checklist.aggregate(top=Max("position"))["top"] or 0) + 1
    CheckItem.objects.bulk_create(
        [
            CheckItem(key_work=item, text=text.strip(), position=position + i)
            for i, text in enumerate(add_checklist)
            if text.strip()
        ]
    )
    item.refresh_from_db()
    after = {"title": item.title, "start": item.start.isoformat(), "owner": item.owner_id, "leader": item.leader_id}
    audit.record(
        actor=actor,
        action="key_work.update",
        obj=item,
        data={
            "version": item.version,
            "before": {k: v for k, v in before.items() if after[k] != v},
            "after": {k: v for k, v in after.items() if before[k] != v},
            "added_checks": len([t for t in add_checklist if t.strip()]),
        },
    )
    return item


@audit.atomic
def key_work_reschedule(
    *, item: KeyWork, version: int, start: dt.datetime, end: dt.datetime | None, actor: User
) -> KeyWork:
    """Move key work to another time; refused if it was changed or completed since `version` was read."""
    _check_key_work(title=item.title, start=start, end=end, remind_minutes=item.remind_minutes, now=timezone.now())
    changed = KeyWork.objects.filter(pk=item.pk, version=version, done=False).update(
        start=start, end=end, version=F("version") + 1
    )
    if not changed:
        raise _stale(item)
    old_start = item.start
    item.refresh_from_db()
    audit.record(
        actor=actor,
        action="key_work.reschedule",
        obj=item,
        data={"from": old_start.isoformat(), "start": start.isoformat()},
    )
    return item


@audit.atomic
def check_item_set(*, item: CheckItem, done: bool, actor: User) -> CheckItem:
    """Tick a preparation step done (`done`) or undo the tick, from the state the person saw.

    The request says what the person meant; if the step is already so (another person was quicker,
    or a second click), nothing changes and the message says who did it and when.
    """
    if KeyWork.objects.filter(pk=item.key_work_id, done=True).exists():
        raise ValidationError("该重点工作已完成，准备事项不能再改。")
    now = timezone.now()
    if done:
        changed = CheckItem.objects.filter(pk=item.pk, done_at__isnull=True).update(done_at=now, done_by=actor)
    else:
        changed = CheckItem.objects.filter(pk=item.pk, done_at__isnull=False).update(done_at=None, done_by=None)
    if not changed:
        fresh = CheckItem.objects.select_related("done_by").get(pk=item.pk)
        if fresh.done_at is not None:
            by = fresh.done_by.full_name if fresh.done_by else "他人"
            raise ValidationError(f"该事项已由 {by} 于 {day_time(fresh.done_at)} 标记完成。")
        raise ValidationError("该事项已被取消完成（可能是他人刚刚操作），现为未完成。")
    item.refresh_from_db()
    audit.record(actor=actor, action="key_work.check", obj=item, data={"done": done})
    return item


@audit.atomic
def key_work_complete(*, item: KeyWork, actor: User, confirm_open: bool = False) -> KeyWork:
    """Mark key work done; open preparation steps must be confirmed, and completing twice says who did."""
    open_steps = list(item.checklist.filter(done_at__isnull=True).order_by("position", "pk"))
    if open_steps and not confirm_open:
        raise NeedsConfirmation(
            f"还有 {len(open_steps)} 项准备事项未完成：",
            [Match(label=step.text) for step in open_steps],
            confirm_label="确认仍要标记完成",
        )
    changed = KeyWork.objects.filter(pk=item.pk, done=False).update(
        done=True, done_at=timezone.now(), done_by=actor, version=F("version") + 1
    )
    if not changed:
        raise _stale(item)
    item.refresh_from_db()
    audit.record(
        actor=actor, action="key_work.complete", obj=item, data={"open_steps": [step.pk for step in open_steps]}
    )
    return item


@audit.atomic
def feed_token_create(*, leader: User, actor: User) -> str:
    """A new private feed token for the leader; the token itself is returned once and never stored."""
    if not leader.has_role(Role.LEADER):
        raise ValidationError(f"「{leader}」不是县领导。")
    token = secrets.token_urlsafe(32)
    feed = FeedToken.objects.create(leader=leader, digest=digest(token), created_by=actor)
    audit.record(actor=actor, action="feed_token.create", obj=feed, data={"leader": leader.pk})
    return token


@audit.atomic
def feed_token_revoke(*, feed: FeedToken, actor: User) -> None:
    """Revoke a feed token; revoking it twice changes nothing more."""
    FeedToken.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(actor=actor, action="feed_token.revoke", obj=feed, data={"leader": feed.leader_id})
