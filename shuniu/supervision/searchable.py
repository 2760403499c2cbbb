"""What of supervision the search finds: a matter's number, title, content and instruction, and its units' reports."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse

from shuniu.search.registry import Kind, Record, register
from shuniu.supervision.models import Matter, Report
from shuniu.supervision.selectors import matters_for


def record(matter: Matter) -> Record:
    reports = [text for r in matter.reports.all() for text in (r.text, r.problems, r.next_steps) if text]
    return Record(
        title=f"{matter.number} {matter.title}",
        detail=f"{matter.get_source_display()} · 牵头单位 {matter.lead_unit.name if matter.lead_unit else '—'}",
        text=[matter.number, matter.title, matter.content, matter.instruction, *reports],
    )


def kinds() -> None:
    register(
        Kind(
            key="matter",
            label="督办事项",
            model=Matter,
            visible=matters_for,
            record=record,
            url=lambda pk: reverse("supervision:detail", args=[pk]),
            order=20,
            rebuild_queryset=lambda: Matter.objects.select_related("lead_unit").prefetch_related(
                Prefetch("reports", queryset=Report.objects.only("matter_id", "text", "problems", "next_steps"))
            ),
            icon="bi-clipboard-check",
        )
    )
