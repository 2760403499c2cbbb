"""Reminder sources of notices (asked every minute by `core.reminders.reminders_run`).

- A unit not answering is to be called again at its retry time: its last caller is told, once per retry.
- Close to the event (`WARN_BEFORE`), units still not reached: the director(s) are told, once per notice
  and version (a change of time or place is a new one).
- An incoming call owing a callback: its handler, shortly before it is due (`callbacks_due`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from shuniu.core.models import Role, User
from shuniu.core.reminders import Due
from shuniu.core.selectors import users_with_role
from shuniu.core.text import day_time
from shuniu.core.workcal import WorkingCalendar
from shuniu.notices.models import UNREACHED, Attempt, Call, Notice, Recipient, State, Status

WARN_BEFORE = dt.timedelta(hours=18)  # the afternoon before a morning meeting
GRACE = dt.timedelta(hours=1)


def notices_due(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """What the notices have to say now (see the module's docstring)."""
    retries = list(
        Recipient.objects.filter(
            notice__status=Status.CALLING, state__in=(State.NO_ANSWER, State.NOTIFIED, State.RECALL), retry_at__lte=now
        ).select_related("notice", "unit")
    )
    callers: dict[int, User] = {}
    for attempt in Attempt.objects.filter(recipient__in=retries).select_related("by").order_by("at", "pk"):
        callers[attempt.recipient_id] = attempt.by
    for recipient in retries:
        caller = callers.get(recipient.pk)
        if caller is None or recipient.retry_at is None:
            continue
        yield Due(
            key=f"notice-retry:{recipient.pk}:{int(recipient.retry_at.timestamp())}",
            recipient=caller,
            title=f"该重拨了：{recipient.unit.name}（{recipient.notice.number}）",
            body=f"{recipient.notice.subject}；已拨 {recipient.tries} 次，约定 {day_time(recipient.retry_at)} 再拨。",
            url=reverse("notices:detail", args=[recipient.notice_id]),  # the sheet: take the unit there
        )
    soon = Notice.objects.filter(
        status=Status.CALLING,
        starts_at__gt=now,
        starts_at__lte=now + WARN_BEFORE,
        created_at__lte=now - GRACE,  # a notice drafted late gets its first hour of calling first
    )
    directors = list(users_with_role(Role.DIRECTOR))
    for notice in soon:
        left = list(
            notice.recipients.filter(state__in=UNREACHED).select_related("unit").values_list("unit__name", flat=True)
        )
        if not left:
            continue
        names = "、".join(left[:6]) + (f"等 {len(left)} 个单位" if len(left) > 6 else "")
        for director in directors:
            yield Due(
                key=f"notice-unreached:{notice.pk}:{notice.version}",
                recipient=director,
                title=f"通知临近仍未通知到：{notice.number}",
                body=f"{notice.subject}（{day_time(notice.starts_at)}）：{names}尚未通知到。",
                url=reverse("notices:detail", args=[notice.pk]),
            )


CALLBACK_WARN = dt.timedelta(minutes=15)


def callbacks_due(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """A callback owed: its handler, a quarter of an hour before it is due (once per due time)."""
    owed = Call.objects.filter(
        called_back_at__isnull=True, closed_at__isnull=True, callback_due__lte=now + CALLBACK_WARN
    ).select_related("unit", "handler")
    for call in owed:
        if call.callback_due is None:
            continue
        yield Due(
            key=f"call-back:{call.pk}:{int(call.callback_due.timestamp())}",
            recipient=call.handler,
            title=f"请回电：{call.unit.name if call.unit else call.caller or call.number}（{call.number_label}）",
            body=f"应于 {day_time(call.callback_due)} 前回电：{call.content[:60]}",
            url=reverse("calls:detail", args=[call.pk]),
        )
