"""The demo county's week: meetings, a trip, field visits, leave and key work around today."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuniu.core.models import User
from shuniu.schedules import services
from shuniu.schedules.models import Engagement, EngagementKind, KeyWork, WeeklyPlanVersion
from shuniu.schedules.selectors import monday_of

# (leader usernames, kind, title, place, day offset from Monday, start, day offset of end, end, confidential)
# leaders, kind, title, place, first day, from, last day, until, confidential
Row = tuple[str, str, str, str, int, str, int, str, bool]
PLAN: list[Row] = [
    ("zhangjianguo liminghua wangzhiqiang zhaolixin chenjing liuyang sunli zhoujianjun wuhaiyan zhengwei fengtao heyong",
     EngagementKind.MEETING, "县委常委会会议", "县委三楼常委会议室", 0, "09:00", 0, "11:30", False),
    ("zhangjianguo", EngagementKind.TRIP, "赴省委党校参加专题培训", "省城", 1, "08:00", 3, "18:00", False),
    ("liminghua", EngagementKind.FIELD_VISIT, "乡村振兴工作调研", "青石镇、白沙乡", 2, "08:30", 2, "17:30", False),
    ("wangzhiqiang", EngagementKind.MEETING, "县领导信访接待日", "县信访局接待大厅", 3, "14:30", 3, "17:30", False),
    ("zhaolixin", EngagementKind.LEAVE, "事假", "", 4, "08:30", 4, "18:00", False),
    ("fengtao", EngagementKind.FIELD_VISIT, "重点项目现场督导", "高桥镇工业园区", 1, "09:00", 1, "12:00", False),
    ("zhengwei", EngagementKind.MEETING, "县委办公室务会", "县委二楼会议室", 1, "15:00", 1, "16:30", False),
]  # fmt: skip
# Entered after the plan was published, so the demo shows a change against the published version.
LATE: Row = ("chenjing", EngagementKind.MEETING, "专题会议", "纪委三楼会议室", 2, "15:00", 2, "17:00", True)


def _at(monday: dt.date, offset: int, hhmm: str) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(monday + dt.timedelta(days=offset), dt.time.fromisoformat(hhmm), tz)


def _upcoming(monday: dt.date, offset: int, hhmm: str) -> dt.datetime:
    """This week's day and time, or next week's if it has passed (key work cannot start in the past)."""
    moment = _at(monday, offset, hhmm)
    return moment if moment > timezone.now() else moment + dt.timedelta(days=7)


def _engagement(row: Row, monday: dt.date, clerk: User) -> None:
    usernames, kind, title, place, d0, t0, d1, t1, confidential = row
    if Engagement.objects.filter(title=title, start=_at(monday, d0, t0)).exists():
        return
    services.engagement_create(
        leaders=list(User.objects.filter(username__in=usernames.split())),
        kind=kind,
        title=title,
        place=place,
        start=_at(monday, d0, t0),
        end=_at(monday, d1, t1),
        confidential=confidential,
        confirm_overlap=True,
        actor=clerk,
    )


def schedules_demo_load() -> None:
    clerk = User.objects.get(username="wangfang")
    monday = monday_of(timezone.localdate())
    for row in PLAN:
        _engagement(row, monday, clerk)
    if not WeeklyPlanVersion.objects.filter(week_start=monday).exists():
        services.weekly_plan_publish(week_start=monday, actor=clerk)
    _engagement(LATE, monday, clerk)
    director = User.objects.get(username="huangxiaodong")
    if not KeyWork.objects.filter(title="全县经济工作会议").exists():
        services.key_work_create(
            title="全县经济工作会议",
            owner=director,
            leader=User.objects.get(username="zhangjianguo"),
            start=_at(monday, 7, "09:00"),
            end=_at(monday, 7, "12:00"),
            place="县会议中心",
            remind_minutes=3 * 24 * 60,
            checklist=["起草县委书记讲话稿", "会场布置与座次", "通知各乡镇、各部门参会", "准备会议材料袋"],
            actor=director,
        )
    if not KeyWork.objects.filter(title="迎接市委督查组").exists():
        services.key_work_create(
            title="迎接市委督查组",
            owner=clerk,
            leader=User.objects.get(username="zhengwei"),
            start=_upcoming(monday, 3, "10:00"),
            place="县委一楼会议室",
            remind_minutes=24 * 60,
            checklist=["汇报材料", "督查台账"],
            actor=clerk,
        )
