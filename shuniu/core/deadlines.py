"""Deadlines and clocks: a rule in calendar days, working days or office hours; extensions, pauses, lights.

Pure calculations (`Rule.due`, `remaining`, `light`) take a `WorkingCalendar` loaded once per
request or worker round (`WorkingCalendar.load()`), never one per call. `Clock` rows (core.models)
keep a running deadline for an object; the services below start, extend, pause, resume and stop it,
each with a `ClockEvent` (who, when, why, old and new due) and an audit record.

Counting follows Chinese procedural practice: a period counts from the day after the event; with
`roll_holidays`, a period in calendar days whose last day is a day off ends on the next working day.
Calendar and working-day periods end at the end of their last day (23:59:59 local time).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from shuniu import audit
from shuniu.core.models import Clock, ClockEvent, ClockUnit, User
from shuniu.core.personal import scrub
from shuniu.core.workcal import WorkingCalendar

Light = Literal["green", "yellow", "red"]
_END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class Rule:
    """A period: `amount` of `unit`; yellow within `warn_within` units of the end."""

    unit: str
    amount: int
    warn_within: int = 3
    roll_holidays: bool = False

    def due(self, start: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
        """When the period that starts at `start` ends."""
        if timezone.is_naive(start):
            raise ValueError("时间必须带时区。")
        if self.unit == ClockUnit.OFFICE_MINUTES:
            return calendar.add_working_minutes(start, self.amount)
        day = timezone.localtime(start, calendar.tz).date()
        if self.unit == ClockUnit.WORKDAYS:
            last = calendar.add_workdays(day, self.amount)
        else:
            last = day + dt.timedelta(days=self.amount)
            if self.roll_holidays:
                while not calendar.is_workday(last):
                    last += dt.timedelta(days=1)
        return dt.datetime.combine(last, _END_OF_DAY, calendar.tz)


def remaining(
    rule_unit: str, due: dt.datetime, now: dt.datetime, calendar: WorkingCalendar, *, stop_after: int | None = None
) -> int:
    """What is left until `due` in the rule's unit (days, working days or office minutes); negative when late.

    With `stop_after`, working days are counted only until it is clear more than that are left.
    """
    if rule_unit == ClockUnit.OFFICE_MINUTES:
        if now >= due:
            return -math.ceil((now - due).total_seconds() / 60)
        return sum(
            int((min(end, due) - start).total_seconds() // 60)
            for start, end in calendar.office_periods(now, due)
            if start < due
        )
    today = timezone.localtime(now, calendar.tz).date()
    last = timezone.localtime(due, calendar.tz).date()
    if rule_unit == ClockUnit.CALENDAR_DAYS:
        return (last - today).days if now <= due else -max(1, (today - last).days)
    if now > due:
        return -max(1, _workdays_between(last, today, calendar))
    return _workdays_between(today, last, calendar, stop_after)


def _workdays_between(first: dt.date, last: dt.date, calendar: WorkingCalendar, stop_after: int | None = None) -> int:
    """Working days after `first` up to and including `last` (or `stop_after` + 1, once it is clear there are more)."""
    count, day = 0, first
    while day < last and (stop_after is None or count <= stop_after):
        day += dt.timedelta(days=1)
        count += calendar.is_workday(day)
    return count


def light(rule_unit: str, warn_within: int, due: dt.datetime, now: dt.datetime, calendar: WorkingCalendar) -> Light:
    """Green on track, yellow within `warn_within` units of the end, red once it has passed."""
    if now > due:
        return "red"
    # Counts no further than the warning needs: a list shows many lights, some months from their end.
    return "yellow" if remaining(rule_unit, due, now, calendar, stop_after=warn_within) <= warn_within else "green"


# Clocks -----------------------------------------------------------------------------------------


def clock_of(obj: Model, name: str) -> Clock | None:
    return Clock.objects.filter(**Clock.of(obj), name=name).first()


def _event(clock: Clock, kind: str, *, actor: User | None, reason: str, old_due: dt.datetime | None) -> None:
    ClockEvent.objects.create(clock=clock, kind=kind, actor=actor, reason=reason, old_due=old_due, new_due=clock.due_at)
    audit.record(
        actor=actor,
        action=f"clock.{kind}",
        obj=clock,
        data={"name": clock.name, "reason": scrub(reason), "due": clock.due_at.isoformat()},
    )


def clock_start(
    *, obj: Model, name: str, rule: Rule, start: dt.datetime, actor: User | None, calendar: WorkingCalendar
) -> Clock:
    """Start the clock `name` for `obj` (once per object and name)."""
    if clock_of(obj, name) is not None:
        raise ValidationError(f"“{name}”已在计时。")
    clock = Clock.objects.create(
        **Clock.of(obj),
        name=name,
        unit=rule.unit,
        amount=rule.amount,
        warn_within=rule.warn_within,
        roll_holidays=rule.roll_holidays,
        started_at=start,
        due_at=rule.due(start, calendar),
    )
    _event(clock, "start", actor=actor, reason="", old_due=None)
    return clock


def _locked(clock: Clock) -> Clock:
    return Clock.objects.select_for_update().get(pk=clock.pk)


def clock_extend(*, clock: Clock, amount: int, reason: str, actor: User, calendar: WorkingCalendar) -> Clock:
    """Extend the deadline by `amount` of the clock's unit, keeping the old one in the history."""
    clock = _locked(clock)
    if clock.stopped_at is not None:
        raise ValidationError(f"“{clock.name}”已停止计时，不能延期。")
    if amount < 1:
        raise ValidationError("延长期限至少为 1。")
    if not reason.strip():
        raise ValidationError("请填写延期理由。")
    old = clock.due_at
    start = old if clock.unit == ClockUnit.OFFICE_MINUTES else old.replace(hour=0, minute=0, second=0)
    clock.due_at = Rule(clock.unit, amount, roll_holidays=clock.roll_holidays).due(start, calendar)
    clock.amount += amount
    if clock.unit == ClockUnit.CALENDAR_DAYS:  # from the period's own end, not from a last day already rolled
        clock.due_at = _calendar_due(clock, clock.waited_days, calendar)
    clock.save(update_fields=["due_at", "amount"])
    _event(clock, "extend", actor=actor, reason=reason.strip(), old_due=old)
    return clock


def clock_pause(*, clock: Clock, reason: str, actor: User, at: dt.datetime | None = None) -> Clock:
    """Stop the clock for a while (e.g. while the petitioner is asked for an address)."""
    clock = _locked(clock)
    if clock.stopped_at is not None or clock.paused_at is not None:
        raise ValidationError(f"“{clock.name}”没有在计时，不能暂停。")
    if not reason.strip():
        raise ValidationError("请填写暂停计时的理由。")
    clock.paused_at = at or timezone.now()
    clock.save(update_fields=["paused_at"])
    _event(clock, "pause", actor=actor, reason=reason.strip(), old_due=clock.due_at)
    return clock


def _due_after_pause(clock: Clock, at: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """The deadline moved by the time the clock has been paused until `at`, counted in its own unit."""
    old = clock.due_at
    if clock.paused_at is None:
        return old
    if clock.unit == ClockUnit.OFFICE_MINUTES:
        paused = sum(
            int((min(end, at) - start).total_seconds() // 60)
            for start, end in calendar.office_periods(clock.paused_at, at)
            if start < at
        )
        return calendar.add_working_minutes(old, paused) if paused else old
    first = timezone.localtime(clock.paused_at, calendar.tz).date()
    last = timezone.localtime(at, calendar.tz).date()
    if clock.unit == ClockUnit.WORKDAYS:
        days = _workdays_between(first, last, calendar)
        if not days:
            return old
        return dt.datetime.combine(
            calendar.add_workdays(timezone.localtime(old, calendar.tz).date(), days), _END_OF_DAY, calendar.tz
        )
    return _calendar_due(clock, clock.waited_days + (last - first).days, calendar)


def _calendar_due(clock: Clock, waited: int, calendar: WorkingCalendar) -> dt.datetime:
    """A calendar-day period's end from its start, its days (extensions included) and the days it waited."""
    return Rule(clock.unit, clock.amount + waited, roll_holidays=clock.roll_holidays).due(clock.started_at, calendar)


def _waited(clock: Clock, at: dt.datetime, calendar: WorkingCalendar) -> int:
    """The calendar days of the present pause, up to `at`."""
    if clock.paused_at is None or clock.unit != ClockUnit.CALENDAR_DAYS:
        return 0
    first = timezone.localtime(clock.paused_at, calendar.tz).date()
    return (timezone.localtime(at, calendar.tz).date() - first).days


def clock_resume(
    *, clock: Clock, actor: User, calendar: WorkingCalendar, at: dt.datetime | None = None, reason: str = ""
) -> Clock:
    """Run again: the deadline moves by the time paused, counted in the clock's own unit."""
    clock = _locked(clock)
    if clock.paused_at is None:
        raise ValidationError(f"“{clock.name}”没有暂停。")
    at = at or timezone.now()
    old = clock.due_at
    clock.due_at = _due_after_pause(clock, at, calendar)
    clock.waited_days += _waited(clock, at, calendar)
    clock.paused_at = None
    clock.save(update_fields=["due_at", "paused_at", "waited_days"])
    _event(clock, "resume", actor=actor, reason=reason, old_due=old)
    return clock


def clock_stop(
    *,
    clock: Clock,
    actor: User | None,
    reason: str = "",
    at: dt.datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> Clock:
    """The work is done (or the period no longer applies): the clock stops for good.

    Stopped while paused, its deadline first moves by the pause (the waiting did not count).
    """
    clock = _locked(clock)
    if clock.stopped_at is not None:
        return clock
    clock.stopped_at = at or timezone.now()
    old = clock.due_at
    if clock.paused_at is not None:
        calendar = calendar or WorkingCalendar.load()
        clock.due_at = _due_after_pause(clock, clock.stopped_at, calendar)
        clock.waited_days += _waited(clock, clock.stopped_at, calendar)
        clock.paused_at = None
    clock.save(update_fields=["stopped_at", "due_at", "paused_at", "waited_days"])
    _event(clock, "stop", actor=actor, reason=reason, old_due=old)
    return clock


def clock_state(clock: Clock, now: dt.datetime, calendar: WorkingCalendar) -> dict[str, object]:
    """What a page shows: due, what is left (in the unit), the light; a paused clock shows as paused."""
    if clock.paused_at is not None:
        return {"due": clock.due_at, "left": None, "light": "yellow", "label": "暂停计时"}
    at = clock.stopped_at or now
    left = remaining(clock.unit, clock.due_at, at, calendar)
    colour = light(clock.unit, clock.warn_within, clock.due_at, at, calendar)
    unit = {"calendar_days": "天", "workdays": "个工作日", "office_minutes": "分钟"}[clock.unit]
    label = f"剩余 {left} {unit}" if left >= 0 else f"超期 {-left} {unit}"
    return {"due": clock.due_at, "left": left, "light": colour, "label": label}
