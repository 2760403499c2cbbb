"""What the documents' list pages show of each row, as plain values (rendered once for them: core/template_rows.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shuniu.core.models import Clearance, User
from shuniu.core.numbering import official_number
from shuniu.documents.models import SERIES, Document, Status

_STATUS_LABELS = dict(Status.choices)
_SECRECY_LABELS = dict(Clearance.choices)


class Badged:
    """What `_badges.html` reads of a row: its urgency, its secrecy and the secrecy's name, as a document's.

    The partial serves documents and rows alike, so a row answers `get_secrecy_display` as the model does;
    the two fields are declared again by each row class, where they are the dataclass's own.
    """

    __slots__ = ()

    urgency: str
    secrecy: int

    def get_secrecy_display(self) -> str:
        """The secrecy as the badges print it, like the model's."""
        return _SECRECY_LABELS.get(self.secrecy, str(self.secrecy))


@dataclass(frozen=True, slots=True)
class RegisterRow(Badged):
    """A line of the registration book as plain values: its HTML is rendered once for them (`{% row %}`)."""

    pk: int
    reg_number: str
    received_at: dt.datetime
    source_org: str
    source_number: str
    title: str
    deadline: dt.datetime | None
    status_label: str
    needs_supervision: bool
    urgency: str
    secrecy: int


@dataclass(frozen=True, slots=True)
class DeskRow(Badged):
    """A copy waiting on a desk as plain values: its HTML is rendered once for them (`{% row %}`)."""

    pk: int
    pinned: bool
    delivered_at: dt.datetime | None
    on_behalf_of: str  # the leader whose desk the user keeps; empty on the user's own desk
    title: str
    reg_number: str
    source_org: str
    deadline: dt.datetime | None
    urgency: str
    secrecy: int


def register_rows(documents: Sequence[Document]) -> list[RegisterRow]:
    """The lines of a page of `register(user)`."""
    return [
        RegisterRow(
            pk=document.pk,
            reg_number=document.reg_number,
            received_at=document.received_at,
            source_org=document.source_org,
            source_number=document.source_number,
            title=document.title,
            deadline=document.deadline,
            status_label=_STATUS_LABELS.get(document.status, document.status),
            needs_supervision=document.needs_supervision,
            urgency=document.urgency,
            secrecy=document.secrecy,
        )
        for document in documents
    ]


def desk_rows(user: User, lines: Sequence[dict[str, Any]]) -> list[DeskRow]:
    """The lines of a page of `desk_lines(user)`."""
    return [
        DeskRow(
            pk=line["pk"],
            pinned=line["pinned"],
            delivered_at=line["delivered_at"],
            on_behalf_of="" if line["leader_id"] == user.pk else line["leader__full_name"],
            title=line["document__title"],
            reg_number=official_number(SERIES, line["document__reg_year"], line["document__reg_seq"]),
            source_org=line["document__source_org"],
            deadline=line["document__deadline"],
            urgency=line["document__urgency"],
            secrecy=line["document__secrecy"],
        )
        for line in lines
    ]
