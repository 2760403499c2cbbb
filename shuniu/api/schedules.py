"""Leaders' engagements in a date range; a confidential one shows only "忙碌" to whoever the page shows it so."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from shuniu.api.base import ERRORS, person
from shuniu.api.schemas import Day, Moment, day_range
from shuniu.core.models import User
from shuniu.schedules.models import Engagement
from shuniu.schedules.selectors import engagements_between, leader_ids, sees_in_full

router = Router(tags=["领导日程"])
MAX_DAYS = 62


class EngagementOut(Schema):
    id: int
    leaders: list[str] = Field(description="参加的领导，按排序")
    kind: str | None = Field(description="会议、下乡调研、外出、请假；保密日程对无权查看者为 null")
    title: str = Field(description="事项；保密日程对无权查看者为“忙碌”")
    place: str = Field(description="地点；保密日程对无权查看者为空")
    start: Moment
    end: Moment
    hidden: bool = Field(description="保密日程，内容对您不可见（页面上同样只显示“忙碌”）")


class RangeFilter(Schema):
    start: Day | None = Field(None, description="日期起（含），默认今天")
    end: Day | None = Field(None, description="日期止（含），默认起始日后 6 天；最多 62 天")
    leader: int | None = Field(None, ge=1, le=2**63 - 1, description="只看这位领导（用户编号）")


def _engagement(viewer: User, engagement: Engagement, names: dict[int, str]) -> dict[str, object]:
    full = sees_in_full(viewer, engagement)
    return {
        "id": engagement.pk,
        "leaders": [names.get(pk, "") for pk in leader_ids(engagement)],
        "kind": engagement.get_kind_display() if full else None,
        "title": engagement.title if full else "忙碌",
        "place": engagement.place if full else "",
        "start": engagement.start,
        "end": engagement.end,
        "hidden": not full,
    }


@router.get("/engagements", response={200: list[EngagementOut], **ERRORS}, summary="领导日程（一段日期内）")
def engagement_list(request: HttpRequest, filters: Query[RangeFilter]) -> object:
    viewer = person(request, capability="schedules.view")
    first = filters.start or timezone.localdate()
    last = filters.end or first + dt.timedelta(days=6)
    if (last - first).days >= MAX_DAYS:
        raise ValidationError({"end": f"一次最多查询 {MAX_DAYS} 天。"})
    start, end = day_range(first, last, ("start", "end"))
    if start is None or end is None:  # both days are given above
        raise ValidationError({"start": "请给出日期。"})
    leaders = [filters.leader] if filters.leader else None
    found = list(engagements_between(start, end, leaders).prefetch_related("attendances"))
    ids = {pk for e in found for pk in leader_ids(e)}
    names = {u.pk: u.full_name for u in User.objects.filter(pk__in=ids)}
    return [_engagement(viewer, e, names) for e in found]
