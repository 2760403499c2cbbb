"""Supervision matters with their units and reports; a unit's liaison reports progress."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as Reply

from shuniu.api.base import ERRORS, Paged, person
from shuniu.api.schemas import Day, Moment, narrowed
from shuniu.supervision import services
from shuniu.supervision.models import Assignment, Matter, Report, Status
from shuniu.supervision.selectors import matter_for, matters_for, own_assignment

router = Router(tags=["督查督办"])


class MatterOut(Schema):
    id: int
    number: str = Field(description="督办编号，如 督〔2026〕8号")
    title: str
    source: str
    urgency: str
    secrecy: str
    status: str
    status_label: str
    deadline: Moment | None
    registered_at: Moment
    closed_at: Moment | None

    @staticmethod
    def resolve_source(obj: Matter) -> str:
        return obj.get_source_display()

    @staticmethod
    def resolve_urgency(obj: Matter) -> str:
        return obj.get_urgency_display()

    @staticmethod
    def resolve_secrecy(obj: Matter) -> str:
        return obj.get_secrecy_display()

    @staticmethod
    def resolve_status_label(obj: Matter) -> str:
        return obj.get_status_display()


class AssignmentOut(Schema):
    unit: str
    part: str = Field(description="主办 / 协办")
    receipt: str = Field(description="签收状态")
    signed_at: Moment | None

    @staticmethod
    def resolve_unit(obj: Assignment) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_part(obj: Assignment) -> str:
        return obj.get_part_display()

    @staticmethod
    def resolve_receipt(obj: Assignment) -> str:
        return obj.get_receipt_display()


class MatterReportOut(Schema):
    id: int
    unit: str
    at: Moment
    percent: int
    text: str
    problems: str
    next_steps: str
    completion: bool

    @staticmethod
    def resolve_unit(obj: Report) -> str:
        return obj.assignment.unit.name


class MatterDetail(MatterOut):
    content: str = Field(description="交办内容")
    instruction: str = Field(description="领导批示")
    assignments: list[AssignmentOut]
    reports: list[MatterReportOut] = Field(description="进展报告，按时间先后")

    @staticmethod
    def resolve_assignments(obj: Matter) -> list[Assignment]:
        return list(obj.assignments.select_related("unit").order_by("pk"))

    @staticmethod
    def resolve_reports(obj: Matter) -> list[Report]:
        return list(obj.reports.select_related("assignment__unit").order_by("at", "pk"))


class MatterFilter(Schema):
    registered_from: Day | None = Field(None, description="登记日期起（含）")
    registered_to: Day | None = Field(None, description="登记日期止（含）")
    status: Status | None = Field(None, description="状态代码")


class ReportIn(Schema):
    text: str = Field(min_length=1, max_length=5000, description="进展情况")
    percent: int = Field(ge=0, le=100, description="完成进度（%）")
    problems: str = Field("", max_length=5000, description="存在问题")
    next_steps: str = Field("", max_length=5000, description="下一步打算")
    completion: bool = Field(False, description="办结报告（主办单位）")


@router.get("/matters", response={200: list[MatterOut], **ERRORS}, summary="督办事项（新的在前）")
@paginate(Paged)
def matter_list(request: HttpRequest, filters: Query[MatterFilter]) -> object:
    user = person(request, capability="supervision.view")
    rows = matters_for(user)
    rows = narrowed(rows, "registered_at", filters.registered_from, filters.registered_to, filters.status)
    return rows.order_by("-year", "-seq")


@router.get("/matters/{matter_id}", response={200: MatterDetail, **ERRORS}, summary="一个督办事项：承办单位与进展报告")
def matter_detail(request: HttpRequest, matter_id: int) -> object:
    user = person(request, capability="supervision.view")
    return matter_for(user, matter_id)


@router.post(
    "/matters/{matter_id}/reports",
    response={201: MatterReportOut, **ERRORS},
    summary="报告进展（本单位联络员，读写令牌）",
)
def report_create(request: HttpRequest, matter_id: int, payload: ReportIn) -> object:
    user = person(request, capability="supervision.report", write=True)
    matter = matter_for(user, matter_id)
    assignment = own_assignment(user, matter)
    if assignment is None:
        raise ValidationError("本单位没有承办该事项。")
    report = services.report_submit(
        assignment=assignment,
        actor=user,
        text=payload.text,
        percent=payload.percent,
        problems=payload.problems,
        next_steps=payload.next_steps,
        completion=payload.completion,
    )
    return Reply(201, report)
