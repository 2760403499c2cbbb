"""The demo county's petitions: a repeat petitioner with three visits (the matter accepted, assigned to
the township and answered, waiting for the petitioner's rating), a joint visit with its five
representatives (assigned), an anonymous letter whose clock waits, an online suggestion forwarded, and
a closed matter the petitioner rated."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuniu.core.idcard import check_digit
from shuniu.core.models import Unit, User, Village
from shuniu.petitions import services
from shuniu.petitions.models import Petition
from shuniu.petitions.selectors import Person


def _id(first17: str) -> str:
    return first17 + check_digit(first17)


def petitions_demo_load() -> None:
    if Petition.objects.exists():
        return
    officer = User.objects.get(username="sunmei")
    villages = {f"{v.township.name}{v.name}": v for v in Village.objects.select_related("township")}
    now = timezone.now().replace(second=0, microsecond=0)

    def person(name: str, place: str, id17: str = "", phone: str = "", address: str = "", rep: bool = False) -> Person:
        village = villages[place]
        return Person(name, _id(id17) if id17 else "", phone, village.township, village, address, rep)

    zhang = person("张建国", "石门乡东风村", "99990119620315001", "13912340001", "东风村三组 12 号")
    first = services.petition_register(
        actor=officer,
        channel="visit",
        received_at=now - dt.timedelta(days=40),
        category="request",
        topic="land",
        summary="2024 年修建县道占用承包地 1.2 亩，征地补偿款至今未发放。",
        appeal="请求足额发放征地补偿款。",
        people=[zhang],
    )
    for days, summary in (
        (21, "补偿款仍未发放，乡政府答复在等县里拨款。"),
        (2, "第三次来访，补偿款仍未到位，情绪激动。"),
    ):
        services.petition_register(
            actor=officer,
            channel="visit",
            received_at=now - dt.timedelta(days=days),
            category="request",
            topic="land",
            summary=summary,
            appeal="请求足额发放征地补偿款。",
            people=[zhang],
            repeat_of=first,
        )
    workers = [
        person(name, "城关镇街道社区", f"9999011975{month:02d}{day:02d}00{n}", f"1370000{n:04d}", rep=True)
        for n, (name, month, day) in enumerate(
            [("刘海波", 3, 8), ("陈丽娟", 7, 21), ("杨志刚", 11, 2), ("黄春梅", 5, 16), ("吴永强", 9, 30)], start=1
        )
    ]
    joint = services.petition_register(
        actor=officer,
        channel="visit",
        received_at=now - dt.timedelta(days=1, hours=2),
        category="request",
        topic="labour",
        summary="某建筑公司拖欠 36 名农民工 2025 年下半年工资共 86 万元。",
        appeal="请求督促企业支付拖欠工资。",
        people=workers,
        people_count=36,
    )
    services.petition_register(
        actor=officer,
        channel="letter",
        received_at=now - dt.timedelta(days=3),
        category="accusation",
        topic="conduct",
        summary="匿名来信反映某村干部在低保评定中优亲厚友。",
        appeal="请求调查处理。",
        people=[Person(name="", phone="13600009999")],
        new_matter_confirmed=True,
    )
    online = services.petition_register(
        actor=officer,
        channel="online",
        received_at=now - dt.timedelta(hours=5),
        category="advice",
        topic="urban",
        summary="建议在县城南门路口增设红绿灯和人行横道。",
        appeal="建议交通部门研究采纳。",
        people=[person("赵晓东", "城关镇东风村", phone="13800138000")],
    )

    units = {u.name: u for u in Unit.objects.filter(name__in=["石门乡", "县人力资源和社会保障局", "县交通运输局"])}
    township_liaison = User.objects.filter(unit=units["石门乡"], role_grants__role="liaison").first()
    services.petition_decide(petition=first, actor=officer, decision="accept", note="")
    services.petition_assign(petition=first, actor=officer, unit=units["石门乡"], days=60)
    if township_liaison is not None:
        services.petition_reply(
            petition=first,
            actor=township_liaison,
            text="经核实，该户被占承包地 1.2 亩，补偿款 3.6 万元已于本月 20 日拨付到户，并当面告知信访人。",
        )
    services.petition_decide(petition=joint, actor=officer, decision="accept", note="")
    services.petition_assign(petition=joint, actor=officer, unit=units["县人力资源和社会保障局"], days=60)
    services.petition_decide(
        petition=online,
        actor=officer,
        decision="forward",
        note="道路交通设施属县交通运输局职责，已转该局研究办理。",
        unit=units["县交通运输局"],
    )
    closed = services.petition_register(
        actor=officer,
        channel="call",
        received_at=now - dt.timedelta(days=30),
        category="request",
        topic="civil",
        summary="反映其母亲高龄津贴连续三个月未发放。",
        appeal="请求补发高龄津贴。",
        people=[person("周玉兰", "东山镇红旗村", "99990119580702004", "13500001234", "红旗村五组")],
    )
    services.petition_decide(petition=closed, actor=officer, decision="accept", note="")
    services.petition_assign(petition=closed, actor=officer, unit=units["石门乡"], days=30)
    if township_liaison is not None:
        services.petition_reply(petition=closed, actor=township_liaison, text="已补发三个月高龄津贴共 450 元。")
        services.petition_close(petition=closed, actor=officer, satisfaction="satisfied")
