import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

import pytest

from shuniu.core.models import User
from shuniu.schedules.models import Engagement

TZ = ZoneInfo("Asia/Shanghai")
# Key work may not start in the past: tests that give it a date give one in a year still to come.
YEAR = dt.datetime.now(tz=TZ).year + 1


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


class Engage(Protocol):
    """The `engage` fixture: enter an engagement for one leader or several."""

    def __call__(
        self,
        leader: User | list[User],
        start: dt.datetime,
        end: dt.datetime,
        *,
        kind: str = ...,
        title: str = ...,
        confirm_overlap: bool = ...,
        confidential: bool = ...,
    ) -> Engagement: ...


@pytest.fixture
def engage(clerk: User) -> Engage:
    """Enter an engagement through the service, as a clerk would (`leader` may be a list of leaders)."""
    from shuniu.schedules import services

    def make(
        leader: User | list[User],
        start: dt.datetime,
        end: dt.datetime,
        *,
        kind: str = "meeting",
        title: str = "会议",
        confirm_overlap: bool = False,
        confidential: bool = False,
    ) -> Engagement:
        return services.engagement_create(
            leaders=leader if isinstance(leader, list) else [leader],
            kind=kind,
            title=title,
            start=start,
            end=end,
            confidential=confidential,
            confirm_overlap=confirm_overlap,
            actor=clerk,
        )

    return make
