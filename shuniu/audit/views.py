"""The auditor's pages: the log in words (filters, Excel) and the chain's check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from shuniu.audit.forms import AuditFilterForm
from shuniu.audit.models import AuditCheckpoint
from shuniu.audit.selectors import EXPORT_LIMIT, entries_filtered, object_types, retention
from shuniu.audit.services import checkpoint_make, verify
from shuniu.audit.vocabulary import OPERATION_GROUPS, describe, object_label, operation_choices
from shuniu.core.access import current_user
from shuniu.core.excel import Column, Sheet, xlsx_response
from shuniu.core.paging import page_of
from shuniu.core.permissions import capability_required
from shuniu.core.responses import download
from shuniu.core.services import read_recorded

PAGE_SIZE = 50


def _filters_in_words(filters: dict[str, Any]) -> str:
    """The filters of an export, as the heading of the sheet says them."""
    words = []
    if filters.get("actor"):
        words.append(f"操作人含“{filters['actor']}”")
    if filters.get("action"):
        words.append(f"操作：{dict(operation_choices() + OPERATION_GROUPS).get(filters['action'], filters['action'])}")
    if filters.get("object_type"):
        words.append(f"对象：{object_label(filters['object_type'])}")
    if filters.get("since"):
        words.append(f"自 {filters['since']:%Y年%m月%d日}")
    if filters.get("until"):
        words.append(f"至 {filters['until']:%Y年%m月%d日}")
    return "筛选条件：" + "；".join(words) if words else "全部记录"


@capability_required("audit.view")
def entries(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = entries_filtered(**filters)
    exporting = request.GET.get("format") == "xlsx" and form.is_valid()
    read_recorded(
        actor=current_user(request),
        action="export.audit" if exporting else "audit.view",
        data={k: str(v) for k, v in filters.items() if v},
    )
    if exporting:
        rows = (
            (r.entry.seq, r.entry.at, r.entry.actor_name, r.operation, r.object_kind, r.entry.object_repr, r.details)
            for r in describe(found[:EXPORT_LIMIT])
        )
        sheet = Sheet(
            "审计日志",
            [
                Column("序号", 8),
                Column("时间", 18),
                Column("操作人", 12),
                Column("操作", 16),
                Column("对象类型", 12),
                Column("对象", 40, wrap=True),
                Column("详情", 60, wrap=True),
            ],
            rows,
            heading=f"审计日志（导出于 {timezone.localtime():%Y年%m月%d日 %H:%M}，{_filters_in_words(filters)}，最多 {EXPORT_LIMIT} 条）",
        )
        return xlsx_response([sheet], f"审计日志_{timezone.localtime():%Y%m%d_%H%M}.xlsx")
    page = page_of(request, found, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "audit/entries.html",
        {
            "form": form,
            "page": page,
            "rows": describe(page.items),
            "object_types": object_types(),
            "extent": retention(),
            "operations": operation_choices(),
            "operation_groups": OPERATION_GROUPS,
            "query": query.urlencode(),
        },
    )


@capability_required("audit.view")
def chain_verify(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/verify.html", {"result": verify()})


@capability_required("audit.view")
def checkpoints_export(request: HttpRequest) -> HttpResponseBase:
    """The chain's checkpoints as text, a new one for now first: to print, save or send elsewhere."""
    checkpoint_make()
    read_recorded(actor=current_user(request), action="export.checkpoints")
    lines = [c.line() for c in AuditCheckpoint.objects.order_by("-made_at", "-pk")[:400]]
    text = "\n".join(
        ["# 枢纽审计检查点：请打印或另存于系统之外。核对：shuniu audit-verify --checkpoint 本文件", *lines, ""]
    )
    return download(
        text.encode("utf-8"), f"审计检查点_{timezone.localtime():%Y%m%d_%H%M}.txt", "text/plain; charset=utf-8"
    )
