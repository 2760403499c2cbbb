"""Writes of the county's facts: a new value for a date, a value superseded, a value made the preferred one.

Nothing is overwritten or deleted: each is a new row or a change of rank, audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from shuniu import audit
from shuniu.core.models import User
from shuniu.core.text import visible
from shuniu.knowledge.models import Fact, Rank, Statement
from shuniu.knowledge.selectors import may_edit
from shuniu.search.services import entry_update


def _number(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace("，", "").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"“{text}”不是数值；该项应填写数字（单位另有“计量单位”一栏）。") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise ValidationError("数值超出范围。")
    return number


@audit.atomic
def statement_add(
    *, fact: Fact, actor: User, value: str, as_of: dt.date, source: str, preferred: bool = False
) -> Statement:
    """A value of the fact as of a date, from a source; the earlier values stay as they were."""
    if not may_edit(actor, fact.group):
        raise ValidationError(f"只有“{fact.group.name}”的维护人或办公室工作人员可以录入。")
    value, source = visible(value)[:200], visible(source)[:200]
    if not value:
        raise ValidationError("请填写数值。")
    if as_of > timezone.localdate():
        raise ValidationError("截至日期不能晚于今天。")
    if not source:
        raise ValidationError("请填写来源（如：2025年国民经济和社会发展统计公报）。")
    number = _number(value) if fact.numeric else None
    if Statement.objects.filter(fact=fact, as_of=as_of, value=value).exclude(rank=Rank.DEPRECATED).exists():
        raise ValidationError("该日期的这个数值已经录入过了。")
    if preferred:
        Statement.objects.filter(fact=fact, rank=Rank.PREFERRED).update(rank=Rank.NORMAL)
    statement = Statement.objects.create(
        fact=fact,
        value=value,
        number=number,
        as_of=as_of,
        source=source,
        rank=Rank.PREFERRED if preferred else Rank.NORMAL,
        recorded_by=actor,
    )
    audit.record(actor=actor, action="statement.add", obj=statement, data={"value": value, "source": source})
    entry_update(fact)
    return statement


@audit.atomic
def statement_supersede(*, statement: Statement, actor: User, reason: str) -> Statement:
    """A value found wrong is marked superseded, with the reason; it stays in the history."""
    if not may_edit(actor, statement.fact.group):
        raise ValidationError(f"只有“{statement.fact.group.name}”的维护人或办公室工作人员可以作废。")
    reason = visible(reason)[:300]
    if not reason:
        raise ValidationError("请说明作废理由（如：统计口径调整、录入错误）。")
    if (
        not Statement.objects.filter(pk=statement.pk)
        .exclude(rank=Rank.DEPRECATED)
        .update(rank=Rank.DEPRECATED, note=reason)
    ):
        raise ValidationError("该数值已作废。")
    statement.refresh_from_db()
    audit.record(actor=actor, action="statement.supersede", obj=statement, data={"reason": reason})
    entry_update(statement.fact)
    return statement


@audit.atomic
def statement_prefer(*, statement: Statement, actor: User) -> Statement:
    """Make a value the one that stands (e.g. the census figure over a later estimate)."""
    if not may_edit(actor, statement.fact.group):
        raise ValidationError(f"只有“{statement.fact.group.name}”的维护人或办公室工作人员可以设置。")
    if statement.rank == Rank.DEPRECATED:
        raise ValidationError("已作废的数值不能设为首选。")
    Statement.objects.filter(fact_id=statement.fact_id, rank=Rank.PREFERRED).update(rank=Rank.NORMAL)
    Statement.objects.filter(pk=statement.pk).update(rank=Rank.PREFERRED)
    statement.refresh_from_db()
    audit.record(actor=actor, action="statement.prefer", obj=statement)
    entry_update(statement.fact)
    return statement
