"""Supervision's reminders: unsigned, near the deadline, every working morning after it — each once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shuniu.core.models import CalendarOverride, CalendarYear, OverrideKind, Role, SentReminder, Unit, User
from shuniu.core.reminders import reminders_run
from shuniu.core.testing import make_unit, make_user
from shuniu.supervision import services
from shuniu.supervision.models import Assignment, Source

SOURCE = ["shuniu.supervision.reminders.matters_due"]


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def office(db: None) -> tuple[User, User, Unit]:
    supervisor = make_user("supervisor", [Role.SUPERVISOR], unit=make_unit("督查室"))
    finance = make_unit("县财政局")
    return supervisor, make_user("cz", [Role.LIAISON], unit=finance), finance


def keys_for(user: User) -> list[str]:
    return sorted(SentReminder.objects.filter(recipient=user).values_list("key", flat=True))


def test_unsigned_after_a_working_day_then_near_and_past_the_deadline(
    office: tuple[User, User, Unit], leader: User
) -> None:
    supervisor, liaison, finance = office
    monday = dt.date(2026, 11, 2)
    matter = services.matter_register(
        actor=supervisor,
        source=Source.INSTRUCTION,
        title="冬季供暖",
        content="确保供暖。",
        lead_unit=finance,
        instructing_leader=leader,
        deadline=at(monday + dt.timedelta(days=11), 18),  # Friday of the next week
        now=at(monday),
    )
    assert reminders_run(now=at(monday, 15), sources=SOURCE) == 0  # not yet a working day later
    assert reminders_run(now=at(monday + dt.timedelta(days=1)), sources=SOURCE) == 2  # the liaison and the staff
    assert reminders_run(now=at(monday + dt.timedelta(days=1), 10), sources=SOURCE) == 0  # once
    services.assignment_sign(assignment=Assignment.objects.get(matter=matter), actor=liaison)
    assert reminders_run(now=at(monday + dt.timedelta(days=4)), sources=SOURCE) == 0  # 6 working days left
    assert reminders_run(now=at(monday + dt.timedelta(days=8)), sources=SOURCE) == 1  # Tuesday: 3 left
    assert reminders_run(now=at(monday + dt.timedelta(days=9)), sources=SOURCE) == 0
    saturday, sunday, next_monday = (monday + dt.timedelta(days=d) for d in (12, 13, 14))
    assert reminders_run(now=at(saturday), sources=SOURCE) == 0  # overdue, but not a working morning
    assert reminders_run(now=at(sunday), sources=SOURCE) == 0
    assert reminders_run(now=at(next_monday, 8), sources=SOURCE) == 0  # before the office opens
    assert reminders_run(now=at(next_monday), sources=SOURCE) == 2
    assert reminders_run(now=at(next_monday, 11), sources=SOURCE) == 0
    assert reminders_run(now=at(next_monday + dt.timedelta(days=1)), sources=SOURCE) == 2  # every working morning
    assert [k.split(":")[2] for k in keys_for(liaison)] == ["due", "overdue", "overdue", "unsigned"]
    # Five working days overdue without a report (Friday the 13th to Friday the 20th): the staff hear it stalls.
    assert reminders_run(now=at(next_monday + dt.timedelta(days=7)), sources=SOURCE) == 3
    assert sorted({k.split(":")[2] for k in keys_for(supervisor)}) == ["overdue", "stalled", "unsigned"]


def test_no_overdue_reminder_on_a_holiday_or_on_a_make_up_sunday_forgotten(
    office: tuple[User, User, Unit], leader: User
) -> None:
    supervisor, liaison, finance = office
    CalendarYear.objects.get_or_create(year=2026, defaults={"note": "测试"})
    CalendarOverride.objects.update_or_create(
        date=dt.date(2026, 10, 1), defaults={"kind": OverrideKind.OFF, "note": "国庆"}
    )
    CalendarOverride.objects.update_or_create(
        date=dt.date(2026, 10, 11), defaults={"kind": OverrideKind.WORK, "note": "调休"}
    )
    matter = services.matter_register(
        actor=supervisor,
        source=Source.INSTRUCTION,
        title="节前安全检查",
        content="检查。",
        lead_unit=finance,
        instructing_leader=leader,
        deadline=at(dt.date(2026, 9, 30), 18),
        now=at(dt.date(2026, 9, 21)),
    )
    services.assignment_sign(assignment=Assignment.objects.get(matter=matter), actor=liaison)
    SentReminder.objects.all().delete()
    assert reminders_run(now=at(dt.date(2026, 10, 1)), sources=SOURCE) == 0  # National Day
    assert reminders_run(now=at(dt.date(2026, 10, 11)), sources=SOURCE) == 3  # the make-up working Sunday
