"""The demo county's documents: one in every state, so each role has something to do."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shuniu.core.models import Unit, User
from shuniu.core.printing import render_pdf
from shuniu.documents import services
from shuniu.documents.models import CopyState, Document, Kind, Reading, UnitCopy, Urgency


def _users(*names: str) -> list[User]:
    found = {u.username: u for u in User.objects.filter(username__in=names)}
    return [found[n] for n in names]


def _deliver_all(document: Document, clerk: User) -> None:
    for copy in document.copies.filter(state=CopyState.TO_DELIVER):
        services.copy_deliver(copy=copy, actor=clerk)


def documents_demo_load() -> None:
    if Document.objects.filter(source_org="示例市委办公室").exists():
        return
    clerk, director = _users("wangfang", "huangxiaodong")
    secretary, mayor, deputy, vice = _users("zhangjianguo", "liminghua", "wangzhiqiang", "fengtao")
    now = timezone.now().replace(second=0, microsecond=0)
    (liaison_town,) = _users("wuxia")
    units = {
        u.name: u
        for u in Unit.objects.filter(
            name__in=["县应急管理局", "县自然资源局", "县财政局", "县住房和城乡建设局", "城关镇"]
        )
    }

    def register(title: str, hours_ago: float, **extra: object) -> Document:
        return services.document_register(
            actor=clerk,
            received_at=now - dt.timedelta(hours=hours_ago),
            source_org="示例市委办公室",
            title=title,
            **extra,  # type: ignore[arg-type]
        )

    archived = register("关于印发《示例市2026年度督查检查计划》的通知", 24 * 20, source_number="示委办发〔2026〕3号")
    services.proposal_submit(document=archived, readers=[secretary, mayor], actor=clerk, opinion="呈书记、县长阅。")
    services.proposal_approve(document=archived, actor=director)
    for _ in range(2):
        archived.refresh_from_db()
        _deliver_all(archived, clerk)
        for reading in Reading.objects.filter(document=archived, signed_at__isnull=True, delivered_at__isnull=False):
            services.reading_sign(reading=reading, actor=clerk, on_paper=True, signed_at=timezone.now())
    archived.refresh_from_db()
    for copy in archived.copies.filter(state=CopyState.TO_COLLECT):
        services.copy_collect(copy=copy, actor=clerk)
    services.document_close(document=archived, result="已按计划部署。", actor=director)
    services.document_archive(document=archived, retention="10年", actor=clerk)

    urgent = register(
        "关于切实做好今冬明春森林防火工作的紧急通知",
        3,
        source_number="示委办明电〔2026〕45号",
        urgency=Urgency.FLASH,
        kind=Kind.ACT,
        deadline=now + dt.timedelta(hours=20),
    )
    services.proposal_submit(
        document=urgent,
        readers=[secretary, mayor, deputy, vice],
        order=[(secretary, mayor)],
        units=[units["县应急管理局"], units["县自然资源局"]],
        lead_unit=units["县应急管理局"],
        copies_allowed=3,
        opinion="建议呈张书记阅示，同时复印送应急管理局、自然资源局阅办。",
        actor=clerk,
    )
    services.proposal_approve(document=urgent, actor=director)  # the two units' paper copies go with the leaders'
    _deliver_all(urgent, clerk)
    services.unit_copy_receive(  # 自然资源局's copy is still on the delivery list, to carry
        copy=UnitCopy.objects.get(document=urgent, unit=units["县应急管理局"]),
        actor=clerk,
        receiver_name="陈明",
    )
    signed = Reading.objects.filter(document=urgent, leader=deputy, delivered_at__isnull=False).first()
    if signed is not None:
        services.reading_sign(
            reading=signed, actor=deputy, instruction="请应急管理局牵头，三日内报送工作方案。", requires_action=True
        )

    budget_title = "关于报送2027年部门预算编制情况的通知"
    text = render_pdf(
        "documents/demo_text.html",
        {
            "title": budget_title,
            "number": "示财预〔2026〕88号",
            "paragraphs": [
                "各县（市、区）财政局：",
                "为做好2027年部门预算编制工作，请于收到本通知后两日内报送部门预算编制情况，"
                "重点说明基本支出、项目支出安排及上年结转结余资金使用情况。",
            ],
        },
    )
    budget = register(
        budget_title,
        28,
        source_number="示财预〔2026〕88号",
        urgency=Urgency.URGENT,
        deadline=now + dt.timedelta(days=2),
        files=[services.Upload("预算编制通知.pdf", text)],
    )
    services.proposal_submit(
        document=budget, readers=[mayor, vice], units=[units["县财政局"]], copies_allowed=2, actor=clerk
    )
    services.proposal_approve(document=budget, actor=director)  # 县财政局's copy: electronic, for 周平 to sign
    _deliver_all(budget, clerk)

    proposed = register("关于开展城镇燃气安全专项整治的通知", 6, source_number="示住建〔2026〕21号")
    services.proposal_submit(
        document=proposed,
        readers=[vice, mayor],
        units=[units["县住房和城乡建设局"]],
        opinion="呈冯副县长、李县长阅，同时复印送住建局阅办。",
        copy_to_units=True,
        actor=clerk,
    )
    register("关于征集2027年民生实事项目的函", 1, source_number="示政研函〔2026〕9号")
    register("关于加强保密工作的意见", 2, secrecy=1, secrecy_term="10年", source_number="示保〔2026〕2号")

    sent_back = register("关于做好2026年度冬季征兵工作的通知", 8, source_number="示征〔2026〕5号")
    services.proposal_submit(document=sent_back, readers=[vice], opinion="呈冯副县长阅。", actor=clerk)
    services.proposal_send_back(
        document=sent_back, reason="征兵工作由张书记任组长，请增加张书记并设为先阅。", actor=director
    )

    returned = register("关于报送安全生产大检查情况的通知", 30, source_number="示安委办〔2026〕17号")
    services.document_return(
        document=returned, reason="缺少附件《检查情况统计表》，已电话告知来文单位补送。", actor=clerk
    )

    for title, number, close in (
        ("关于印发《示例县2027年度重点工作任务分解》的通知", "示委〔2026〕60号", False),
        ("关于开展“我为群众办实事”回访的通知", "示委办〔2026〕58号", True),
    ):
        finished = register(title, 50, source_number=number)
        to_town = [units["城关镇"]] if close else []  # a 平件 the proposal sends to the township as well
        services.proposal_submit(
            document=finished, readers=[mayor], units=to_town, copy_to_units=bool(to_town), actor=clerk
        )
        services.proposal_approve(document=finished, actor=director)
        _deliver_all(finished, clerk)
        for unit_copy in finished.unit_copies.all():
            services.unit_copy_receive(copy=unit_copy, actor=liaison_town)
        reading = Reading.objects.get(document=finished, leader=mayor)
        services.reading_sign(reading=reading, actor=mayor, instruction="同意，请按要求抓好落实。")
        if close:
            finished.refresh_from_db()
            services.document_close(document=finished, result="已按要求完成回访并报送情况。", actor=director)

    services.delegation_create(leader=vice, acting=director, start=now, end=now + dt.timedelta(days=2), actor=vice)
