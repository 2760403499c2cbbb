"""The demo county's notices: a meeting of all 15 townships, half called.

Six townships confirmed on the phone (one read the time back wrong and was put right), one confirmed by
its liaison on screen, one told but not confirmed (the place still wrong), two unanswered with their
retries due, one that cannot be reached, the rest still to call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shuniu.core.models import Unit, UnitKind, User
from shuniu.core.workcal import WorkingCalendar
from shuniu.notices import services
from shuniu.notices.models import Call, Fact, Notice, Recipient


def _dial(*, recipient: Recipient, actor: User, now: dt.datetime, **call: Any) -> Recipient:
    """Take the unit, then record the call, as a clerk does on the sheet."""
    services.recipient_hold(recipient=recipient, actor=actor, now=now)
    return services.recipient_call(recipient=recipient, actor=actor, now=now, **call)


def notices_demo_load() -> None:
    if Notice.objects.exists():
        return
    clerk = User.objects.get(username="wangfang")
    other = User.objects.get(username="lina")
    townships = list(Unit.objects.filter(kind=UnitKind.TOWNSHIP).order_by("sort_order"))
    now = timezone.now().replace(second=0, microsecond=0)
    calendar = WorkingCalendar.load()
    day = calendar.add_workdays(timezone.localdate(), 1)
    starts = dt.datetime.combine(day, dt.time(9), calendar.tz)
    notice = services.notice_create(
        actor=clerk,
        subject="召开全县冬季森林防火工作会议",
        starts_at=starts,
        place="县委大楼三楼第一会议室",
        convener="县委办公室",
        agenda="传达上级森林防火工作部署；各乡镇汇报隐患排查情况；县领导讲话。",
        attendees="各乡镇分管副乡镇长、林业站站长",
        bring="本乡镇森林防火工作汇报材料一式 5 份",
        reply_by=max(starts - dt.timedelta(hours=16), now + dt.timedelta(hours=1)).replace(minute=0),
        notes="请提前 10 分钟入场，会议期间手机调至静音",
        facts=[Fact.TIME, Fact.PLACE, Fact.ATTENDEES, Fact.REPLY_BY],
        units=townships,
        now=now - dt.timedelta(hours=2),
    )
    rows = {r.unit.name: r for r in notice.recipients.select_related("unit")}
    right = {f: services.Heard(True) for f in notice.facts}
    minutes = 110
    for name, caller in (("城关镇", None), ("东山镇", clerk), ("西河镇", other), ("南坪镇", clerk), ("北岭镇", other)):
        if caller is None:
            continue
        minutes -= 6
        _dial(
            recipient=rows[name],
            actor=caller,
            outcome="reached",
            number=rows[name].unit.phone,
            taken_by="党政办值班员",
            readback=right,
            now=now - dt.timedelta(minutes=minutes),
        )
    wrong_time = {
        **right,
        Fact.TIME: services.Heard(False, "下午 9 点", fixed=True),
    }
    _dial(
        recipient=rows["青石镇"],
        actor=clerk,
        outcome="reached",
        number=rows["青石镇"].unit.phone,
        taken_by="刘秘书",
        readback=wrong_time,
        note="对方把上午听成下午，已当场更正并再次复述",
        now=now - dt.timedelta(minutes=80),
    )
    _dial(
        recipient=rows["龙泉镇"],
        actor=other,
        outcome="reached",
        taken_by="值班员小张",
        readback={**right, Fact.PLACE: services.Heard(False, "县政府三楼会议室", fixed=False)},
        note="地点复述有误，对方称需与领导核实后回电",
        now=now - dt.timedelta(minutes=70),
    )
    for name, back in (("高桥镇", 15), ("白沙乡", 5)):
        _dial(
            recipient=rows[name],
            actor=clerk,
            outcome="no_answer",
            number=rows[name].unit.phone,
            retry_at=now - dt.timedelta(minutes=back),
            now=now - dt.timedelta(minutes=60),
        )
    _dial(
        recipient=rows["红岩乡"],
        actor=other,
        outcome="failed",
        note="党政办电话停机，已请乡联络员核实新号码",
        now=now - dt.timedelta(minutes=50),
    )
    liaison = User.objects.filter(unit=rows["城关镇"].unit, role_grants__role="liaison").first()
    if liaison is not None:
        services.recipient_confirm(recipient=rows["城关镇"], actor=liaison, ticked=list(notice.facts))


def calls_demo_load() -> None:
    """A week of incoming calls: units found by their numbers, one owing a callback, one made a supervised
    matter, one an unknown caller recorded just as fully."""
    from shuniu.core.models import Contact
    from shuniu.supervision.services import matter_register

    if Call.objects.exists():
        return
    clerk = User.objects.get(username="wangfang")
    supervisor = User.objects.get(username="zhaoqiang")
    leader = User.objects.filter(username="zhengwei").first()
    now = timezone.now().replace(second=0, microsecond=0)
    units = {u.name: u for u in Unit.objects.all()}
    contact = Contact.objects.filter(unit__name="县应急管理局").exclude(mobile="").first()
    rows = [
        (
            6,
            units["县财政局"].phone,
            "周科长",
            "work",
            "询问年底前县委常委会议题申报截止时间。",
            "已告知 12 月 10 日前报送。",
        ),
        (
            5,
            "+86 " + units["东山镇"].phone.replace("-", " ")[1:],
            "党政办",
            "meeting",
            "请示森林防火会议可否由分管副镇长代为参加。",
            "请示主任后回复可以。",
        ),
        (
            4,
            contact.mobile if contact else "13999990000",
            contact.name if contact else "",
            "urgent",
            "报告龙泉镇一处山林起火，已组织扑救，无人员伤亡。",
            "",
        ),
        (3, "0999-6" + "000000", "", "enquiry", "市民来电咨询县委办公室地址和办事时间。", "已告知。"),
        (2, units["城关镇"].phone + "转8001", "吴霞", "report", "反映城关镇老街改造施工扰民，群众意见较大。", ""),
        (1, "13512345678", "李先生", "report", "个人来电反映小区供暖不热，要求协调。", ""),
    ]
    made = []
    for days, number, caller, topic, content, result in rows:
        at = now - dt.timedelta(days=days, hours=2)
        call = services.call_record(
            actor=clerk,
            at=at,
            number=number,
            caller=caller,
            topic=topic,
            content=content,
            proposal="按职责转相关单位办理。" if not result else "",
            callback_due=at + dt.timedelta(hours=2) if topic == "report" else None,
            now=at + dt.timedelta(minutes=5),
        )
        if result:
            services.call_update(
                call=call, actor=clerk, proposal="", instruction="", instructed_by=None, result=result, close=True
            )
        made.append(call)
    fire = made[2]
    services.call_update(
        call=fire,
        actor=clerk,
        proposal="报郑伟主任，建议督促应急部门做好火情后续处置和隐患排查。",
        instruction="请督查室督促县应急管理局三日内报送火情处置和隐患排查情况。" if leader else "",
        instructed_by=leader,
        result="",
    )
    fire.refresh_from_db()
    matter_register(
        actor=supervisor,
        source="call_letter",
        title="龙泉镇山林火情后续处置和隐患排查",
        content=fire.content,
        instruction=fire.instruction,
        instructing_leader=leader,
        lead_unit=units["县应急管理局"],
        co_units=[units["龙泉镇"]],
        deadline=now + dt.timedelta(days=3),
        call=fire,
    )
