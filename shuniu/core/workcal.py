"""The working calendar: working days (national schedule + local overrides) and office hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

# No real calendar has this many days off in a row; stop instead of looping for ever.
_MAX_DAYS_WITHOUT_WORK = 60


class CalendarNotCovered(ValidationError, ValueError):
    """A date's year is covered neither by the national schedule nor by a local one.

    A ValidationError: a service that counts a deadline into such a year refuses with this message
    (and changes nothing) instead of failing.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的节假日安排尚未收录：请升级 chinesecalendar，或由系统管理员在“工作日历调整”中"
            f"录入{year}年的放假与补班安排并登记该年度。"
        )


@lru_cache(maxsize=4096)
def _national_workday(day: dt.date) -> bool:
    """The national schedule's answer for a day (it never changes while the service runs; a list asks it often)."""
    return bool(chinese_calendar.is_workday(day))


def _parse_hours(spans: list[tuple[str, str]]) -> tuple[tuple[dt.time, dt.time], ...]:
    return tuple((dt.time.fromisoformat(start), dt.time.fromisoformat(end)) for start, end in spans)


@lru_cache(maxsize=1)
def _calendar_statement() -> tuple[str, tuple[Any, ...]]:
    """The calendar's one query and its parameters, composed once per process.

    It holds no value that changes; every page with a light or a deadline loads the calendar, and the ORM
    took longer to compose it than the database to answer. Both tables in one: the overrides' rows carry
    no year, the years' rows no date.
    """
    from django.db.models import CharField, DateField, IntegerField, Value

    from shuniu.core.models import CalendarOverride, CalendarYear

    rows = (
        CalendarOverride.objects.order_by()
        .values_list("date", "kind", Value(None, output_field=IntegerField()))
        .union(
            CalendarYear.objects.order_by().values_list(
                Value(None, output_field=DateField()), Value(None, output_field=CharField()), "year"
            ),
            all=True,
        )
    )
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and office hours, with the local overrides already read from the database."""

    overrides: dict[dt.date, bool]
    local_years: frozenset[int]
    hours: tuple[tuple[dt.time, dt.time], ...]
    tz: ZoneInfo

    @classmethod
    def load(cls) -> WorkingCalendar:
        from django.db import connection

        from shuniu.core.models import OverrideKind

        with connection.cursor() as cursor:
            cursor.execute(*_calendar_statement())
            rows = cursor.fetchall()
        overrides: dict[dt.date, bool] = {}
        years: set[int] = set()
        for date, kind, year in rows:
            if date is not None:  # SQLite gives the date as its text
                overrides[date if isinstance(date, dt.date) else dt.date.fromisoformat(date)] = (
                    kind == OverrideKind.WORK
                )
            else:
                years.add(year)
        return cls(overrides, frozenset(years), _parse_hours(settings.OFFICE_HOURS), ZoneInfo(settings.TIME_ZONE))

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.local_years:
            return day.weekday() < 5
        try:
            return _national_workday(day)
        except NotImplementedError:
            raise CalendarNotCovered(day.year) from None

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (before it, when negative); `day` itself is not counted."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        idle = 0
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
                idle = 0
            else:
                idle += 1
                if idle > _MAX_DAYS_WITHOUT_WORK:
                    raise ValueError(f"自{day:%Y年%m月%d日}起连续{idle}天无工作日，请检查工作日历调整。")
        return day

    def office_periods(
        self, start: dt.datetime, until: dt.datetime | None = None
    ) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Office-hour periods (aware, local time) from `start` on; the first may be cut by `start`.

        With `until`, stops before asking about a day that begins at or after it.
        """
        _require_aware(start)
        local = start.astimezone(self.tz)
        day = local.date()
        idle = 0
        while until is None or dt.datetime.combine(day, dt.time.min, self.tz) < until:
            if self.is_workday(day):
                idle = 0
                for open_t, close_t in self.hours:
                    opening = dt.datetime.combine(day, open_t, self.tz)
                    closing = dt.datetime.combine(day, close_t, self.tz)
                    if closing <= local:
                        continue
                    yield max(opening, local), closing
            else:
                idle += 1
                if idle > _MAX_DAYS_WITHOUT_WORK:
                    raise ValueError(f"自{day:%Y年%m月%d日}起连续{idle}天无工作日，请检查工作日历调整。")
            day += dt.timedelta(days=1)

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The moment `minutes` of office time after `start` (time outside office hours does not count)."""
        _require_aware(start)
        if minutes < 0:
            raise ValueError("工作分钟数不能为负。")
        if minutes == 0:
            return start
        remaining = dt.timedelta(minutes=minutes)
        for opening, closing in self.office_periods(start):
            span = closing - opening
            if remaining <= span:
                return opening + remaining
            remaining -= span
        raise AssertionError("unreachable: office_periods never ends")


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("时间必须带时区。")


def is_workday(day: dt.date) -> bool:
    return WorkingCalendar.load().is_workday(day)


def add_workdays(day: dt.date, count: int) -> dt.date:
    return WorkingCalendar.load().add_workdays(day, count)


def add_working_minutes(start: dt.datetime, minutes: int) -> dt.datetime:
    return WorkingCalendar.load().add_working_minutes(start, minutes)


def this_week(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """This week in the county's zone, Monday 00:00 to the next Monday 00:00 (what "this week" counts)."""
    today = timezone.localtime(now).date()
    monday = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time.min))
    return monday, timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=7 - today.weekday()), dt.time.min))
