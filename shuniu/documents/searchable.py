"""What of the documents the search finds: number, title, issuing body, its number, and the leaders' instructions."""

from __future__ import annotations

from django.urls import reverse

from shuniu.core.text import chinese_date
from shuniu.documents.models import Document
from shuniu.documents.selectors import documents_visible_to
from shuniu.search.registry import Kind, Record, register


def record(document: Document) -> Record:
    instructions = [r.instruction for r in document.readings.all() if r.instruction]
    source = " ".join(x for x in (document.source_org, document.source_number) if x)
    return Record(
        title=f"{document.reg_number} {document.title}",
        detail=f"{source} · {chinese_date(document.received_at)}收文",
        text=[document.reg_number, document.title, document.source_org, document.source_number, *instructions],
    )


def kinds() -> None:
    register(
        Kind(
            key="document",
            label="收文",
            model=Document,
            visible=documents_visible_to,
            record=record,
            url=lambda pk: reverse("documents:detail", args=[pk]),
            order=10,
            rebuild_queryset=lambda: Document.objects.prefetch_related("readings"),
            icon="bi-file-earmark-text",
        )
    )
