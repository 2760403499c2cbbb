"""Supervision's services: registration, receipt, objection and reassignment, reports, chases, access."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.core.models import (
    CalendarOverride,
    CalendarYear,
    Clearance,
    OverrideKind,
    Role,
    Unit,
    UnitKind,
    User,
)
from shuniu.core.testing import at_once, client_for, make_leader, make_unit, make_user
from shuniu.core.workcal import WorkingCalendar
from shuniu.supervision import selectors, services
from shuniu.supervision.flow import MATTER_FLOW
from shuniu.supervision.models import Assignment, Channel, Matter, Method, Part, Receipt, Source, Status, Urgency
from shuniu.supervision.selectors import matter_light, matters_for


@pytest.fixture
def supervisor(db: None) -> User:
    return make_user("supervisor", [Role.SUPERVISOR], full_name="赵督查", unit=make_unit("督查室", UnitKind.SECTION))


@pytest.fixture
def finance(db: None) -> Unit:
    return make_unit("县财政局")


@pytest.fixture
def township(db: None) -> Unit:
    return make_unit("石门乡", UnitKind.TOWNSHIP)


LATER = object()  # "a deadline fifteen days from now"


def register(
    actor: User,
    lead: Unit,
    *,
    co: tuple[Unit, ...] = (),
    leader: User | None = None,
    title: str = "冬季供暖保障",
    deadline: dt.datetime | object | None = LATER,
    now: dt.datetime | None = None,
    leader_in_charge: User | None = None,
) -> Matter:
    at = now or timezone.now()
    return services.matter_register(
        actor=actor,
        source=Source.INSTRUCTION,
        title=title,
        content="确保全县集中供暖按时启动，困难群众取暖有保障。",
        lead_unit=lead,
        co_units=co,
        instructing_leader=leader,
        leader_in_charge=leader_in_charge,
        deadline=at + dt.timedelta(days=15) if deadline is LATER else cast("dt.datetime | None", deadline),
        now=now,
    )


@pytest.mark.django_db
class TestRegistration:
    def test_numbered_and_assigned_to_lead_and_co_units(
        self, supervisor: User, leader: User, finance: Unit, township: Unit
    ) -> None:
        first = register(supervisor, finance, co=(township,), leader=leader)
        second = register(supervisor, township, leader=leader, title="秸秆禁烧")
        assert first.number == f"督〔{timezone.localdate().year}〕1号"
        assert second.number.endswith("〕2号")
        parts = {a.unit.name: a.part for a in Assignment.objects.filter(matter=first)}
        assert parts == {"县财政局": Part.LEAD, "石门乡": Part.CO}
        assert AuditEntry.objects.filter(action="matter.register").count() == 2

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"title": "   "}, "事项名称"),
            ({"deadline": timezone.now() - dt.timedelta(days=1)}, "不能早于现在"),
            ({"leader": None}, "交办领导"),
        ],
    )
    def test_bad_input_changes_nothing(
        self, supervisor: User, leader: User, finance: Unit, change: dict[str, object], message: str
    ) -> None:
        arguments: dict[str, object] = {"leader": leader, **change}
        with pytest.raises(ValidationError, match=message):
            register(supervisor, finance, **arguments)  # type: ignore[arg-type]
        assert not Assignment.objects.exists()

    def test_a_second_click_registers_nothing_more(self, supervisor: User, leader: User, finance: Unit) -> None:
        first = register(supervisor, finance, leader=leader)
        with pytest.raises(ValidationError, match=f"刚刚已登记同一事项（{first.number}）"):
            register(supervisor, finance, leader=leader)
        assert Matter.objects.count() == 1
        register(supervisor, finance, leader=leader, title="另一事项")  # a different matter is fine

    def test_without_deadline_or_cycle_the_default_deadline_applies(
        self, supervisor: User, leader: User, finance: Unit
    ) -> None:
        now = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))  # a Monday
        matter = register(supervisor, finance, leader=leader, deadline=None, now=now)
        assert matter.deadline is not None
        assert timezone.localtime(matter.deadline).date() == dt.date(2026, 11, 17)  # a leader's instruction: 15 days

    def test_the_lead_unit_cannot_also_be_a_co_unit(self, supervisor: User, leader: User, finance: Unit) -> None:
        with pytest.raises(ValidationError, match="已是主办单位"):
            register(supervisor, finance, co=(finance,), leader=leader)

    def test_default_deadlines_follow_county_practice_across_a_holiday(self, db: None) -> None:
        # 2026: National Day holiday 10月1日–7日; a make-up working day on Sunday 10月11日 (as declared).
        CalendarYear.objects.get_or_create(year=2026, defaults={"note": "测试"})
        for day in range(1, 8):
            CalendarOverride.objects.update_or_create(
                date=dt.date(2026, 10, day), defaults={"kind": OverrideKind.OFF, "note": "国庆"}
            )
        CalendarOverride.objects.update_or_create(
            date=dt.date(2026, 10, 11), defaults={"kind": OverrideKind.WORK, "note": "调休"}
        )
        calendar = WorkingCalendar.load()
        start = timezone.make_aware(dt.datetime(2026, 9, 28, 10, 0))
        meeting = selectors.default_deadline(Source.MEETING, Urgency.NORMAL, start, calendar)
        # five working days from Monday 9月28日: 29, 30, then 10月8日, 9日 and the make-up Sunday 11日
        assert timezone.localtime(meeting).date() == dt.date(2026, 10, 11)
        urgent = selectors.default_deadline(Source.INSTRUCTION, Urgency.URGENT, start, calendar)
        # five calendar days end on 10月3日, a holiday: the period runs to the next working day
        assert timezone.localtime(urgent).date() == dt.date(2026, 10, 8)
        normal = selectors.default_deadline(Source.INSTRUCTION, Urgency.NORMAL, start, calendar)
        assert timezone.localtime(normal).date() == dt.date(2026, 10, 13)


@pytest.mark.django_db
class TestReceipt:
    def test_the_matter_is_under_way_once_the_lead_unit_has_signed(
        self, supervisor: User, leader: User, finance: Unit, township: Unit
    ) -> None:
        matter = register(supervisor, finance, co=(township,), leader=leader)
        liaison = make_user("cz", [Role.LIAISON], unit=finance)
        co = Assignment.objects.get(matter=matter, unit=township)
        services.assignment_sign(assignment=co, actor=supervisor, channel=Channel.PHONE, person="石门乡 李干事")
        matter.refresh_from_db()
        assert matter.status == Status.ASSIGNED  # a co-unit alone does not start the work
        lead = Assignment.objects.get(matter=matter, unit=finance)
        services.assignment_sign(assignment=lead, actor=liaison)
        matter.refresh_from_db()
        assert matter.status == Status.ACTING
        co.refresh_from_db()
        assert (co.channel, co.signed_by_name) == (Channel.PHONE, "石门乡 李干事")

    def test_a_second_sign_for_and_another_units_liaison_are_refused(
        self, supervisor: User, leader: User, finance: Unit, township: Unit
    ) -> None:
        matter = register(supervisor, finance, leader=leader)
        lead = Assignment.objects.get(matter=matter)
        stranger = make_user("xz", [Role.LIAISON], unit=township)
        with pytest.raises(ValidationError, match="只有本单位联络员"):
            services.assignment_sign(assignment=lead, actor=stranger)
        liaison = make_user("cz", [Role.LIAISON], unit=finance)
        services.assignment_sign(assignment=lead, actor=liaison)
        with pytest.raises(ValidationError, match="不能重复签收"):
            services.assignment_sign(assignment=lead, actor=liaison)
        assert AuditEntry.objects.filter(action="assignment.sign").count() == 1

    def test_a_liaison_cannot_record_a_paper_hand_over(self, supervisor: User, leader: User, finance: Unit) -> None:
        matter = register(supervisor, finance, leader=leader)
        liaison = make_user("cz", [Role.LIAISON], unit=finance)
        with pytest.raises(ValidationError, match="由督查人员代录"):
            services.assignment_sign(
                assignment=Assignment.objects.get(matter=matter), actor=liaison, channel=Channel.PAPER, person="x"
            )


@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_sign_for_at_once_sign_once(supervisor: User, leader: User, finance: Unit) -> None:
    matter = register(supervisor, finance, leader=leader)
    liaison = make_user("cz", [Role.LIAISON], unit=finance)
    lead = Assignment.objects.get(matter=matter)
    outcomes = at_once(*[lambda: services.assignment_sign(assignment=lead, actor=liaison)] * 2)
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert AuditEntry.objects.filter(action="assignment.sign").count() == 1


@pytest.mark.django_db
def test_an_objection_is_reassigned_and_both_steps_stay_on_record(
    supervisor: User, leader: User, finance: Unit, township: Unit
) -> None:
    matter = register(supervisor, township, leader=leader)
    xz = make_user("xz", [Role.LIAISON], unit=township)
    first = Assignment.objects.get(matter=matter)
    with pytest.raises(ValidationError, match="理由"):
        services.assignment_object(assignment=first, actor=xz, reason="  ")
    services.assignment_object(assignment=first, actor=xz, reason="供暖由县住建局主管，不属于乡镇职责。")
    with pytest.raises(ValidationError, match="只有督查人员"):
        services.assignment_reassign(assignment=first, unit=finance, actor=xz)
    successor = services.assignment_reassign(assignment=first, unit=finance, actor=supervisor, reason="同意异议")
    first.refresh_from_db()
    assert (first.receipt, first.replaced_by_id, first.objection) == (
        Receipt.WITHDRAWN,
        successor.pk,
        "供暖由县住建局主管，不属于乡镇职责。",
    )
    assert (successor.unit, successor.part, successor.receipt) == (finance, Part.LEAD, Receipt.TO_SIGN)
    assert list(matters_for(xz)) == []  # the township no longer sees a matter taken from it
    cz = make_user("cz", [Role.LIAISON], unit=finance)
    assert list(matters_for(cz)) == [matter]
    co = register(supervisor, township, co=(finance,), leader=leader)  # the list: the lead first, none withdrawn
    assert selectors.handling_units([matter, co]) == {
        matter.pk: [selectors.HandlingUnit(finance.name, "主办", Receipt.TO_SIGN)],
        co.pk: [
            selectors.HandlingUnit(township.name, "主办", Receipt.TO_SIGN),
            selectors.HandlingUnit(finance.name, "协办", Receipt.TO_SIGN),
        ],
    }
    text = client_for(supervisor).get(reverse("supervision:list")).text
    assert f"{finance.name}（主办，待签收）" in text
    assert f"{township.name}（主办，待签收）、{finance.name}（协办，待签收）" in text
    assert text.count(f"{township.name}（") == 1  # the withdrawn assignment is not listed


@pytest.mark.django_db
class TestReportsAndChases:
    def test_progress_then_completion_by_the_lead_unit(
        self, supervisor: User, leader: User, finance: Unit, township: Unit
    ) -> None:
        matter = register(supervisor, finance, co=(township,), leader=leader)
        cz, xz = make_user("cz", [Role.LIAISON], unit=finance), make_user("xz", [Role.LIAISON], unit=township)
        lead, co = (
            Assignment.objects.get(matter=matter, unit=finance),
            Assignment.objects.get(matter=matter, unit=township),
        )
        with pytest.raises(ValidationError, match="请先签收"):
            services.report_submit(assignment=lead, actor=cz, text="已部署", percent=20)
        services.assignment_sign(assignment=lead, actor=cz)
        services.assignment_sign(assignment=co, actor=xz)
        services.report_submit(
            assignment=lead, actor=cz, text="已完成管网检修", percent=60, problems="资金缺口 80 万元"
        )
        with pytest.raises(ValidationError, match="由主办单位提交"):
            services.report_submit(assignment=co, actor=xz, text="配合完成", percent=100, completion=True)
        with pytest.raises(ValidationError, match="0 到 100"):
            services.report_submit(assignment=lead, actor=cz, text="x", percent=120)
        services.report_submit(assignment=lead, actor=cz, text="供暖已按时启动", percent=90, completion=True)
        matter.refresh_from_db()
        assert matter.status == Status.REPORTED
        assert next(r.percent for r in matter.reports.all()) == 100
        with pytest.raises(ValidationError, match="不能报告进展"):
            services.report_submit(assignment=lead, actor=cz, text="再报", percent=100)

    def test_a_chase_is_recorded_with_method_person_and_outcome(
        self, supervisor: User, leader: User, finance: Unit
    ) -> None:
        matter = register(supervisor, finance, leader=leader)
        with pytest.raises(ValidationError, match="联系对象和催办结果"):
            services.chase_record(matter=matter, actor=supervisor, method=Method.PHONE, reached="", outcome="")
        chase = services.chase_record(
            matter=matter, actor=supervisor, method=Method.PHONE, reached="财政局 王科长", outcome="承诺周五前报送"
        )
        assert chase.get_method_display() == "电话催办"
        liaison = make_user("cz", [Role.LIAISON], unit=finance)
        with pytest.raises(ValidationError, match="只有督查人员"):
            services.chase_record(matter=matter, actor=liaison, method=Method.PHONE, reached="x", outcome="y")


@pytest.mark.django_db
def test_who_sees_which_matter(supervisor: User, leader: User, leader2: User, finance: Unit, township: Unit) -> None:
    mine = register(supervisor, finance, leader=leader)
    theirs = register(supervisor, township, leader=leader2, title="乡村道路")
    director = make_user("director", [Role.DIRECTOR])
    assert set(matters_for(supervisor)) == set(matters_for(director)) == {mine, theirs}
    assert list(matters_for(leader)) == [mine]
    assert list(matters_for(make_user("cz", [Role.LIAISON], unit=finance))) == [mine]
    assert list(matters_for(make_user("clerk2", [Role.CLERK]))) == []
    in_charge = make_leader("leader3", 3)
    charged = register(supervisor, township, leader=leader, title="分管事项", leader_in_charge=in_charge)
    assert list(matters_for(in_charge)) == [charged]
    # A matter from a classified document follows the document's secrecy: above a person's clearance it
    # is not theirs to see, whatever their part in it.
    Matter.objects.filter(pk=mine.pk).update(secrecy=Clearance.CONFIDENTIAL)
    assert mine not in matters_for(make_user("plain_staff", [Role.SUPERVISOR], clearance=Clearance.SECRET))
    assert mine in matters_for(make_user("cleared_staff", [Role.SUPERVISOR], clearance=Clearance.CONFIDENTIAL))
    assert list(matters_for(make_user("cz2", [Role.LIAISON], unit=finance))) == []  # a liaison: no clearance


@pytest.mark.django_db
def test_lights_count_working_days(supervisor: User, leader: User, finance: Unit) -> None:
    calendar = WorkingCalendar.load()
    now = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))  # a Monday
    matter = register(supervisor, finance, leader=leader, deadline=now + dt.timedelta(days=14), now=now)
    assert matter_light(matter, now, calendar) == "green"
    assert matter_light(matter, now + dt.timedelta(days=12), calendar) == "yellow"
    assert matter_light(matter, now + dt.timedelta(days=15), calendar) == "red"


def open_items(user: User) -> list[str]:
    from shuniu.core.models import InboxItem

    return list(InboxItem.objects.filter(recipient=user, done_at__isnull=True).values_list("category", flat=True))


@pytest.mark.django_db
def test_the_inbox_tells_each_person_what_is_theirs(
    supervisor: User, leader: User, finance: Unit, township: Unit
) -> None:
    cz, xz = make_user("cz", [Role.LIAISON], unit=finance), make_user("xz", [Role.LIAISON], unit=township)
    matter = register(supervisor, township, leader=leader)
    assert open_items(xz) == ["待签收督办"]
    assert open_items(cz) == []
    first = Assignment.objects.get(matter=matter)
    services.assignment_object(assignment=first, actor=xz, reason="不属于乡镇职责")
    assert open_items(xz) == []
    assert open_items(supervisor) == ["督办异议待改派"]
    successor = services.assignment_reassign(assignment=first, unit=finance, actor=supervisor)
    assert open_items(supervisor) == []
    assert open_items(cz) == ["待签收督办"]
    services.assignment_sign(assignment=successor, actor=cz)
    assert open_items(cz) == []
    services.report_submit(assignment=successor, actor=cz, text="已办结", percent=100, completion=True)
    assert open_items(supervisor) == ["办结报告待复核"]


@pytest.mark.django_db
def test_review_closes_or_sends_back_with_a_reason(supervisor: User, leader: User, finance: Unit) -> None:
    matter = register(supervisor, finance, leader=leader)
    cz = make_user("cz", [Role.LIAISON], unit=finance)
    lead = Assignment.objects.get(matter=matter)
    services.assignment_sign(assignment=lead, actor=cz)
    services.report_submit(assignment=lead, actor=cz, text="已办结", percent=100, completion=True)
    with pytest.raises(ValidationError, match="理由"):
        services.matter_review(matter=matter, actor=supervisor, action="send_back")
    services.matter_review(matter=matter, actor=supervisor, action="send_back", reason="资金拨付凭证未附")
    matter.refresh_from_db()
    assert matter.status == Status.ACTING
    with pytest.raises(ValidationError, match="不能办结"):
        services.matter_review(matter=matter, actor=supervisor, action="close")  # no completion report now
    services.report_submit(assignment=lead, actor=cz, text="凭证已补", percent=100, completion=True)
    with pytest.raises(ValidationError):
        services.matter_review(matter=matter, actor=cz, action="close")
    services.matter_review(matter=matter, actor=supervisor, action="close")
    matter.refresh_from_db()
    assert matter.status == Status.CLOSED
    assert matter.closed_at is not None
    assert [h.action for h in MATTER_FLOW.history(matter)] == [
        "start",
        "report_done",
        "send_back",
        "report_done",
        "close",
    ]
