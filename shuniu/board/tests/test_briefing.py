"""今日要情: a leader's day on one page, sent each working morning, printable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from shuniu.board.selectors import briefing_for
from shuniu.core.models import Notification, Role, User
from shuniu.core.reminders import reminders_run
from shuniu.core.testing import client_for, make_unit, make_user
from shuniu.schedules.models import Engagement
from shuniu.supervision import services as supervision
from shuniu.supervision.models import Source

TZ = timezone.get_current_timezone()
SOURCE = ["shuniu.board.reminders.morning_briefing"]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), TZ)


@pytest.fixture
def day(leader: User, leader2: User, clerk: User) -> dt.date:
    """Today's engagements of two leaders, and matters each instructed: due tomorrow, due in a month."""
    today = timezone.localdate()
    for who, title in ((leader, "全县经济工作会议"), (leader2, "别人的会")):
        Engagement.objects.create(
            leader=who, kind="meeting", title=title, start=at(today, 9), end=at(today, 11), created_by=clerk
        )
    staff = make_user("dcs", [Role.SUPERVISOR])
    unit = make_unit()
    for who, title, days in ((leader, "冬季供暖保障", 1), (leader, "春季植树", 30), (leader2, "别人交办的", 1)):
        supervision.matter_register(
            actor=staff, source=Source.INSTRUCTION, title=title, content="按期办结。", lead_unit=unit,
            instructing_leader=who, deadline=timezone.now() + dt.timedelta(days=days),
        )  # fmt: skip
    return today


@pytest.mark.django_db
def test_the_leaders_own_day_and_nothing_else(leader: User, day: dt.date) -> None:
    b = briefing_for(leader)
    assert [e.title for e in b.engagements] == ["全县经济工作会议"]
    assert [m.title for m in b.matters] == ["冬季供暖保障"]  # not the one a month off, not another leader's
    assert b.summary().startswith("日程 1 项 · 待阅 0 件 · 督办到期 1 件")
    page = client_for(leader).get(reverse("board:briefing"))
    assert page.status_code == 200
    assert "全县经济工作会议" in page.text
    assert "冬季供暖保障" in page.text
    assert "别人的会" not in page.text
    pdf = client_for(leader).get(reverse("board:briefing_pdf"))
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_only_leaders_have_one(liaison: User, clerk: User) -> None:
    for person in (liaison, clerk):
        assert client_for(person).get(reverse("board:briefing")).status_code == 403
        assert client_for(person).get(reverse("board:briefing_pdf")).status_code == 403


@pytest.mark.django_db
def test_sent_once_each_working_morning_from_the_set_time(leader: User, day: dt.date) -> None:
    tuesday = dt.date(2026, 12, 1)
    assert reminders_run(now=at(tuesday, 7, 0), sources=SOURCE) == 0  # before 07:30
    assert reminders_run(now=at(tuesday, 7, 45), sources=SOURCE) >= 1
    assert reminders_run(now=at(tuesday, 9, 0), sources=SOURCE) == 0  # once a day
    assert reminders_run(now=at(dt.date(2026, 12, 5), 8, 0), sources=SOURCE) == 0  # a Saturday
    assert reminders_run(now=at(dt.date(2026, 12, 2), 13, 0), sources=SOURCE) == 0  # not after noon
    sent = Notification.objects.get(recipient=leader)
    assert sent.kind == "briefing"
    assert sent.title.startswith("今日要情（12月1日）：日程")
    assert "【今日日程】" in sent.body
    assert "【督办事项（到期或逾期）】" in sent.body
    assert sent.url == reverse("board:briefing")
