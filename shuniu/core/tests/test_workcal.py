import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pytest_django import Settings

from shuniu.core.models import CalendarOverride, CalendarYear, OverrideKind
from shuniu.core.workcal import CalendarNotCovered, WorkingCalendar, add_workdays, add_working_minutes, is_workday

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.mark.django_db
class TestWorkdays:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (dt.date(2026, 10, 10), True),  # make-up Saturday after National Day
            (dt.date(2026, 10, 5), False),  # National Day holiday (a Monday)
            (dt.date(2026, 11, 28), False),  # an ordinary Saturday
            (dt.date(2026, 11, 26), True),  # an ordinary Thursday
        ],
    )
    def test_national_schedule(self, day: dt.date, expected: bool) -> None:
        assert is_workday(day) is expected

    def test_override_adds_a_local_day_off(self) -> None:
        CalendarOverride.objects.create(date=dt.date(2026, 11, 26), kind=OverrideKind.OFF, note="县庆")
        assert is_workday(dt.date(2026, 11, 26)) is False

    def test_override_adds_an_extra_working_day(self) -> None:
        CalendarOverride.objects.create(date=dt.date(2026, 11, 28), kind=OverrideKind.WORK)
        assert is_workday(dt.date(2026, 11, 28)) is True

    def test_uncovered_year_is_a_clear_error(self) -> None:
        with pytest.raises(CalendarNotCovered, match="2031年的节假日安排尚未收录"):
            is_workday(dt.date(2031, 3, 3))

    def test_a_year_entered_locally_follows_the_week_plus_its_overrides(self) -> None:
        CalendarYear.objects.create(year=2031)
        CalendarOverride.objects.create(date=dt.date(2031, 1, 1), kind=OverrideKind.OFF)
        assert is_workday(dt.date(2031, 1, 1)) is False  # Wednesday, but New Year
        assert is_workday(dt.date(2031, 1, 2)) is True
        assert is_workday(dt.date(2031, 1, 4)) is False  # Saturday

    def test_add_workdays_counts_the_make_up_saturday_and_skips_the_holiday(self) -> None:
        # Wed 30 Sep 2026 + 1 working day → Thu 8 Oct (1–7 Oct off); + 3 → Sat 10 Oct (make-up day).
        assert add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
        assert add_workdays(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
        assert add_workdays(dt.date(2026, 10, 10), -3) == dt.date(2026, 9, 30)
        assert add_workdays(dt.date(2026, 11, 26), 0) == dt.date(2026, 11, 26)

    def test_add_workdays_into_an_uncovered_year_fails_clearly(self) -> None:
        with pytest.raises(CalendarNotCovered):
            add_workdays(dt.date(2026, 12, 30), 5)


@pytest.mark.django_db
class TestWorkingMinutes:
    @pytest.mark.parametrize(
        ("start", "minutes", "end"),
        [
            (at(2026, 11, 26, 9, 0), 60, at(2026, 11, 26, 10, 0)),
            (at(2026, 11, 26, 11, 30), 60, at(2026, 11, 26, 15, 0)),  # lunch break does not count
            (at(2026, 11, 26, 11, 30), 30, at(2026, 11, 26, 12, 0)),  # ends exactly at noon
            (at(2026, 11, 26, 7, 0), 10, at(2026, 11, 26, 8, 40)),  # before opening
            (at(2026, 11, 27, 17, 30), 60, at(2026, 11, 30, 9, 0)),  # Friday → Monday
            (at(2026, 9, 30, 17, 0), 120, at(2026, 10, 8, 9, 30)),  # across the National Day week
            (at(2026, 11, 26, 20, 0), 0, at(2026, 11, 26, 20, 0)),
        ],
    )
    def test_add_working_minutes(self, start: dt.datetime, minutes: int, end: dt.datetime) -> None:
        assert add_working_minutes(start, minutes) == end

    def test_naive_datetime_is_refused(self) -> None:
        with pytest.raises(ValueError, match="时区"):
            add_working_minutes(dt.datetime(2026, 11, 26, 9, 0), 10)

    def test_office_hours_are_configurable(self, settings: Settings) -> None:
        settings.OFFICE_HOURS = [("09:00", "12:00"), ("13:30", "17:30")]
        assert add_working_minutes(at(2026, 11, 26, 11, 30), 60) == at(2026, 11, 26, 14, 0)

    def test_office_periods_start_mid_period(self) -> None:
        calendar = WorkingCalendar.load()
        periods = calendar.office_periods(at(2026, 11, 26, 10, 0))
        assert next(periods) == (at(2026, 11, 26, 10, 0), at(2026, 11, 26, 12, 0))
        assert next(periods) == (at(2026, 11, 26, 14, 30), at(2026, 11, 26, 18, 0))
        assert next(periods) == (at(2026, 11, 27, 8, 30), at(2026, 11, 27, 12, 0))
