"""Writes of the county's facts: a new value for a date, a value superseded, a value made the preferred one.

Nothing is overwritten or deleted: each is a new row or a change of rank, audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shuniu import audit
from shuniu.core.models import Role, Unit, User
from shuniu.core.numbering import parse_number
from shuniu.core.permissions import can
from shuniu.core.text import chinese_date, visible
from shuniu.knowledge.models import Fact, Milestone, Progress, Project, Rank, Sector, Statement
from shuniu.knowledge.selectors import may_edit, may_report
from shuniu.search.services import entry_update
from shuniu.supervision.models import SERIES as SUPERVISION_SERIES
from shuniu.supervision.models import Matter
from shuniu.supervision.selectors import matters_for


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


# Key projects (重点项目)


def _manager(actor: User, message: str) -> None:
    if not can(actor, "knowledge.manage"):
        raise ValidationError(message)


def _amount(value: Decimal, label: str) -> Decimal:
    if not value.is_finite() or value < 0 or value >= Decimal(10) ** 12:
        raise ValidationError(f"{label}应为不小于 0 的金额（万元）。")
    return value.quantize(Decimal("0.01"))


@audit.atomic
def project_create(
    *,
    actor: User,
    name: str,
    year: int,
    sector: str,
    total_planned: Decimal,
    year_planned: Decimal,
    unit: Unit,
    leader: User | None = None,
    content: str = "",
) -> Project:
    """Register a key project of a year with its investment plan and who is in charge."""
    _manager(actor, "只有办公室工作人员可以登记重点项目。")
    name = visible(name)[:100]
    if not name:
        raise ValidationError("请填写项目名称。")
    if sector not in Sector.values:
        raise ValidationError("请选择所属领域。")
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError("年度不正确。")
    total_planned, year_planned = _amount(total_planned, "计划总投资"), _amount(year_planned, "年度计划投资")
    if total_planned <= 0 or year_planned <= 0:
        raise ValidationError("计划投资应大于 0。")
    if year_planned > total_planned:
        raise ValidationError("年度计划投资不能大于计划总投资。")
    if leader is not None and not leader.has_role(Role.LEADER):
        raise ValidationError(f"{leader.full_name}不是县领导。")
    duplicate = ValidationError(f"{year}年已有重点项目“{name}”。")
    if Project.objects.filter(year=year, name=name).exists():
        raise duplicate
    try:
        with transaction.atomic():  # two clicks at once: the second meets the unique constraint
            project = Project.objects.create(
                name=name,
                year=year,
                sector=sector,
                content=visible(content)[:2000],
                total_planned=total_planned,
                year_planned=year_planned,
                unit=unit,
                leader=leader,
                created_by=actor,
            )
    except IntegrityError:
        raise duplicate from None
    audit.record(actor=actor, action="project.create", obj=project, data={"unit": unit.pk, "year": year})
    entry_update(project)
    return project


@audit.atomic
def milestone_add(*, project: Project, actor: User, name: str, planned_on: dt.date) -> Milestone:
    """A step the project is planned to reach by a date (开工, 主体完工, 竣工投产…)."""
    _manager(actor, "只有办公室工作人员可以设置项目节点。")
    name = visible(name)[:100]
    if not name:
        raise ValidationError("请填写节点名称。")
    Project.objects.select_for_update().get(pk=project.pk)  # a double click adds it once
    if project.milestones.filter(name=name, planned_on=planned_on).exists():
        raise ValidationError("该节点已经设置过了。")
    milestone = Milestone.objects.create(project=project, name=name, planned_on=planned_on)
    audit.record(actor=actor, action="milestone.add", obj=project, data={"name": name, "planned_on": str(planned_on)})
    return milestone


@audit.atomic
def milestone_reach(*, milestone: Milestone, actor: User, done_on: dt.date) -> Milestone:
    """Record the day a step was reached (once)."""
    if not may_report(actor, milestone.project):
        raise ValidationError("只有责任单位的联络员或办公室工作人员可以填报。")
    if done_on > timezone.localdate():
        raise ValidationError("完成日期不能晚于今天。")
    if not Milestone.objects.filter(pk=milestone.pk, done_on__isnull=True).update(done_on=done_on):
        raise ValidationError("该节点已记录完成。")
    milestone.refresh_from_db()
    audit.record(
        actor=actor, action="milestone.reach", obj=milestone.project, data={"name": milestone.name, "on": str(done_on)}
    )
    return milestone


@audit.atomic
def progress_report(
    *,
    project: Project,
    actor: User,
    as_of: dt.date,
    year_done: Decimal,
    total_done: Decimal,
    works: int,
    note: str,
    problems: str = "",
) -> Progress:
    """The unit's report of the project as of a date; the earlier reports stay as its history."""
    if not may_report(actor, project):
        raise ValidationError("只有责任单位的联络员或办公室工作人员可以填报项目进展。")
    if as_of > timezone.localdate():
        raise ValidationError("截至日期不能晚于今天。")
    if as_of.year != project.year:
        raise ValidationError(f"这是 {project.year} 年的项目，截至日期应在 {project.year} 年内。")
    year_done, total_done = _amount(year_done, "本年完成投资"), _amount(total_done, "累计完成投资")
    if year_done > total_done:
        raise ValidationError("本年完成投资不能大于累计完成投资。")
    if not 0 <= works <= 100:
        raise ValidationError("形象进度应在 0 到 100 之间。")
    note = visible(note)[:2000]
    if not note:
        raise ValidationError("请填写进展情况。")
    Project.objects.select_for_update().get(pk=project.pk)  # two reports at once: one at a time
    if project.progress.filter(as_of=as_of).exists():
        raise ValidationError(f"{chinese_date(as_of)}的进展已经填报过了。")
    earlier = project.progress.filter(as_of__lt=as_of).order_by("-as_of").first()
    if earlier is not None and total_done < earlier.total_done:
        raise ValidationError(f"累计完成投资不能少于此前填报的 {earlier.total_done} 万元。")
    later = project.progress.filter(as_of__gt=as_of).order_by("as_of").first()
    if later is not None and total_done > later.total_done:
        raise ValidationError(
            f"累计完成投资不能多于此后（{chinese_date(later.as_of)}）填报的 {later.total_done} 万元。"
        )
    progress = Progress.objects.create(
        project=project,
        as_of=as_of,
        year_done=year_done,
        total_done=total_done,
        works=works,
        note=note,
        problems=visible(problems)[:2000],
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="project.progress",
        obj=project,
        data={"as_of": str(as_of), "year_done": str(year_done), "total_done": str(total_done), "works": works},
    )
    return progress


@audit.atomic
def project_link_matter(*, project: Project, actor: User, number: str) -> Matter:
    """Link a supervision matter (by its 督 number) the actor may see to the project."""
    _manager(actor, "只有办公室工作人员可以关联督办事项。")
    parsed = parse_number(number, SUPERVISION_SERIES)
    if parsed is None:
        raise ValidationError("请填写督办编号，如 督〔2026〕8号。")
    matter = matters_for(actor).filter(year=parsed[0], seq=parsed[1]).first()
    if matter is None:
        raise ValidationError(f"没有找到督办事项 督〔{parsed[0]}〕{parsed[1]}号。")
    Project.objects.select_for_update().get(pk=project.pk)
    if project.matters.filter(pk=matter.pk).exists():
        raise ValidationError(f"{matter.number}已关联。")
    project.matters.add(matter)
    audit.record(actor=actor, action="project.link", obj=project, data={"matter": matter.number})
    return matter


@audit.atomic
def project_unlink_matter(*, project: Project, actor: User, matter: Matter) -> None:
    """Take a linked matter off the project."""
    _manager(actor, "只有办公室工作人员可以取消关联。")
    if not Project.matters.through.objects.filter(project=project, matter=matter).delete()[0]:  # once, however clicked
        raise ValidationError("该督办事项未关联此项目。")
    audit.record(actor=actor, action="project.unlink", obj=project, data={"matter": matter.number})
