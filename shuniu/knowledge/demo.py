"""The demo county's facts (示例县县情): six groups, values with their history, one superseded, one stale; its key projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from shuniu.core.models import Role, Unit, User
from shuniu.knowledge import services
from shuniu.knowledge.models import Fact, FactGroup, Project, Sector, Statement
from shuniu.supervision.models import Matter

BULLETIN = "{year}年示例县国民经济和社会发展统计公报"

# group: [(fact, measure, numeric, [(year, value)], refresh days)]
FACTS = {
    "人口": [
        ("户籍人口", "万人", True, [(2023, "52.6"), (2024, "52.3"), (2025, "51.9")], 365),
        ("常住人口", "万人", True, [(2024, "46.8"), (2025, "46.5")], 365),
        ("城镇化率", "%", True, [(2024, "48.2"), (2025, "49.6")], 365),
    ],
    "行政区划": [
        ("乡镇", "个", True, [(2025, "15")], 730),
        ("行政村", "个", True, [(2023, "212"), (2025, "198")], 730),
        ("社区（居委会）", "个", True, [(2025, "23")], 730),
        ("县域面积", "平方公里", True, [(2025, "2,318")], 3650),
    ],
    "经济": [
        ("地区生产总值", "亿元", True, [(2024, "198.6"), (2025, "211.3")], 365),
        ("一般公共预算收入", "亿元", True, [(2024, "12.1"), (2025, "12.9")], 365),
        ("城乡居民人均可支配收入", "元", True, [(2025, "27,460")], 365),
    ],
    "产业": [
        ("六大主导产业", "", False, [(2025, "现代农业、食品加工、新材料、装备制造、文化旅游、现代物流")], 730),
        ("规模以上工业企业", "家", True, [(2024, "146"), (2025, "153")], 365),
    ],
    "园区": [
        ("县经济开发区规划面积", "平方公里", True, [(2022, "12.5")], 730),
        ("园区入驻企业", "家", True, [(2025, "218")], 365),
    ],
    "社会事业": [
        ("中小学校", "所", True, [(2025, "86")], 365),
        ("医疗卫生机构床位", "张", True, [(2025, "3,120")], 365),
    ],
}


def knowledge_demo_load() -> None:
    if FactGroup.objects.exists():
        return
    clerk = User.objects.get(username="wangfang")
    owner = User.objects.filter(username="lina").first()
    for order, (group_name, facts) in enumerate(FACTS.items(), start=1):
        group = FactGroup.objects.create(
            name=group_name, sort_order=order, owner=owner if group_name == "经济" else None
        )
        for n, (name, measure, numeric, values, days) in enumerate(facts, start=1):
            fact = Fact.objects.create(
                group=group, name=name, measure=measure, numeric=numeric, refresh_days=days, sort_order=n
            )
            for year, value in values:
                services.statement_add(
                    fact=fact,
                    actor=clerk,
                    value=value,
                    as_of=dt.date(year, 12, 31),
                    source=BULLETIN.format(year=year) if year < 2025 else "县统计局快报",
                )
    wrong = Statement.objects.filter(fact__name="行政村", as_of__year=2023).first()
    if wrong is not None:  # the merger of villages: the 2023 figure was kept on the old count
        services.statement_supersede(statement=wrong, actor=clerk, reason="村级建制调整前口径，已按调整后口径更正")
        services.statement_add(
            fact=wrong.fact, actor=clerk, value="205", as_of=dt.date(2023, 12, 31), source="县民政局村级建制调整统计"
        )


# year, name, sector, unit, leader, total, year plan, milestones [(name, planned, done)], reports
# [(as_of, year done, total done, works %, note)] — the latest decides the light against the share of the year gone
PROJECTS = [
    ("示例县经济开发区新材料产业园（一期）", Sector.INDUSTRY, "县科技和工业信息化局", "zhaolixin", "86000", "32000",
     [("开工建设", (3, 15), (3, 20)), ("主体厂房封顶", (8, 31), (9, 10)), ("设备安装调试", (11, 30), None)],
     [((6, 30), "15800", "41200", 45, "主体厂房施工，钢结构完成七成。"),
      ((10, 31), "27500", "52900", 78, "厂房封顶，设备进场，配套道路完工。")]),
    ("城乡供水一体化工程", Sector.INFRASTRUCTURE, "县水务局", "fengtao", "42000", "18000",
     [("水厂主体完工", (6, 30), (7, 15)), ("管网铺设", (10, 31), None), ("通水试运行", (12, 20), None)],
     [((6, 30), "6200", "19800", 40, "水厂主体完工，管网铺设 60 公里。"),
      ((10, 31), "9800", "23400", 58, "管网铺设 95 公里，两个乡镇因征地协调放缓。")]),
    ("龙泉镇现代农业产业园", Sector.AGRICULTURE, "县农业农村局", "wangzhiqiang", "15000", "6000",
     [("高标准农田建设", (5, 31), (5, 28)), ("冷链仓储中心", (10, 31), None)],
     [((10, 31), "2100", "5400", 30, "冷链仓储中心因资金未到位停工两个月。")]),
    ("县人民医院门急诊综合楼", Sector.SOCIAL, "县卫生健康局", "liminghua", "36000", "12000",
     [("主体封顶", (7, 31), (7, 25)), ("内部装修", (12, 31), None)],
     [((10, 31), "10400", "28600", 85, "主体完工，内部装修进行中。")]),
    ("凤凰山文化旅游景区提升", Sector.SERVICES, "县文化和旅游局", "sunli", "9800", "4200", [], []),
]  # fmt: skip


def projects_demo_load() -> None:
    """示例县's key projects of this year: one on plan, one yellow, one red, one ahead, one not yet reported."""
    year = timezone.localdate().year
    if Project.objects.filter(year=year).exists():
        return
    clerk = User.objects.get(username="wangfang")
    units = {u.name: u for u in Unit.objects.all()}
    leaders = {u.username: u for u in User.objects.filter(role_grants__role=Role.LEADER)}
    for name, sector, unit, leader, total, planned, milestones, reports in PROJECTS:
        project = services.project_create(
            actor=clerk,
            name=name,
            year=year,
            sector=sector,
            total_planned=Decimal(total),
            year_planned=Decimal(planned),
            unit=units[unit],
            leader=leaders.get(leader),
        )
        for step, (m, d), done in milestones:
            milestone = services.milestone_add(project=project, actor=clerk, name=step, planned_on=dt.date(year, m, d))
            if done and dt.date(year, *done) <= timezone.localdate():
                services.milestone_reach(milestone=milestone, actor=clerk, done_on=dt.date(year, *done))
        for (m, d), year_done, total_done, works, note in reports:
            as_of = dt.date(year, m, d)
            if as_of > timezone.localdate():  # early in the year: only what has happened
                continue
            services.progress_report(
                project=project,
                actor=clerk,
                as_of=as_of,
                year_done=Decimal(year_done),
                total_done=Decimal(total_done),
                works=works,
                note=note,
            )
    matter = Matter.objects.filter(title__contains="供水").first() or Matter.objects.order_by("pk").first()
    water = Project.objects.filter(year=year, name="城乡供水一体化工程").first()
    if matter is not None and water is not None:
        services.project_link_matter(
            project=water, actor=User.objects.get(username="huangxiaodong"), number=matter.number
        )
