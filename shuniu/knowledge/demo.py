"""The demo county's facts (示例县县情): six groups, values with their history, one superseded, one stale."""

from __future__ import annotations

import datetime as dt

from shuniu.core.models import User
from shuniu.knowledge import services
from shuniu.knowledge.models import Fact, FactGroup, Statement

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
