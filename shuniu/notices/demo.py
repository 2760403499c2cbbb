"""The demo county's notices: a meeting of all 15 townships, half called.

Six townships confirmed on the phone (one read the time back wrong and was put right), one confirmed by
its liaison on screen, one told but not confirmed (the place still wrong), two unanswered with their
retries due, one that cannot be reached, the rest still to call.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuniu.core.models import Unit, UnitKind, User
from shuniu.core.workcal import WorkingCalendar
from shuniu.notices import services
from shuniu.notices.models import Fact, Notice


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
        services.recipient_call(
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
    services.recipient_call(
        recipient=rows["青石镇"],
        actor=clerk,
        outcome="reached",
        number=rows["青石镇"].unit.phone,
        taken_by="刘秘书",
        readback=wrong_time,
        note="对方把上午听成下午，已当场更正并再次复述",
        now=now - dt.timedelta(minutes=80),
    )
    services.recipient_call(
        recipient=rows["龙泉镇"],
        actor=other,
        outcome="reached",
        taken_by="值班员小张",
        readback={**right, Fact.PLACE: services.Heard(False, "县政府三楼会议室", fixed=False)},
        note="地点复述有误，对方称需与领导核实后回电",
        now=now - dt.timedelta(minutes=70),
    )
    for name, back in (("高桥镇", 15), ("白沙乡", 5)):
        services.recipient_call(
            recipient=rows[name],
            actor=clerk,
            outcome="no_answer",
            number=rows[name].unit.phone,
            retry_at=now - dt.timedelta(minutes=back),
            now=now - dt.timedelta(minutes=60),
        )
    services.recipient_call(
        recipient=rows["红岩乡"],
        actor=other,
        outcome="failed",
        note="党政办电话停机，已请乡联络员核实新号码",
        now=now - dt.timedelta(minutes=50),
    )
    liaison = User.objects.filter(unit=rows["城关镇"].unit, role_grants__role="liaison").first()
    if liaison is not None:
        services.recipient_confirm(recipient=rows["城关镇"], actor=liaison, ticked=list(notice.facts))
