"""The county's facts with their history, and the key projects with their latest report and light."""

from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from shuniu.api.base import ERRORS, person
from shuniu.api.schemas import Moment
from shuniu.knowledge.models import Milestone, Progress, Statement
from shuniu.knowledge.selectors import (
    FactLine,
    ProjectLine,
    fact_for,
    fact_line,
    fact_lines,
    history,
    project_for,
    project_line,
    project_lines,
)

router = Router(tags=["县情与重点项目"])


class ValueOut(Schema):
    value: str
    as_of: str = Field(description="截至日期 YYYY-MM-DD")
    source: str
    rank: str = Field(description="normal 正常 · preferred 首选 · deprecated 已更正（不再采用）")
    note: str
    recorded_at: Moment

    @staticmethod
    def resolve_as_of(obj: Statement) -> str:
        return obj.as_of.isoformat()


class FactOut(Schema):
    id: int
    group: str
    name: str
    measure: str = Field(description="计量单位")
    current: ValueOut | None = Field(description="现行值；尚无数值时为 null")
    stale: bool = Field(description="现行值已超过更新周期")

    @staticmethod
    def resolve_id(obj: FactLine) -> int:
        return obj.fact.pk

    @staticmethod
    def resolve_group(obj: FactLine) -> str:
        return obj.fact.group.name

    @staticmethod
    def resolve_name(obj: FactLine) -> str:
        return obj.fact.name

    @staticmethod
    def resolve_measure(obj: FactLine) -> str:
        return obj.fact.measure

    @staticmethod
    def resolve_current(obj: FactLine) -> Statement | None:
        return obj.value


class FactDetail(FactOut):
    history: list[ValueOut] = Field(description="历次数值，新的在前（含已更正的）")

    @staticmethod
    def resolve_history(obj: FactLine) -> list[Statement]:
        return history(obj.fact)


class LightOut(Schema):
    colour: str = Field(description="green 按计划 · yellow 滞后 10–30 个百分点 · red 滞后超过 30 个百分点")
    label: str
    invested: Decimal = Field(description="本年完成投资占年度计划（%）")
    elapsed: Decimal = Field(description="时序进度（%）")


class ProjectReportOut(Schema):
    as_of: str
    year_done: Decimal = Field(description="本年完成投资（万元）")
    total_done: Decimal = Field(description="累计完成投资（万元）")
    works: int = Field(description="形象进度（%）")
    note: str
    problems: str

    @staticmethod
    def resolve_as_of(obj: Progress) -> str:
        return obj.as_of.isoformat()


class MilestoneOut(Schema):
    name: str
    planned_on: str
    done_on: str | None

    @staticmethod
    def resolve_planned_on(obj: Milestone) -> str:
        return obj.planned_on.isoformat()

    @staticmethod
    def resolve_done_on(obj: Milestone) -> str | None:
        return obj.done_on.isoformat() if obj.done_on else None


class ProjectOut(Schema):
    id: int
    name: str
    year: int
    sector: str
    unit: str = Field(description="责任单位")
    leader: str | None = Field(description="包抓领导")
    total_planned: Decimal = Field(description="计划总投资（万元）")
    year_planned: Decimal = Field(description="年度计划投资（万元）")
    latest: ProjectReportOut | None = Field(description="最近一次月报")
    light: LightOut | None = Field(description="进度灯；尚无本年报告时为 null")

    @staticmethod
    def resolve_id(obj: ProjectLine) -> int:
        return obj.project.pk

    @staticmethod
    def resolve_name(obj: ProjectLine) -> str:
        return obj.project.name

    @staticmethod
    def resolve_year(obj: ProjectLine) -> int:
        return obj.project.year

    @staticmethod
    def resolve_sector(obj: ProjectLine) -> str:
        return obj.project.get_sector_display()

    @staticmethod
    def resolve_unit(obj: ProjectLine) -> str:
        return obj.project.unit.name

    @staticmethod
    def resolve_leader(obj: ProjectLine) -> str | None:
        return obj.project.leader.full_name if obj.project.leader else None

    @staticmethod
    def resolve_total_planned(obj: ProjectLine) -> Decimal:
        return obj.project.total_planned

    @staticmethod
    def resolve_year_planned(obj: ProjectLine) -> Decimal:
        return obj.project.year_planned


class ProjectDetail(ProjectOut):
    content: str
    milestones: list[MilestoneOut]
    reports: list[ProjectReportOut] = Field(description="历次月报，新的在前")

    @staticmethod
    def resolve_content(obj: ProjectLine) -> str:
        return obj.project.content

    @staticmethod
    def resolve_milestones(obj: ProjectLine) -> list[Milestone]:
        return list(obj.project.milestones.order_by("planned_on", "pk"))

    @staticmethod
    def resolve_reports(obj: ProjectLine) -> list[Progress]:
        return list(obj.project.progress.order_by("-as_of", "-pk"))


class YearFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="年度，默认今年")


@router.get("/facts", response={200: list[FactOut], **ERRORS}, summary="县情：每项的现行值")
def fact_list(request: HttpRequest) -> object:
    person(request, capability="knowledge.view")
    return [line for _, lines in fact_lines() for line in lines]


@router.get("/facts/{fact_id}", response={200: FactDetail, **ERRORS}, summary="一项县情及其历次数值")
def fact_detail(request: HttpRequest, fact_id: int) -> object:
    person(request, capability="knowledge.view")
    return fact_line(fact_for(fact_id))


@router.get("/projects", response={200: list[ProjectOut], **ERRORS}, summary="一年的重点项目")
def project_list(request: HttpRequest, filters: Query[YearFilter]) -> object:
    person(request, capability="knowledge.view")
    return project_lines(filters.year or timezone.localdate().year)


@router.get("/projects/{project_id}", response={200: ProjectDetail, **ERRORS}, summary="一个重点项目：节点与月报")
def project_detail(request: HttpRequest, project_id: int) -> object:
    person(request, capability="knowledge.view")
    return project_line(project_for(project_id))
