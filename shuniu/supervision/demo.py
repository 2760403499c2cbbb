"""The demo county's supervised matters, in every state: one overdue with a chase and a red notice, one to
sign, one objected and reassigned, one with an extension approved and one asked, one returned for more
work, one with its completion reported, one closed with the leader's comment, and one in its second
round — so the supervision staff, the liaisons, the director and the leaders each have work."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuniu.core.models import Unit, User
from shuniu.supervision import services
from shuniu.supervision.models import Assignment, Cycle, Level, Matter, Method, Source, Urgency


def supervision_demo_load() -> None:
    if Assignment.objects.exists():
        return
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["zhaoqiang", "zhouping", "zhangjianguo", "liminghua", "zhaolixin", "huangxiaodong"]
        )
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
    services.escalation_issue(
        matter=overdue,
        assignment=lead,
        actor=staff,
        level=Level.RED,
        text="该事项已逾期，请于 2 个工作日内办结并书面说明逾期原因。",
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

    def signed(
        title: str, content: str, *, days: int, ago: int, leader: str = "zhangjianguo", cycle: str = Cycle.NONE
    ) -> tuple[Matter, Assignment]:
        matter = services.matter_register(
            actor=staff,
            source=Source.INSTRUCTION,
            title=title,
            content=content,
            lead_unit=units["县财政局"],
            instructing_leader=people[leader],
            deadline=now + dt.timedelta(days=days),
            now=now - dt.timedelta(days=ago),
            cycle=cycle,
        )
        lead = matter.assignments.get()
        services.assignment_sign(assignment=lead, actor=liaison, at=now - dt.timedelta(days=ago - 1))
        return matter, lead

    _, lead = signed("乡村振兴衔接资金绩效评价", "对 2026 年衔接资金开展绩效评价并报送报告。", days=3, ago=12)
    ext = services.extension_request(
        assignment=lead,
        actor=liaison,
        reason="第三方评价机构现场核查尚未结束",
        expected=now + dt.timedelta(days=13),
        progress="已完成 12 个项目中的 9 个",
    )
    services.extension_decide(
        extension=ext, actor=staff, approve=True, new_deadline=now + dt.timedelta(days=10), answer="同意延期 7 天"
    )

    _, lead = signed("政府债务风险排查", "排查全县隐性债务风险点，形成台账。", days=2, ago=13, leader="zhaolixin")
    services.report_submit(assignment=lead, actor=liaison, text="已排查 6 个部门。", percent=50)
    services.extension_request(
        assignment=lead,
        actor=liaison,
        reason="涉及平台公司账目，需审计部门配合",
        expected=now + dt.timedelta(days=12),
        progress="已排查 6 个部门，平台公司待查",
    )

    returned, lead = signed("困难群众取暖补贴发放", "核实名单，确保补贴 11 月底前发放到位。", days=6, ago=9)
    services.report_submit(assignment=lead, actor=liaison, text="补贴已发放。", percent=100, completion=True)
    services.matter_review(
        matter=returned, actor=staff, action="send_back", reason="未附发放花名册和银行回单，请补充后重报"
    )

    closed, lead = signed(
        "县城老旧小区改造资金拨付",
        "按进度拨付老旧小区改造资金。",
        days=5,
        ago=20,
        leader="liminghua",
        cycle=Cycle.WEEKLY,
    )
    services.report_submit(assignment=lead, actor=liaison, text="首批资金 800 万元已拨付。", percent=60)
    services.report_submit(assignment=lead, actor=liaison, text="全部资金已拨付到位。", percent=100, completion=True)
    services.matter_review(matter=closed, actor=staff, action="close", reason="材料齐全")
    services.comment_add(
        matter=closed, actor=people["liminghua"], text="办得好。请督查室明年春季回访施工质量。", more=False
    )

    again, lead = signed("农村饮水安全巩固提升", "排查农村饮水工程隐患并整改。", days=4, ago=25, leader="zhaolixin")
    services.report_submit(assignment=lead, actor=liaison, text="隐患已全部整改。", percent=100, completion=True)
    services.matter_review(matter=again, actor=staff, action="close")
    services.comment_add(
        matter=again,
        actor=people["zhaolixin"],
        text="整改后要组织水质复检，复检结果报我。",
        more=True,
        deadline=now + dt.timedelta(days=8),
    )

    feedback, lead = signed("粮食安全党政同责考核迎检", "准备迎检材料并组织自查。", days=6, ago=15)
    services.report_submit(
        assignment=lead, actor=liaison, text="自查报告已报送，迎检材料已备齐。", percent=100, completion=True
    )
    services.matter_review(matter=feedback, actor=staff, action="close")
