import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

import pytest
from django.utils import timezone

from shuniu.core.models import User
from shuniu.core.workcal import WorkingCalendar
from shuniu.documents import services
from shuniu.documents.models import Document, Urgency

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def set_windows(
    monkeypatch: pytest.MonkeyPatch, away_until: dict[int, dt.datetime] | None = None
) -> dict[int, dt.datetime]:
    """Leaders' availability for the planner: always in, except those in `away_until` until then."""
    away_until = away_until if away_until is not None else {}

    def windows(
        leader: User, start: dt.datetime, end: dt.datetime, calendar: WorkingCalendar
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        back = away_until.get(leader.pk)
        return [(max(start, back), end)] if back else [(start, end)]

    monkeypatch.setattr("shuniu.documents.routing_adapter._windows", windows)
    return away_until


@pytest.fixture
def always_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every leader is in the office (the schedules module is tested on its own)."""
    set_windows(monkeypatch)


class Register(Protocol):
    """The `register` fixture: register an incoming document as the clerk (any other particular by keyword)."""

    def __call__(
        self,
        title: str = ...,
        *,
        urgency: str = ...,
        secrecy: int = ...,
        files: Sequence[services.Upload] = ...,
        **extra: Any,
    ) -> Document: ...


@pytest.fixture
def register(clerk: User) -> Register:
    def make(
        title: str = "关于做好冬季安全生产工作的通知",
        *,
        urgency: str = Urgency.NORMAL,
        secrecy: int = 0,
        files: Sequence[services.Upload] = (),
        **extra: Any,
    ) -> Document:
        now = timezone.now()
        deadline = extra.pop("deadline", now + dt.timedelta(days=1) if urgency != Urgency.NORMAL else None)
        return services.document_register(
            actor=clerk,
            received_at=extra.pop("received_at", now - dt.timedelta(minutes=30)),
            source_org=extra.pop("source_org", "市委办公室"),
            source_number=extra.pop("source_number", ""),
            title=title,
            urgency=urgency,
            secrecy=secrecy,
            secrecy_term=extra.pop("secrecy_term", "10年" if secrecy else ""),
            deadline=deadline,
            files=files,
            **extra,
        )

    return make


@pytest.fixture
def circulating(
    register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
) -> Document:
    """An urgent document, proposed to two leaders (leader first), approved with two copies."""
    document = register(urgency=Urgency.URGENT)
    services.proposal_submit(
        document=document, readers=[leader, leader2], order=[(leader, leader2)], copies_allowed=2, actor=clerk
    )
    services.proposal_approve(document=document, actor=director)
    document.refresh_from_db()
    return document
