"""Pages of supervision: the list, registration, a matter's page and the actions taken on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.access import current_user
from shuniu.core.forms import form_errors
from shuniu.core.models import Unit
from shuniu.core.permissions import can, capability_required
from shuniu.core.workcal import WorkingCalendar
from shuniu.documents.access import get_document_for
from shuniu.supervision import selectors, services
from shuniu.supervision.flow import MATTER_FLOW
from shuniu.supervision.forms import ChaseForm, MatterForm, ObjectForm, ReassignForm, RecordSignForm, ReportForm
from shuniu.supervision.models import Assignment, Receipt, Status

PAGE_SIZE = 30


@capability_required("supervision.view")
def matter_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")
    page = Paginator(selectors.matter_list(user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    now, calendar = timezone.now(), WorkingCalendar.load()
    rows = [(m, selectors.matter_light(m, now, calendar)) for m in page]
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": Status.choices,
        "can_manage": can(user, "supervision.manage"),
    }
    return render(request, "supervision/matter_list.html", context)


@capability_required("supervision.manage")
@require_http_methods(["GET", "POST"])
def matter_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    document_pk = request.POST.get("document") or request.GET.get("document")
    document = get_document_for(user, document_pk) if document_pk and str(document_pk).isdigit() else None
    form = MatterForm(request.POST or None, initial=selectors.draft_from_document(document) if document else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deadline = data["deadline"] or (
            None
            if data["cycle"]
            else services.default_deadline(data["source"], data["urgency"], timezone.now(), WorkingCalendar.load())
        )
        try:
            matter = services.matter_register(
                actor=user,
                source=data["source"],
                title=data["title"],
                content=data["content"],
                instruction=data["instruction"],
                instructing_leader=data["instructing_leader"],
                leader_in_charge=data["leader_in_charge"],
                lead_unit=data["lead_unit"],
                co_units=list(data["co_units"]),
                urgency=data["urgency"],
                cycle=data["cycle"] or "",
                deadline=deadline,
                document=document,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记 {matter.number}，并交办给承办单位。")
            return redirect("supervision:detail", pk=matter.pk)
    return render(request, "supervision/matter_form.html", {"form": form, "document": document})


@capability_required("supervision.view")
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    matter = selectors.matter_for(user, pk)
    mine = selectors.own_assignment(user, matter)
    staff = can(user, "supervision.manage")
    context: dict[str, Any] = {
        "matter": matter,
        "light": selectors.matter_light(matter, timezone.now(), WorkingCalendar.load()),
        "assignments": matter.assignments.select_related("unit"),
        "reports": matter.reports.select_related("assignment__unit", "author"),
        "chases": matter.chases.select_related("by", "assignment__unit"),
        "actions": MATTER_FLOW.actions_for(matter, user),
        "history": [(h, MATTER_FLOW.actions[h.action].label) for h in MATTER_FLOW.history(matter)],
        "mine": mine,
        "staff": staff,
        "report_form": ReportForm()
        if mine and mine.receipt == Receipt.SIGNED and matter.status == Status.ACTING
        else None,
        "object_form": ObjectForm() if mine and mine.receipt in (Receipt.TO_SIGN, Receipt.SIGNED) else None,
        "chase_form": ChaseForm() if staff and matter.status != Status.CLOSED else None,
        "record_form": RecordSignForm() if staff else None,
        "units": Unit.objects.filter(is_active=True).order_by("kind", "sort_order", "name") if staff else (),
    }
    return render(request, "supervision/matter_detail.html", context)


def _assignment(request: HttpRequest, pk: int, assignment_pk: int) -> Assignment:
    matter = selectors.matter_for(current_user(request), pk)
    assignment = matter.assignments.filter(pk=assignment_pk).first()
    if assignment is None:
        raise Http404
    return assignment


def _act(request: HttpRequest, pk: int, act: Callable[[], object], done: str) -> HttpResponse:
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("supervision:detail", pk=pk)


@capability_required("supervision.view")
@require_POST
def assignment_sign(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, assignment_pk)
    user = current_user(request)
    form = RecordSignForm(request.POST) if request.POST.get("channel") else None
    if form is not None and not form.is_valid():
        messages.error(request, "代录签收须选择方式并填写签收人。")
        return redirect("supervision:detail", pk=pk)
    channel, person = (form.cleaned_data["channel"], form.cleaned_data["person"]) if form else ("screen", "")
    return _act(
        request,
        pk,
        lambda: services.assignment_sign(assignment=assignment, actor=user, channel=channel, person=person),
        f"{assignment.unit.name}已签收。",
    )


@capability_required("supervision.report")
@require_POST
def assignment_object(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, assignment_pk)
    form = ObjectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda: services.assignment_object(assignment=assignment, actor=current_user(request), reason=reason),
        "已提出“不属于本单位职责”，等待督查室改派。",
    )


@capability_required("supervision.manage")
@require_POST
def assignment_reassign(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, assignment_pk)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择改派的单位。")
        return redirect("supervision:detail", pk=pk)
    unit = form.cleaned_data["unit"]
    return _act(
        request,
        pk,
        lambda: services.assignment_reassign(
            assignment=assignment, unit=unit, actor=current_user(request), reason=form.cleaned_data["reason"]
        ),
        f"已改派给{unit.name}。",
    )


@capability_required("supervision.report")
@require_POST
def report_submit(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, assignment_pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("supervision:detail", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda: services.report_submit(
            assignment=assignment,
            actor=current_user(request),
            text=data["text"],
            percent=data["percent"],
            problems=data["problems"],
            next_steps=data["next_steps"],
            completion=data["completion"],
        ),
        "办结报告已提交，等待督查室复核。" if data["completion"] else "进展已报告。",
    )


@capability_required("supervision.manage")
@require_POST
def chase_record(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.matter_for(current_user(request), pk)
    form = ChaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("supervision:detail", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda: services.chase_record(
            matter=matter,
            actor=current_user(request),
            method=data["method"],
            reached=data["reached"],
            outcome=data["outcome"],
        ),
        "催办已登记。",
    )


@capability_required("supervision.manage")
@require_POST
def matter_review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    matter = selectors.matter_for(current_user(request), pk)
    done = {"close": "事项已办结。", "send_back": "已退回重办。"}.get(action)
    if done is None:
        raise Http404
    return _act(
        request,
        pk,
        lambda: services.matter_review(
            matter=matter, actor=current_user(request), action=action, reason=request.POST.get("reason", "")[:300]
        ),
        done,
    )
