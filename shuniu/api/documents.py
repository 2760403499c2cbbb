"""Documents and their circulation: the register as the person's pages show it, and one document's readings."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from shuniu.api.base import ERRORS, Paged, person
from shuniu.api.schemas import Day, Moment, narrowed
from shuniu.core.models import Clearance
from shuniu.core.services import read_recorded
from shuniu.documents.access import get_document_for
from shuniu.documents.models import Document, Reading, Status
from shuniu.documents.selectors import documents_visible_to, readings_of

router = Router(tags=["收文与传阅"])


class DocumentOut(Schema):
    id: int
    number: str = Field(description="登记号，如 收〔2026〕12号")
    title: str
    source_org: str = Field(description="来文单位")
    source_number: str = Field(description="来文字号")
    secrecy: str = Field(description="密级")
    urgency: str = Field(description="紧急程度")
    status: str = Field(description="状态代码")
    status_label: str
    received_at: Moment
    deadline: Moment | None
    read_at: Moment | None = Field(description="传阅完毕时间")

    @staticmethod
    def resolve_number(obj: Document) -> str:
        return obj.reg_number

    @staticmethod
    def resolve_secrecy(obj: Document) -> str:
        return obj.get_secrecy_display()

    @staticmethod
    def resolve_urgency(obj: Document) -> str:
        return obj.get_urgency_display()

    @staticmethod
    def resolve_status_label(obj: Document) -> str:
        return obj.get_status_display()


class ReadingOut(Schema):
    leader: str
    position: int = Field(description="传阅顺序")
    delivered_at: Moment | None
    signed_at: Moment | None
    on_paper: bool = Field(description="纸质签阅后由工作人员录入")
    instruction: str = Field(description="批示")
    requires_action: bool = Field(description="批示要求办理")

    @staticmethod
    def resolve_leader(obj: Reading) -> str:
        return obj.leader.full_name


class DocumentDetail(DocumentOut):
    readings: list[ReadingOut]
    handling_units: list[str] = Field(description="承办单位，主办在前")

    @staticmethod
    def resolve_readings(obj: Document) -> list[Reading]:
        return readings_of(obj)

    @staticmethod
    def resolve_handling_units(obj: Document) -> list[str]:
        return [h.unit.name for h in obj.handling_units.select_related("unit").order_by("-lead", "pk")]


class DocumentFilter(Schema):
    received_from: Day | None = Field(None, description="收文日期起（含）")
    received_to: Day | None = Field(None, description="收文日期止（含）")
    status: Status | None = Field(None, description="状态代码")


@router.get("/documents", response={200: list[DocumentOut], **ERRORS}, summary="收文登记簿（新的在前）")
@paginate(Paged)
def document_list(request: HttpRequest, filters: Query[DocumentFilter]) -> object:
    user = person(request, capability="documents.view")
    rows = documents_visible_to(user)
    rows = narrowed(rows, "received_at", filters.received_from, filters.received_to, filters.status)
    return rows.order_by("-reg_year", "-reg_seq")


@router.get("/documents/{document_id}", response={200: DocumentDetail, **ERRORS}, summary="一件收文及其传阅")
def document_detail(request: HttpRequest, document_id: int) -> object:
    user = person(request, capability="documents.open")
    document = get_document_for(user, document_id)
    if document.secrecy >= Clearance.SECRET:  # as on its page: who opened a classified document is on record
        read_recorded(actor=user, action="document.view", obj=document, data={"via": "api"})
    return document
