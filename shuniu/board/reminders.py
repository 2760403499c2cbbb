"""The morning's 今日要情: each working morning at the set time, every leader gets their day in one page.

Sent as a notification of its own kind (`briefing`): in the app, and by e-mail (or SMS) as the leader
chose. Once per leader per day; a worker that was down sends it when it is back, until noon.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from shuniu.board.selectors import Briefing, briefing_for
from shuniu.core.models import Role, SentReminder
from shuniu.core.reminders import Due
from shuniu.core.selectors import users_with_role
from shuniu.core.text import chinese_date
from shuniu.core.workcal import WorkingCalendar

LATEST = dt.time(12)  # a briefing not sent by noon is not sent that day


def morning_briefing(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """On a working day from the set time until noon: each leader's briefing, once."""
    local = timezone.localtime(now, calendar.tz)
    send_at = dt.time.fromisoformat(settings.BRIEFING_AT)
    if not (send_at <= local.time() < LATEST and calendar.is_workday(local.date())):
        return
    day = local.date().isoformat()
    sent = set(
        SentReminder.objects.filter(key__startswith="briefing:", key__endswith=f":{day}").values_list("key", flat=True)
    )
    for leader in users_with_role(Role.LEADER):
        if f"briefing:{leader.pk}:{day}" in sent:  # built once a day, not every minute until noon
            continue
        briefing = briefing_for(leader, now)
        yield Due(
            key=f"briefing:{leader.pk}:{day}",
            recipient=leader,
            title=f"今日要情（{local.month}月{local.day}日）：{briefing.summary()}",
            body=briefing_text(briefing, local.date()),
            url=reverse("board:briefing"),
            kind="briefing",
        )


def briefing_text(briefing: Briefing, day: dt.date) -> str:
    """The briefing as plain text for the e-mail: each section's first items, named as they may travel.

    A classified document or matter by its number only, a confidential engagement as 忙碌, a petition by its
    number: this text leaves the building.
    """
    lines = [f"{chinese_date(day)} {briefing.today['weekday']}"]
    tz = timezone.get_current_timezone()

    def section(title: str, items: list[str]) -> None:
        lines.append(f"\n【{title}】" + ("" if items else "无"))
        lines.extend(f"· {item}" for item in items[:8])
        if len(items) > 8:
            lines.append(f"……共 {len(items)} 项")

    section(
        "今日日程",
        [f"{e.start.astimezone(tz):%H:%M} {'忙碌' if e.confidential else e.title}" for e in briefing.engagements],
    )
    section(
        "待阅文件",
        [
            f"{r.document.reg_number}（{r.document.get_secrecy_display()}）" if r.document.secrecy
            else f"{r.document.reg_number} {r.document.title}"
            for r in briefing.desk
        ],
    )  # fmt: skip
    section(
        "督办事项（到期或逾期）",
        [f"{m.label()}（时限 {chinese_date(m.deadline)}）" for m in briefing.matters if m.deadline],
    )
    section(
        "信访事项",
        [f"{p.number} 包案" for p in briefing.held] + [f"{i.petition.number} 呈批" for i in briefing.asked],
    )
    section("近期重点工作", [f"{chinese_date(k.start)} {k.title}" for k in briefing.key_work])
    return "\n".join(lines)
