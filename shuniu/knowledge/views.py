"""Pages of the county's facts: the overview by group, a fact's history with its new value and comparison."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.access import current_user
from shuniu.core.excel import Column, Sheet, xlsx_response
from shuniu.core.forms import StyledForm, int_param
from shuniu.core.models import User
from shuniu.core.permissions import can, capability_required
from shuniu.core.printing import PDF, render_pdf
from shuniu.core.responses import acted, download, form_acted
from shuniu.knowledge import selectors, services
from shuniu.knowledge.forms import (
    LinkForm,
    MilestoneForm,
    ProgressForm,
    ProjectForm,
    ReachForm,
    StatementForm,
    SupersedeForm,
)
from shuniu.knowledge.models import Project, Statement


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


# Key projects (重点项目)


@capability_required("knowledge.view")
def project_list(request: HttpRequest) -> HttpResponse:
    years = selectors.project_years()
    year = int_param(request.GET.get("year"), years[0] if years else timezone.localdate().year, 2000, 2100)
    lines = selectors.project_lines(year)
    context = {
        "year": year,
        "years": years,
        "lines": lines,
        "can_manage": can(current_user(request), "knowledge.manage"),
        "rule": (selectors.BEHIND_YELLOW, selectors.BEHIND_RED),
    }
    return render(request, "knowledge/project_list.html", context)


@capability_required("knowledge.manage")
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ProjectForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已登记重点项目；请设置节点，并请责任单位按月填报进展。")
            return redirect("knowledge:project", project.pk)
    return render(request, "knowledge/project_new.html", {"form": form}, status=400 if form.errors else 200)


@capability_required("knowledge.view")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    project = selectors.project_for(pk)
    context: dict[str, object] = {
        "page": selectors.project_page(user, project),
        "may_report": selectors.may_report(user, project),
        "can_manage": can(user, "knowledge.manage"),
        "progress_form": ProgressForm(initial={"as_of": timezone.localdate()}),
        "milestone_form": MilestoneForm(),
        "link_form": LinkForm(),
        "rule": (selectors.BEHIND_YELLOW, selectors.BEHIND_RED),
    }
    return render(request, "knowledge/project_detail.html", context)


def _on_project(
    request: HttpRequest, pk: int, form: StyledForm, act: Callable[[User, Project, dict[str, Any]], object], done: str
) -> HttpResponse:
    """A project page's small form: its service run for the user and the project, then back to the page."""
    user = current_user(request)
    project = selectors.project_for(pk)
    return form_acted(
        request, form, lambda data: act(user, project, data), done, reverse("knowledge:project", args=[pk])
    )


@capability_required("knowledge.view")
@require_POST
def project_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_project(
        request,
        pk,
        ProgressForm(request.POST),
        lambda user, project, data: services.progress_report(project=project, actor=user, **data),
        "已填报项目进展。",
    )


@capability_required("knowledge.manage")
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_project(
        request,
        pk,
        MilestoneForm(request.POST),
        lambda user, project, data: services.milestone_add(project=project, actor=user, **data),
        "已设置节点。",
    )


@capability_required("knowledge.view")
@require_POST
def milestone_reach(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    return _on_project(
        request,
        pk,
        ReachForm(request.POST),
        lambda user, project, data: services.milestone_reach(
            milestone=selectors.milestone_for(project, mid), actor=user, done_on=data["done_on"]
        ),
        "已记录节点完成。",
    )


@capability_required("knowledge.manage")
@require_POST
def project_link(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_project(
        request,
        pk,
        LinkForm(request.POST),
        lambda user, project, data: services.project_link_matter(project=project, actor=user, number=data["number"]),
        "已关联督办事项。",
    )


@capability_required("knowledge.manage")
@require_POST
def project_unlink(request: HttpRequest, pk: int, matter_pk: int) -> HttpResponse:
    user = current_user(request)
    project = selectors.project_for(pk)
    matter = selectors.linked_matter_for(user, project, matter_pk)
    return acted(
        request,
        lambda: services.project_unlink_matter(project=project, actor=user, matter=matter),
        "已取消关联。",
        reverse("knowledge:project", args=[pk]),
    )
