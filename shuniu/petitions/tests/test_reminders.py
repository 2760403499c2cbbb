"""Petitions' clocks remind once as they near, every working morning once past, and escalate to the
director once; a paused clock says nothing; titles carry no petitioner's particulars."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shuniu.core.models import LeaderProfile, Notification, Role, SentReminder, Unit, UnitKind, User, Village
from shuniu.core.reminders import reminders_run
from shuniu.core.testing import make_unit, make_user
from shuniu.petitions import services
from shuniu.petitions.selectors import Person

SOURCE = ["shuniu.petitions.reminders.petitions_due"]


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def officer(db: None) -> User:
    return make_user("officer", [Role.PETITION_OFFICER], unit=make_unit("信访接待室", UnitKind.SECTION))


@pytest.fixture
def township(db: None) -> Unit:
    return make_unit("石门乡", UnitKind.TOWNSHIP)


def keys(user: User) -> list[str]:
    return sorted(k.split(":")[3] for k in SentReminder.objects.filter(recipient=user).values_list("key", flat=True))


@pytest.mark.django_db
def test_the_notify_clock_near_past_and_escalated(officer: User, director: User, township: Unit) -> None:
    village = Village.objects.create(township=township, name="东风村")
    monday = dt.date(2026, 11, 2)
    services.petition_register(
        actor=officer,
        channel="visit",
        received_at=at(monday),
        category="request",
        topic="land",
        summary="补偿款未发放。",
        appeal="请求发放。",
        people=[Person("张建国", "11010519491231002X", "13812345678", township, village, "三组")],
        now=at(monday, 10),
    )
    # Fifteen days: due Tuesday 11月17日.
    assert reminders_run(now=at(monday + dt.timedelta(days=5)), sources=SOURCE) == 0
    assert reminders_run(now=at(monday + dt.timedelta(days=13)), sources=SOURCE) == 1  # 2 days left
    assert reminders_run(now=at(monday + dt.timedelta(days=14)), sources=SOURCE) == 0  # once
    assert reminders_run(now=at(monday + dt.timedelta(days=16)), sources=SOURCE) == 2  # overdue + director
    assert reminders_run(now=at(monday + dt.timedelta(days=16), 15), sources=SOURCE) == 0
    assert reminders_run(now=at(monday + dt.timedelta(days=19)), sources=SOURCE) == 0  # a Saturday
    assert reminders_run(now=at(monday + dt.timedelta(days=21)), sources=SOURCE) == 1  # Monday: staff again
    assert keys(officer) == ["near", "overdue", "overdue"]
    assert keys(director) == ["escalated"]
    assert not Notification.objects.filter(title__contains="张建国").exists()


@pytest.mark.django_db
def test_a_paused_clock_says_nothing_and_a_unit_hears_of_its_own(officer: User, township: Unit) -> None:
    services.petition_register(
        actor=officer,
        channel="letter",
        received_at=at(dt.date(2026, 11, 2)),
        category="accusation",
        topic="conduct",
        summary="匿名来信。",
        appeal="请求调查。",
        people=[Person(phone="13600009999")],
        now=at(dt.date(2026, 11, 2), 10),
    )
    assert reminders_run(now=at(dt.date(2026, 11, 30)), sources=SOURCE) == 0
    xz = make_user("xz", [Role.LIAISON], unit=township)
    petition = services.petition_register(
        actor=officer,
        channel="visit",
        received_at=timezone.now() - dt.timedelta(hours=1),
        category="request",
        topic="civil",
        summary="津贴未发。",
        appeal="补发。",
        people=[Person("周玉兰", phone="13500001234", township=township, address="五组")],
    )
    services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
    services.petition_assign(petition=petition, actor=officer, unit=township, days=3)
    clock = services.handling_clock(petition)
    assert clock is not None
    reminders_run(now=clock.due_at - dt.timedelta(days=1), sources=SOURCE)
    assert "near" in keys(xz)


@pytest.mark.django_db
def test_the_daily_digest_reaches_the_leader_in_charge_and_the_director_once(
    officer: User, director: User, township: Unit
) -> None:
    village = Village.objects.create(township=township, name="东风村")
    wang = make_user("wang", [Role.LEADER], full_name="王志强")
    LeaderProfile.objects.create(user=wang, rank=3, post="县委副书记", responsibilities="乡村振兴、信访维稳")
    other = make_user("li", [Role.LEADER], full_name="李副县长")
    LeaderProfile.objects.create(user=other, rank=4, post="副县长", responsibilities="工业")
    friday = dt.date(2026, 11, 6)
    for hour, people in ((10, 1), (15, 6)):
        services.petition_register(
            actor=officer,
            channel="visit",
            received_at=at(friday, hour),
            category="request",
            topic="land",
            summary="补偿款未发放。",
            appeal="请求发放。",
            people=[Person("张建国", "11010519491231002X", "13812345678", township, village, "三组")],
            people_count=people,
            new_matter_confirmed=True,
            now=at(friday, hour),
        )
    digest = ["shuniu.petitions.reminders.petitions_digest"]
    assert reminders_run(now=at(dt.date(2026, 11, 7), 9), sources=digest) == 0  # Saturday: no morning
    monday = dt.date(2026, 11, 9)
    assert reminders_run(now=at(monday, 7), sources=digest) == 0  # before the office opens
    assert reminders_run(now=at(monday, 9), sources=digest) == 2  # 王志强 and the director, not 李
    assert reminders_run(now=at(monday, 11), sources=digest) == 0
    note = Notification.objects.get(recipient=wang)
    assert "11月6日以来新登记 2 件" in note.title
    assert "集体访 1 件" in note.body
    assert "张建国" not in note.title + note.body
    assert "138" not in note.body
    assert not Notification.objects.filter(recipient=other).exists()
