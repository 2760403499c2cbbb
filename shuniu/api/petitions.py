"""Petitions, masked: the matter for everyone who may see it; petitioners (masked) only to whom the pages show them."""

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from shuniu.api.base import ERRORS, Paged, person
from shuniu.api.schemas import Day, Moment, narrowed
from shuniu.core.access import get_visible_or_404
from shuniu.core.personal import mask_text, redact
from shuniu.petitions.models import Party, Petition, Status
from shuniu.petitions.selectors import petitions_for, sees_petitioners

router = Router(tags=["信访"])


class PetitionOut(Schema):
    id: int
    number: str = Field(description="信访编号，如 信〔2026〕12号")
    channel: str
    category: str
    topic: str
    status: str
    status_label: str
    received_at: Moment
    people_count: int
    handling_unit: str | None
    summary: str = Field(description="反映问题（其中七位以上的数字和信访人姓名已去除）")

    @staticmethod
    def resolve_channel(obj: Petition) -> str:
        return obj.get_channel_display()

    @staticmethod
    def resolve_category(obj: Petition) -> str:
        return obj.get_category_display()

    @staticmethod
    def resolve_topic(obj: Petition) -> str:
        return obj.get_topic_display()

    @staticmethod
    def resolve_status_label(obj: Petition) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_handling_unit(obj: Petition) -> str | None:
        return obj.handling_unit.name if obj.handling_unit else None

    @staticmethod
    def resolve_summary(obj: Petition) -> str:
        return redact(obj.summary, _names(obj))


class PetitionerOut(Schema):
    name: str = Field(description="姓名（遮蔽）")
    id_number: str = Field(description="身份证号（遮蔽）")
    phone: str = Field(description="电话（遮蔽）")
    place: str = Field(description="乡镇、村（不含详细地址）")
    representative: bool


class PetitionDetail(PetitionOut):
    appeal: str = Field(description="诉求（其中七位以上的数字和信访人姓名已去除）")
    petitioners: list[PetitionerOut] | None = Field(description="信访人（遮蔽）；无权查看信访人时为 null")

    @staticmethod
    def resolve_appeal(obj: Petition) -> str:
        return redact(obj.appeal, _names(obj))

    @staticmethod
    def resolve_petitioners(obj: Petition, context: dict[str, Any]) -> list[PetitionerOut] | None:
        if not sees_petitioners(context["request"].user, obj):
            return None
        found = Party.objects.filter(petition=obj).select_related("petitioner__township", "petitioner__village")
        return [_petitioner(p) for p in found]


class PetitionFilter(Schema):
    received_from: Day | None = Field(None, description="接待日期起（含）")
    received_to: Day | None = Field(None, description="接待日期止（含）")
    status: Status | None = Field(None, description="状态代码")


@router.get("/petitions", response={200: list[PetitionOut], **ERRORS}, summary="信访事项（新的在前）")
@paginate(Paged)
def petition_list(request: HttpRequest, filters: Query[PetitionFilter]) -> object:
    user = person(request, capability="petitions.view")
    rows = petitions_for(user).select_related("handling_unit").prefetch_related(NAMES)
    rows = narrowed(rows, "received_at", filters.received_from, filters.received_to, filters.status)
    return rows.order_by("-received_at", "-pk")


# The petitioners' names only (for taking them out of the text): their sealed particulars stay sealed.
NAMES = Prefetch("parties", queryset=Party.objects.select_related("petitioner").only("petition_id", "petitioner__name"))


def _names(petition: Petition) -> list[str]:
    return [party.petitioner.name for party in petition.parties.all()]


def _petitioner(party: Party) -> PetitionerOut:
    who = party.petitioner
    return PetitionerOut(
        name=mask_text(who.name, 1),
        id_number=who.masked_id,
        phone=who.masked_phone,
        place=who.place,
        representative=party.representative,
    )


@router.get("/petitions/{petition_id}", response={200: PetitionDetail, **ERRORS}, summary="一件信访事项（遮蔽）")
def petition_detail(request: HttpRequest, petition_id: int) -> object:
    user = person(request, capability="petitions.view")
    return get_visible_or_404(petitions_for(user).prefetch_related(NAMES), petition_id)
