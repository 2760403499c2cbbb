"""The county's facts: a new value never overwrites an old one, the current value is the preferred or the
latest, a wrong value is superseded not deleted, two values compare, bad input is refused in Chinese,
and a fact past its period reminds its keeper."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import Notification, User
from shuniu.core.reminders import reminders_run
from shuniu.core.testing import client_for
from shuniu.knowledge import selectors, services
from shuniu.knowledge.models import Fact, FactGroup, Rank, Statement


@pytest.fixture
def population(db: None) -> Fact:
    group = FactGroup.objects.create(name="人口")
    return Fact.objects.create(group=group, name="户籍人口", measure="万人", refresh_days=365)


def add(fact: Fact, user: User, value: str, year: int, *, preferred: bool = False) -> Statement:
    return services.statement_add(
        fact=fact, actor=user, value=value, as_of=dt.date(year, 12, 31), source=f"{year}年统计公报", preferred=preferred
    )


@pytest.mark.django_db
def test_values_keep_their_history_and_the_latest_or_preferred_stands(population: Fact, clerk: User) -> None:
    first = add(population, clerk, "52.6", 2023)
    second = add(population, clerk, "52,300", 2024)
    assert second.number == Decimal("52300")
    assert selectors.current(selectors.history(population)) == second
    census = add(population, clerk, "52.5", 2020, preferred=True)  # the census counts over later estimates
    assert selectors.current(selectors.history(population)) == census
    services.statement_prefer(statement=second, actor=clerk)
    census.refresh_from_db()
    assert census.rank == Rank.NORMAL
    services.statement_supersede(statement=second, actor=clerk, reason="录入错误，单位应为万人")
    assert selectors.current(selectors.history(population)) == first  # the latest that stands
    assert Statement.objects.count() == 3  # nothing deleted
    comparison = selectors.compare(population, census.pk, first.pk)
    assert comparison is not None
    assert (comparison.older, comparison.newer, comparison.change) == (census, first, Decimal("0.1"))
    page = client_for(clerk).get(reverse("knowledge:fact", args=[population.pk]), {"pick": [census.pk, first.pk]})
    assert "变化 +0.1 万人" in page.text
    assert "录入错误" in page.text


@pytest.mark.django_db
def test_bad_values_are_refused_in_chinese_and_change_nothing(population: Fact, clerk: User, liaison: User) -> None:
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.statement_add(
            fact=population, actor=clerk, value="52", as_of=timezone.localdate() + dt.timedelta(days=1), source="公报"
        )
    with pytest.raises(ValidationError, match="不是数值"):
        add(population, clerk, "约五十万", 2024)
    with pytest.raises(ValidationError, match="来源"):
        services.statement_add(fact=population, actor=clerk, value="52", as_of=dt.date(2024, 1, 1), source=" ")
    with pytest.raises(ValidationError, match="维护人"):
        add(population, liaison, "52", 2024)
    assert not Statement.objects.exists()
    response = client_for(clerk).post(
        reverse("knowledge:add", args=[population.pk]),
        {"value": "x", "as_of": "2024-12-31", "source": "公报"},
        follow=True,
    )
    assert "不是数值" in response.text
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_the_keeper_edits_their_group_and_is_reminded_when_a_fact_is_stale(
    population: Fact, clerk: User, liaison: User
) -> None:
    population.group.owner = liaison
    population.group.save()
    add(population, liaison, "52.6", 2023)  # the keeper may
    monday = dt.datetime.combine(dt.date(2026, 11, 30), dt.time(9), timezone.get_current_timezone())
    assert reminders_run(now=monday, sources=["shuniu.knowledge.reminders.facts_due"]) == 1
    assert Notification.objects.filter(recipient=liaison, title="县情待更新：户籍人口").exists()
    overview = client_for(liaison).get(reverse("knowledge:overview")).text
    assert "52.6 万人" in overview
    assert "待更新" in overview


@pytest.mark.django_db
def test_the_profile_prints_on_one_page_and_the_export_holds_every_value(
    population: Fact, clerk: User, tmp_path: Path
) -> None:
    add(population, clerk, "52.6", 2023)
    old = add(population, clerk, "52.3", 2024)
    services.statement_supersede(statement=old, actor=clerk, reason="口径调整")
    pdf = client_for(clerk).get(reverse("knowledge:profile"))
    assert pdf.content.startswith(b"%PDF")
    printed = tmp_path / "profile.pdf"
    printed.write_bytes(pdf.content)
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    rows = selectors.history_table()
    assert [(r[2], r[6]) for r in rows] == [("52.3", "已作废"), ("52.6", "一般")]
    sheet = client_for(clerk).get(reverse("knowledge:xlsx"))
    assert b"".join(sheet.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]
