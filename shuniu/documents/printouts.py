"""Printouts: circulation slip, delivery list, registration book (PDF), and the book as Excel."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from shuniu.core.excel import Column, Sheet
from shuniu.core.printing import render_pdf
from shuniu.documents.models import Copy, Document, Reading, UnitCopy


def slip_pdf(document: Document, readings: list[Reading]) -> bytes:
    """文件传阅单: the document, the proposal, every reader with a box to sign and their instruction."""
    return render_pdf(
        "documents/print_slip.html",
        {
            "document": document,
            "readings": readings,
            "proposal": getattr(document, "proposal", None),
            "now": timezone.now(),
        },
    )


def deliveries_pdf(copies: Iterable[Copy], to_units: Iterable[UnitCopy] = ()) -> bytes:
    """The run's delivery list: the leaders' copies, then the units' paper copies, each with a column to sign."""
    return render_pdf(
        "documents/print_deliveries.html", {"copies": list(copies), "to_units": list(to_units), "now": timezone.now()}
    )


def register_pdf(documents: Iterable[Document], title: str) -> bytes:
    return render_pdf(
        "documents/print_register.html", {"documents": list(documents), "title": title, "now": timezone.now()}
    )


REGISTER_COLUMNS = [
    Column("收文编号", 16),
    Column("收文时间", 17),
    Column("来文单位", 20),
    Column("发文字号", 18),
    Column("标题", 48, wrap=True),
    Column("密级", 6),
    Column("紧急程度", 8),
    Column("类型", 8),
    Column("份数", 6),
    Column("页数", 6),
    Column("办理时限", 17),
    Column("状态", 10),
]


def register_sheet(documents: Iterable[Document]) -> Sheet:
    """收文登记簿 as a sheet; `documents` is consumed row by row."""
    rows = (
        [
            doc.reg_number,
            doc.received_at,
            doc.source_org,
            doc.source_number,
            doc.title,
            doc.get_secrecy_display(),
            doc.get_urgency_display(),
            doc.get_kind_display(),
            doc.copies_received,
            doc.pages,
            doc.deadline,
            doc.get_status_display(),
        ]
        for doc in documents
    )
    return Sheet("收文登记簿", REGISTER_COLUMNS, rows)
