import datetime as dt
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture
def engage(clerk):
    """Enter an engagement through the service, as a clerk would."""
    from shuniu.schedules import services

    def make(leader, start, end, *, kind="meeting", title="会议", confirm_overlap=False, confidential=False):
        return services.engagement_create(
            leader=leader,
            kind=kind,
            title=title,
            start=start,
            end=end,
            confidential=confidential,
            confirm_overlap=confirm_overlap,
            actor=clerk,
        )

    return make
