"""Phone notices with each unit's state; a unit's liaison confirms on the API as on the page, fact by fact."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from shuniu.api.base import ERRORS, Paged, person
from shuniu.api.schemas import Day, Moment, narrowed
from shuniu.notices import services
from shuniu.notices.models import Fact, Notice, Recipient, Status
from shuniu.notices.selectors import notice_for, notices_for, sheet

router = Router(tags=["电话通知"])


class NoticeOut(Schema):
    id: int
    number: str = Field(description="通知编号，如 通〔2026〕5号")
    subject: str = Field(description="事由")
    starts_at: Moment
    place: str
    attendees: str = Field(description="参加人员")
    bring: str = Field(description="携带材料")
    reply_by: Moment | None
    status: str
    status_label: str
    version: int = Field(description="版本：开始通知后时间或地点每变更一次加 1")

    @staticmethod
    def resolve_status_label(obj: Notice) -> str:
        return obj.get_status_display()


class RecipientOut(Schema):
    id: int
    unit: str
    state: str = Field(description="状态代码")
    state_label: str
    tries: int = Field(description="拨打次数")
    last_at: Moment | None
    confirmed_at: Moment | None
    confirmed_version: int | None

    @staticmethod
    def resolve_unit(obj: Recipient) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_state_label(obj: Recipient) -> str:
        return obj.get_state_display()


class NoticeDetail(NoticeOut):
    facts: list[str] = Field(
        description="需复述核对的要点代码（time 时间、place 地点、attendees 参加人员、bring 携带材料、reply_by 回复截止）"
    )
    recipients: list[RecipientOut] = Field(description="各单位的通知状态（联络员只看到本单位）")

    @staticmethod
    def resolve_facts(obj: Notice) -> list[str]:
        return list(obj.facts)

    @staticmethod
    def resolve_recipients(obj: Notice, context: dict[str, Any]) -> list[Recipient]:
        return sheet(context["request"].user, obj)


class NoticeFilter(Schema):
    starts_from: Day | None = Field(None, description="会议（活动）日期起（含）")
    starts_to: Day | None = Field(None, description="会议（活动）日期止（含）")
    status: Status | None = Field(None, description="状态代码")


class ConfirmIn(Schema):
    facts: list[Fact] = Field(max_length=10, description="已逐项核对的要点代码：须包含通知的全部要点")
    version: int = Field(ge=1, le=10_000, description="所核对的通知版本（通知变更后须按新版本重新核对）")


@router.get("/notices", response={200: list[NoticeOut], **ERRORS}, summary="电话通知（近的在前）")
@paginate(Paged)
def notice_list(request: HttpRequest, filters: Query[NoticeFilter]) -> object:
    user = person(request, capability="notices.view")
    rows = notices_for(user)
    rows = narrowed(rows, "starts_at", filters.starts_from, filters.starts_to, filters.status)
    return rows.order_by("-starts_at", "-pk")


@router.get("/notices/{notice_id}", response={200: NoticeDetail, **ERRORS}, summary="一则通知及各单位状态")
def notice_detail(request: HttpRequest, notice_id: int) -> object:
    user = person(request, capability="notices.view")
    return notice_for(user, notice_id)


@router.post(
    "/notices/{notice_id}/confirm",
    response={200: NoticeDetail, **ERRORS},
    summary="确认收到通知（本单位联络员，读写令牌）",
)
def notice_confirm(request: HttpRequest, notice_id: int, payload: ConfirmIn) -> object:
    user = person(request, capability="notices.confirm", write=True)
    notice = notice_for(user, notice_id)
    mine = notice.recipients.filter(unit_id=user.unit_id or 0).first()
    if mine is None:
        raise Http404
    services.recipient_confirm(
        recipient=mine, actor=user, ticked=[f.value for f in payload.facts], version=payload.version
    )
    return notice_for(user, notice_id)
