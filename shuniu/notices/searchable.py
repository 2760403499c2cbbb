"""What of notices and calls the search finds: a notice's number, subject, place and agenda; a call's number and content.

A call's number and caller are a citizen's particulars and are not indexed (a caller is found by
number on the calls page); the content is indexed with ID and phone numbers and the caller's name taken out.
"""

from __future__ import annotations

from django.urls import reverse

from shuniu.core.personal import redact
from shuniu.core.text import chinese_date
from shuniu.notices.models import Call, Notice
from shuniu.notices.selectors import calls_for, notices_for
from shuniu.search.registry import Kind, Record, register


def notice_record(notice: Notice) -> Record:
    return Record(
        title=f"{notice.number} {notice.subject}",
        detail=f"{chinese_date(notice.starts_at, time=True)} · {notice.place}",
        text=[notice.number, notice.subject, notice.place, notice.convener, notice.agenda, notice.attendees],
    )


def call_record(call: Call) -> Record:
    content = redact(call.content, [call.caller])
    return Record(
        title=f"{call.number_label} {call.get_topic_display()}",
        detail=content[:80] + ("…" if len(content) > 80 else ""),
        text=[call.number_label, call.get_topic_display(), content, redact(call.instruction, [call.caller])],
    )


def kinds() -> None:
    register(
        Kind(
            key="notice",
            label="电话通知",
            model=Notice,
            visible=notices_for,
            record=notice_record,
            url=lambda pk: reverse("notices:detail", args=[pk]),
            order=40,
            icon="bi-telephone",
        )
    )
    register(
        Kind(
            key="call",
            label="来电",
            model=Call,
            visible=calls_for,
            record=call_record,
            url=lambda pk: reverse("calls:detail", args=[pk]),
            order=45,
            icon="bi-telephone-inbound",
        )
    )
