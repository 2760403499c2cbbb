"""The demo county's supervised matters: one overdue with chases, one to sign, one objected and reassigned,
one with its completion reported — so the supervision staff, the liaison and the leaders each have work."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuniu.core.models import Unit, User
from shuniu.supervision import services
from shuniu.supervision.models import Assignment, Method, Source, Urgency


def supervision_demo_load() -> None:
    if Assignment.objects.exists():
        return
    people = {
        u.username: u
        for u in User.objects.filter(username__in=["zhaoqiang", "zhouping", "zhangjianguo", "liminghua", "zhaolixin"])
    }
    staff, liaison = people["zhaoqiang"], people["zhouping"]
    units = {
        u.name: u for u in Unit.objects.filter(name__in=["县财政局", "县住房和城乡建设局", "县交通运输局", "石门乡"])
    }
    now = timezone.now().replace(second=0, microsecond=0)

    overdue = services.matter_register(
        actor=staff,
        source=Source.INSTRUCTION,
        title="冬季集中供暖资金保障",
        content="张建国书记批示：务必确保全县集中供暖按时启动，困难群众取暖补贴足额发放。",
        instruction="请财政局牵头，住建局配合，十五日内报结果。",
        lead_unit=units["县财政局"],
        co_units=[units["县住房和城乡建设局"]],
        instructing_leader=people["zhangjianguo"],
        leader_in_charge=people["zhaolixin"],
        deadline=now - dt.timedelta(days=3),
        now=now - dt.timedelta(days=18),
    )
    lead = overdue.assignments.get(unit=units["县财政局"])
    co = overdue.assignments.get(unit=units["县住房和城乡建设局"])
    services.assignment_sign(assignment=lead, actor=liaison, at=now - dt.timedelta(days=17))
    services.assignment_sign(
        assignment=co, actor=staff, channel="phone", person="住建局 刘科长", at=now - dt.timedelta(days=17)
    )
    services.report_submit(
        assignment=lead,
        actor=liaison,
        text="已拨付供暖补贴第一批资金 420 万元。",
        percent=40,
        problems="第二批资金待县政府常务会研究",
    )
    services.chase_record(
        matter=overdue,
        actor=staff,
        method=Method.PHONE,
        reached="财政局 王科长",
        outcome="承诺本周五前报送第二批拨付方案",
    )

    services.matter_register(
        actor=staff,
        source=Source.MEETING,
        title="县委常委会议定事项：农村公路养护",
        content="县委常委会第 12 次会议议定：年底前完成 30 公里农村公路养护，5 个工作日内首次报告进展。",
        lead_unit=units["县交通运输局"],
        co_units=[units["县财政局"]],
        leader_in_charge=people["liminghua"],
        urgency=Urgency.NORMAL,
        deadline=now + dt.timedelta(days=5),
    )

    objected = services.matter_register(
        actor=staff,
        source=Source.CALL_LETTER,
        title="群众来信：小区供暖不热",
        content="示例小区居民来信反映室温不达标，请核实处理并答复。",
        lead_unit=units["石门乡"],
        deadline=now + dt.timedelta(days=20),
    )
    wrong = objected.assignments.get()
    township = User.objects.filter(unit=units["石门乡"], role_grants__role="liaison").first()
    if township is not None:
        services.assignment_object(
            assignment=wrong, actor=township, reason="该小区供暖由县住建局监管，不属于乡镇职责。"
        )
        services.assignment_reassign(
            assignment=wrong, unit=units["县住房和城乡建设局"], actor=staff, reason="同意，改由住建局办理"
        )

    done = services.matter_register(
        actor=staff,
        source=Source.ORAL,
        title="县城主干道冬季除雪预案",
        content="李明华县长口头交办：制定主干道除雪预案并组织演练。",
        lead_unit=units["县财政局"],
        instructing_leader=people["liminghua"],
        deadline=now + dt.timedelta(days=2),
        now=now - dt.timedelta(days=10),
    )
    assignment = done.assignments.get()
    services.assignment_sign(assignment=assignment, actor=liaison)
    services.report_submit(
        assignment=assignment, actor=liaison, text="预案已印发，演练已完成。", percent=100, completion=True
    )
