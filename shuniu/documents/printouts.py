"""Printouts: circulation slip, delivery list, registration book (PDF), and the book as Excel."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from shuniu.documents.models import Copy, Document, Reading


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # loads Pango: only printing needs it

    return HTML(string=render_to_string(template, context)).write_pdf() or b""


def slip_pdf(document: Document, readings: list[Reading]) -> bytes:
    """文件传阅单: the document, the proposal, every reader with a box to sign and their instruction."""
    return _pdf(
        "documents/print_slip.html",
        {
            "document": document,
            "readings": readings,
            "proposal": getattr(document, "proposal", None),
            "now": timezone.now(),
        },
    )


def deliveries_pdf(copies: Iterable[Copy]) -> bytes:
    return _pdf("documents/print_deliveries.html", {"copies": list(copies), "now": timezone.now()})


def register_pdf(documents: Iterable[Document], title: str) -> bytes:
    return _pdf("documents/print_register.html", {"documents": list(documents), "title": title, "now": timezone.now()})


REGISTER_COLUMNS = [
    "收文编号",
    "收文时间",
    "来文单位",
    "发文字号",
    "标题",
    "密级",
    "紧急程度",
    "类型",
    "份数",
    "页数",
    "办理时限",
    "状态",
]


def register_xlsx(documents: Iterable[Document]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = "收文登记簿"
    sheet.append(REGISTER_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for doc in documents:
        sheet.append(
            [
                doc.reg_number,
                timezone.localtime(doc.received_at).strftime("%Y-%m-%d %H:%M"),
                doc.source_org,
                doc.source_number,
                doc.title,
                doc.get_secrecy_display(),
                doc.get_urgency_display(),
                doc.get_kind_display(),
                doc.copies_received,
                doc.pages,
                timezone.localtime(doc.deadline).strftime("%Y-%m-%d %H:%M") if doc.deadline else "",
                doc.get_status_display(),
            ]
        )
    for index, width in enumerate([16, 17, 20, 18, 48, 6, 8, 8, 6, 6, 17, 10], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
