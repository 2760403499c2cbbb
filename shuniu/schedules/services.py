"""Writes of the schedules module: engagements, publishing the weekly plan, key work, reminders."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shuniu import audit
from shuniu.core.models import Role, User
from shuniu.schedules.models import (
    CheckItem,
    Engagement,
    EngagementKind,
    FeedToken,
    KeyWork,
    WeeklyPlanVersion,
)
from shuniu.schedules.selectors import latest_published, overlapping, token_digest, weekly_grid


class OverlapNeedsConfirmation(ValidationError):
    """The engagement overlaps others of the same leader; saving needs an explicit confirmation."""

    def __init__(self, conflicts: list[Engagement]) -> None:
        self.conflicts = conflicts
        listed = "；".join(
            f"{timezone.localtime(c.start):%m月%d日 %H:%M}–{timezone.localtime(c.end):%m月%d日 %H:%M} {c}"
            for c in conflicts
        )
        super().__init__(f"与该领导已有的日程时间重叠：{listed}。确认无误请勾选“确认时间重叠”后再保存。")


def _check_engagement(*, leader: User, kind: str, title: str, start: dt.datetime, end: dt.datetime) -> None:
    if not leader.has_role(Role.LEADER):
        raise ValidationError(f"「{leader}」不是县领导，不能录入领导日程。")
    if kind not in EngagementKind.values:
        raise ValidationError(f"日程类型「{kind}」无效。")
    if not title.strip():
        raise ValidationError("请填写事项。")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError("时间必须带时区。")
    if end <= start:
        raise ValidationError("结束时间必须晚于开始时间。")
    if end - start > dt.timedelta(days=62):
        raise ValidationError("单条日程不能超过 62 天，请分段录入。")


@transaction.atomic
def engagement_create(
    *,
    leader: User,
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
    """Enter an engagement for a leader; an overlap with another of theirs must be confirmed."""
    _check_engagement(leader=leader, kind=kind, title=title, start=start, end=end)
    conflicts = overlapping(leader=leader, start=start, end=end)
    if conflicts and not confirm_overlap:
        raise OverlapNeedsConfirmation(conflicts)
    engagement = Engagement.objects.create(
        leader=leader,
        kind=kind,
        title=title.strip(),
        start=start,
        end=end,
        place=place,
        notes=notes,
        confidential=confidential,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="engagement.create",
        obj=engagement,
        data={"leader": leader.pk, "kind": kind, "overlaps": [c.pk for c in conflicts]},
    )
    return engagement


@transaction.atomic
def engagement_update(
    *,
    engagement: Engagement,
    version: int,
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
    """Change an engagement; refused if someone else saved it since `version` was read."""
    leader = engagement.leader
    _check_engagement(leader=leader, kind=kind, title=title, start=start, end=end)
    conflicts = overlapping(leader=leader, start=start, end=end, exclude_pk=engagement.pk)
    if conflicts and not confirm_overlap:
        raise OverlapNeedsConfirmation(conflicts)
    changed = Engagement.objects.filter(pk=engagement.pk, version=version).update(
        kind=kind,
        title=title.strip(),
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
    audit.record(actor=actor, action="engagement.update", obj=engagement, data={"version": engagement.version})
    return engagement


@transaction.atomic
def engagement_delete(*, engagement: Engagement, actor: User) -> None:
    audit.record(actor=actor, action="engagement.delete", obj=engagement, data={"leader": engagement.leader_id})
    engagement.delete()


@transaction.atomic
def weekly_plan_publish(*, week_start: dt.date, actor: User) -> WeeklyPlanVersion:
    """Freeze the week as the staff see it; later edits show as changes against this version."""
    if week_start.weekday() != 0:
        raise ValidationError("周工作安排须从星期一开始。")
    previous = latest_published(week_start)
    grid = weekly_grid(week_start, viewer=None)
    if previous is not None and previous.grid == grid:
        raise ValidationError(f"与第 {previous.number} 版相比没有变化，无需重新发布。")
    version = WeeklyPlanVersion.objects.create(
        week_start=week_start, number=(previous.number + 1) if previous else 1, grid=grid, published_by=actor
    )
    audit.record(actor=actor, action="weekly_plan.publish", obj=version, data={"week": week_start.isoformat()})
    return version


def _check_key_work(*, title: str, start: dt.datetime, end: dt.datetime | None, remind_minutes: int) -> None:
    if not title.strip():
        raise ValidationError("请填写事项。")
    if end is not None and end <= start:
        raise ValidationError("结束时间必须晚于开始时间。")
    if not 0 <= remind_minutes <= 30 * 24 * 60:
        raise ValidationError("提前提醒时间应在 0 到 30 天之间。")


@transaction.atomic
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
    _check_key_work(title=title, start=start, end=end, remind_minutes=remind_minutes)
    if leader is not None and not leader.has_role(Role.LEADER):
        raise ValidationError(f"「{leader}」不是县领导。")
    item = KeyWork.objects.create(
        title=title.strip(),
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


@transaction.atomic
def key_work_reschedule(*, item: KeyWork, start: dt.datetime, end: dt.datetime | None, actor: User) -> KeyWork:
    _check_key_work(title=item.title, start=start, end=end, remind_minutes=item.remind_minutes)
    item.start, item.end = start, end
    item.save(update_fields=["start", "end"])
    audit.record(actor=actor, action="key_work.reschedule", obj=item, data={"start": start.isoformat()})
    return item


@transaction.atomic
def check_item_toggle(*, item: CheckItem, actor: User) -> CheckItem:
    """Tick a preparation step done, or undo the tick."""
    if item.done_at is None:
        item.done_at, item.done_by = timezone.now(), actor
    else:
        item.done_at, item.done_by = None, None
    item.save(update_fields=["done_at", "done_by"])
    audit.record(actor=actor, action="key_work.check", obj=item, data={"done": item.done_at is not None})
    return item


@transaction.atomic
def key_work_complete(*, item: KeyWork, actor: User) -> None:
    item.done = True
    item.save(update_fields=["done"])
    audit.record(actor=actor, action="key_work.complete", obj=item)


@transaction.atomic
def feed_token_create(*, leader: User, actor: User) -> str:
    """A new private feed token for the leader; the token itself is returned once and never stored."""
    if not leader.has_role(Role.LEADER):
        raise ValidationError(f"「{leader}」不是县领导。")
    token = secrets.token_urlsafe(32)
    feed = FeedToken.objects.create(leader=leader, digest=token_digest(token), created_by=actor)
    audit.record(actor=actor, action="feed_token.create", obj=feed, data={"leader": leader.pk})
    return token


@transaction.atomic
def feed_token_revoke(*, feed: FeedToken, actor: User) -> None:
    FeedToken.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(actor=actor, action="feed_token.revoke", obj=feed, data={"leader": feed.leader_id})
