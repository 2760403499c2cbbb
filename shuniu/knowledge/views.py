"""Pages of the county's facts: the overview by group, a fact's history with its new value and comparison."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuniu.core.access import current_user
from shuniu.core.excel import Column, Sheet, xlsx_response
from shuniu.core.permissions import capability_required
from shuniu.core.printing import PDF, render_pdf
from shuniu.core.responses import acted, download, form_acted
from shuniu.knowledge import selectors, services
from shuniu.knowledge.forms import StatementForm, SupersedeForm
from shuniu.knowledge.models import Statement


@capability_required("knowledge.view")
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledge/overview.html", {"groups": selectors.fact_lines()})


@capability_required("knowledge.view")
def fact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    fact = selectors.fact_for(pk)
    values = selectors.history(fact)
    editable = selectors.may_edit(user, fact.group)
    context = {
        "fact": fact,
        "values": values,
        "standing": selectors.current(values),
        "form": StatementForm(auto_id="value_%s") if editable else None,
        "editable": editable,
        "comparison": selectors.compare(fact, *([*request.GET.getlist("pick"), "", ""][:2])),
    }
    return render(request, "knowledge/fact_detail.html", context)


@capability_required("knowledge.view")
@require_POST
def statement_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    fact = selectors.fact_for(pk)
    return form_acted(
        request,
        StatementForm(request.POST),
        lambda data: services.statement_add(
            fact=fact,
            actor=user,
            value=data["value"],
            as_of=data["as_of"],
            source=data["source"],
            preferred=data["preferred"],
        ),
        "已录入；此前的数值保留在历史中。",
        reverse("knowledge:fact", args=[pk]),
    )


@capability_required("knowledge.view")
@require_POST
def statement_supersede(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    user = current_user(request)
    fact = selectors.fact_for(pk)
    statement = get_object_or_404(Statement.objects.select_related("fact__group"), pk=sid, fact=fact)
    return form_acted(
        request,
        SupersedeForm(request.POST),
        lambda data: services.statement_supersede(statement=statement, actor=user, reason=data["reason"]),
        "已作废，仍保留在历史中。",
        reverse("knowledge:fact", args=[pk]),
    )


@capability_required("knowledge.view")
@require_POST
def statement_prefer(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    user = current_user(request)
    fact = selectors.fact_for(pk)
    statement = get_object_or_404(Statement.objects.select_related("fact__group"), pk=sid, fact=fact)
    return acted(
        request,
        lambda: services.statement_prefer(statement=statement, actor=user),
        "已设为首选数值。",
        reverse("knowledge:fact", args=[pk]),
    )


@capability_required("knowledge.view")
def profile_pdf(request: HttpRequest) -> HttpResponse:
    """县情一览: every current value with its date, on one A4 page for a leader's pocket."""
    pdf = render_pdf("knowledge/print_profile.html", {"groups": selectors.fact_lines()})
    return download(pdf, "示例县县情一览.pdf", PDF, inline=True)


@capability_required("knowledge.view")
def facts_xlsx(request: HttpRequest) -> HttpResponseBase:
    """Every fact with its whole history (superseded values marked) in one sheet."""
    columns = [Column("分组", 12), Column("项目", 24), Column("数值", 16), Column("计量单位", 10)]
    columns += [Column("截至", 12), Column("来源", 36), Column("状态", 10), Column("说明", 30)]
    return xlsx_response(
        [Sheet("县情", columns, selectors.history_table(), heading="示例县县情（含历次数值）")], "示例县县情.xlsx"
    )
