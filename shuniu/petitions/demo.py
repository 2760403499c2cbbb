"""The demo county's petitions, in every state.

A repeat petitioner with three visits (the matter accepted, assigned to the township and answered,
waiting for the petitioner's rating; the third visit flagged for staying on after hours, with a call to
the township); a joint visit with its five representatives (assigned, held by the deputy secretary in
charge of petition work, whose instruction waits to become a supervised matter); an anonymous letter
whose clock waits; an online suggestion forwarded; a closed matter the petitioner rated; one accepted and
not yet assigned, put to a leader for instruction; one declined; subsidy matters under review (复查),
reviewed, under re-review (复核) with a hearing under way, and re-reviewed to the end — its repeat visit
not accepted again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from shuniu.core.idcard import check_digit
from shuniu.core.models import Unit, User, Village
from shuniu.petitions import services
from shuniu.petitions.models import Petition, Stage
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

    _more_states(officer, units_named(), person, now)


def units_named() -> dict[str, Unit]:
    names = ["石门乡", "城关镇", "县财政局", "县农业农村局", "县人力资源和社会保障局", "县信访局"]
    return {u.name: u for u in Unit.objects.filter(name__in=names)}


def _more_states(officer: User, units: dict[str, Unit], person: Callable[..., Person], now: dt.datetime) -> None:
    """Accepted, declined, under review and re-review, final; leaders, order flags and contacts."""
    wang = User.objects.filter(username="wangzhiqiang").first()
    zhou = User.objects.filter(username="zhoujianjun").first()
    township = units["石门乡"]
    liaison = User.objects.filter(unit=township, role_grants__role="liaison").first()
    finance = units["县财政局"]
    finance_liaison = User.objects.filter(unit=finance, role_grants__role="liaison").first()
    agriculture = units["县农业农村局"]  # reviews the township's opinion; the finance bureau re-reviews
    agriculture_liaison = User.objects.filter(unit=agriculture, role_grants__role="liaison").first()
    third = Petition.objects.filter(repeat_of__isnull=False).order_by("-received_at").first()
    if third is not None:
        services.petition_flag(
            petition=third,
            actor=officer,
            conduct="loitering",
            note="下班后仍滞留接待室，经劝导于 18 时离开。",
            at=now - dt.timedelta(days=2) + dt.timedelta(hours=9),
        )
        services.petition_contact(
            petition=third,
            actor=officer,
            counterpart="township",
            unit=township,
            person="石门乡信访办",
            at=now - dt.timedelta(days=2) + dt.timedelta(hours=10),
            note="通报信访人第三次来访，请乡里核实补偿款拨付进度并做好稳控。",
        )
        services.petition_contact(
            petition=third,
            actor=officer,
            counterpart="bureau",
            unit=None,
            person="县信访局办信科",
            at=now - dt.timedelta(days=1),
            note="已向县信访局报备该重复访情况。",
        )
    joint = Petition.objects.filter(people_count__gte=5).first()
    if joint is not None and wang is not None:
        services.petition_lead(petition=joint, actor=officer, leader=wang)
        asked = services.petition_ask_leader(
            petition=joint,
            actor=officer,
            leader=wang,
            request="涉及 36 名农民工、欠薪 86 万元，年关临近，拟请县人社局牵头限期清欠。",
        )
        services.petition_instruct(
            instruction=asked,
            actor=wang,
            text="请县人社局牵头，会同住建部门一周内拿出清欠方案，春节前全部兑付。请督查室跟踪督办。",
            supervise=True,
        )
    accepted = services.petition_register(
        actor=officer,
        channel="letter",
        received_at=now - dt.timedelta(days=6),
        category="request",
        topic="agriculture",
        summary="反映村里土地流转合同到期后流转费未按约定上调。",
        appeal="请求按合同约定调整流转费。",
        people=[person("钱桂芳", "城关镇东风村", "99990119700412003", "13700001111", "东风村二组")],
        new_matter_confirmed=True,
    )
    services.petition_decide(petition=accepted, actor=officer, decision="accept", note="")
    if zhou is not None:
        services.petition_ask_leader(
            petition=accepted, actor=officer, leader=zhou, request="涉及全村 40 余户流转农户，拟交城关镇办理，请示。"
        )
    declined = services.petition_register(
        actor=officer,
        channel="visit",
        received_at=now - dt.timedelta(days=4),
        category="request",
        topic="law",
        summary="对县法院民事判决不服，要求县委改判。",
        appeal="请求改判。",
        people=[person("马国庆", "东山镇红旗村", "99990119660101005", "13600002222", "红旗村一组")],
        new_matter_confirmed=True,
    )
    services.petition_decide(
        petition=declined,
        actor=officer,
        decision="decline",
        note="该事项已经人民法院判决，应当通过上诉、申请再审等法律程序解决，本机关不予受理。",
    )
    if liaison is None or finance_liaison is None or agriculture_liaison is None:
        return
    subsidies = [
        ("林秀英", "99990119630825006", "13500003333", "耕地地力保护补贴少发一年。", Stage.REVIEW),
        ("冯秀兰", "99990119610318009", "13500006666", "高龄老人取暖补贴未发放。", "reviewed"),
        ("胡德明", "99990119590611007", "13500004444", "退耕还林补助被村里截留。", Stage.REREVIEW),
        ("郭长林", "99990119540209008", "13500005555", "危房改造补助未足额发放。", "final"),
    ]
    for name, id17, phone, summary, depth in subsidies:
        petition = services.petition_register(
            actor=officer,
            channel="visit",
            received_at=now - dt.timedelta(days=20),
            category="request",
            topic="agriculture",
            summary=summary,
            appeal="请求足额补发。",
            people=[person(name, "石门乡东风村", id17, phone, "东风村四组")],
            new_matter_confirmed=True,
        )
        services.petition_decide(petition=petition, actor=officer, decision="accept", note="")
        services.petition_assign(petition=petition, actor=officer, unit=township, days=60)
        services.petition_reply(petition=petition, actor=liaison, text="经核实，按政策标准发放，并无少发。")
        services.petition_close(petition=petition, actor=officer, satisfaction="dissatisfied")
        services.petition_review_request(
            petition=petition,
            actor=officer,
            stage=Stage.REVIEW,
            body=agriculture,
            reason="认为补助面积核定有误。",
            delivered_on=timezone.localdate(),
        )
        if depth == Stage.REVIEW:
            continue
        services.petition_review_answer(
            petition=petition, actor=agriculture_liaison, text="经复查，面积核定依据确权登记，维持原处理意见。"
        )
        if depth == "reviewed":
            continue
        services.petition_review_request(
            petition=petition,
            actor=officer,
            stage=Stage.REREVIEW,
            body=finance,
            reason="对复查意见仍不服。",
            delivered_on=timezone.localdate(),
        )
        services.petition_hearing(petition=petition, actor=officer, start=True, note="在县信访局会议室公开听证。")
        if depth == Stage.REREVIEW:
            continue
        services.petition_hearing(petition=petition, actor=officer, start=False, note="听证完毕。")
        services.petition_review_answer(
            petition=petition, actor=finance_liaison, text="经听证和复核，维持复查意见。本复核意见为终结意见。"
        )
        again = services.petition_register(
            actor=officer,
            channel="visit",
            received_at=now - dt.timedelta(hours=3),
            category="request",
            topic="agriculture",
            summary="仍以危房改造补助未足额发放为由再次来访。",
            appeal="请求足额补发。",
            people=[person(name, "石门乡东风村", id17, phone, "东风村四组")],
            repeat_of=petition,
        )
        services.petition_decide(
            petition=again,
            actor=officer,
            decision="decline",
            note="该事项已经复核终结，以同一事实和理由再次提出，依照《信访工作条例》第三十六条不再受理。",
        )
