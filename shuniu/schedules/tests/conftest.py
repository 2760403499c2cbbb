import datetime as dt
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")
# Key work may not start in the past: tests that give it a date give one in a year still to come.
YEAR = dt.datetime.now(tz=TZ).year + 1


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture
def engage(clerk):
    """Enter an engagement through the service, as a clerk would (`leader` may be a list of leaders)."""
    from shuniu.schedules import services

    def make(leader, start, end, *, kind="meeting", title="会议", confirm_overlap=False, confidential=False):
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
