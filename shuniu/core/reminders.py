"""Reminders: "tell X about Y once", keyed in a table, asked for by sources every minute.

A source is a function ``(now, calendar) -> Iterable[Due]`` named in ``settings.REMINDER_SOURCES``
(like the notification senders): it looks at the module's own data and says what is due now —
"due in 3 working days", "overdue, every working morning" (a key with the date in it) — so nothing
has to be stored ahead. `remind_once` claims the key for the recipient with an INSERT on a unique
constraint in the same transaction as the notification, so a retry, a restarted worker or two
workers at once never send one twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from shuniu import audit
from shuniu.core.models import SentReminder, User
from shuniu.core.notify import notify
from shuniu.core.workcal import WorkingCalendar

log = logging.getLogger("shuniu.reminders")


@dataclass(frozen=True)
class Due:
    """A reminder that should go out now: `key` names what and when (``key_work:7:2026-12-01T09:00``)."""

    key: str
    recipient: User
    title: str
    body: str = ""
    url: str = ""
    urgent: bool = False  # sent by e-mail / SMS even in the recipient's quiet hours
    kind: str = "reminder"  # core.delivery.KINDS: how the person chose to get it


Source = Callable[[dt.datetime, WorkingCalendar], Iterable[Due]]


def working_morning(now: dt.datetime, calendar: WorkingCalendar) -> bool:
    """A working day, from the office's opening on (when "every working morning" reminders go out)."""
    local = timezone.localtime(now, calendar.tz)
    opening = dt.time.fromisoformat(settings.OFFICE_HOURS[0][0]) if settings.OFFICE_HOURS else dt.time(8, 30)
    return calendar.is_workday(local.date()) and local.time() >= opening


def remind_once(due: Due, *, now: dt.datetime) -> bool:
    """Send `due` unless its key already went to its recipient; True when it was sent now."""
    try:
        with transaction.atomic():
            claim = SentReminder.objects.create(key=due.key[:160], recipient=due.recipient, sent_at=now)
            notify(
                recipient=due.recipient, title=due.title, body=due.body, url=due.url, kind=due.kind, urgent=due.urgent
            )
            audit.record(actor=None, action="reminder.send", obj=claim, data={"key": due.key})
    except IntegrityError:
        return False
    return True


def reminders_run(*, now: dt.datetime, sources: Iterable[str] | None = None) -> int:
    """Ask every source what is due and send each reminder once; returns how many went out.

    A failing source is logged and skipped, so one module's bug does not silence the others.
    """
    calendar = WorkingCalendar.load()
    sent = 0
    for path in settings.REMINDER_SOURCES if sources is None else sources:
        source: Source = import_string(path)
        try:
            dues = list(source(now, calendar))
        except Exception:
            log.exception("提醒来源出错：%s", path)
            continue
        sent += sum(remind_once(due, now=now) for due in dues)
    return sent
