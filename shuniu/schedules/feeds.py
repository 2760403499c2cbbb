"""A leader's engagements as an iCalendar feed (RFC 5545), for the calendar app on their phone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from shuniu.core.models import User
from shuniu.schedules.selectors import engagements_between

PAST_DAYS = 30
FUTURE_DAYS = 180


def leader_ics(leader: User, *, now: dt.datetime | None = None) -> bytes:
    """The leader's engagements from a month back to half a year ahead.

    Confidential engagements show only as busy: a feed URL can travel further than its owner meant.
    """
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Shuniu//County Office//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{leader.full_name}的日程")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    start, end = now - dt.timedelta(days=PAST_DAYS), now + dt.timedelta(days=FUTURE_DAYS)
    for engagement in engagements_between(start, end, [leader.pk]):
        event = Event()
        event.add("uid", f"engagement-{engagement.pk}@shuniu")
        event.add("dtstamp", engagement.updated_at)
        event.add("dtstart", engagement.start)
        event.add("dtend", engagement.end)
        event.add("sequence", engagement.version)
        if engagement.confidential:
            event.add("summary", "忙碌")
            event.add("class", "CONFIDENTIAL")
        else:
            event.add("summary", f"{engagement.get_kind_display()}：{engagement.title}")
            if engagement.place:
                event.add("location", engagement.place)
            if engagement.notes:
                event.add("description", engagement.notes)
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
