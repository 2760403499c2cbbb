"""Pages of supervision: the list, registration, a matter's page and the actions taken on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.access import current_user
from shuniu.core.excel import xlsx_response
from shuniu.core.files import Upload, file_response
from shuniu.core.forms import date_param, form_errors, is_number, period_param
from shuniu.core.paging import page_of
from shuniu.core.permissions import can, capability_required
from shuniu.core.printing import PDF
from shuniu.core.responses import acted, download
from shuniu.core.services import read_recorded
from shuniu.core.workcal import WorkingCalendar
from shuniu.documents.access import get_document_for
from shuniu.notices.selectors import call_for
from shuniu.petitions.selectors import petition_for, supervision_draft
from shuniu.supervision import printouts, selectors, services
from shuniu.supervision.forms import (
    ChaseForm,
    CommentForm,
    DecideForm,
    EscalationForm,
    ExtensionForm,
    MatterForm,
    ObjectForm,
    ReassignForm,
    RecordSignForm,
    ReportForm,
)
from shuniu.supervision.models import Assignment, Level, Receipt, Status
from shuniu.supervision.rows import matter_rows

PAGE_SIZE = 30


@capability_required("supervision.view")
def matter_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")
    narrowing = selectors.Narrowing.from_query(request.GET)
    matters = selectors.matter_list(user, status=status, narrowing=narrowing)
    page = page_of(request, selectors.matter_lines(matters), PAGE_SIZE)
    context = {
        "page": page,
        "rows": matter_rows(page.items, timezone.now(), WorkingCalendar.load()),
        "status": "narrowed" if narrowing else status,
        "narrowed": narrowing.label() if narrowing else "",
        "statuses": Status.choices,
        "all": selectors.ALL,
        "can_manage": can(user, "supervision.manage"),
        "can_figures": can(user, "supervision.figures"),
    }
    return render(request, "supervision/matter_list.html", context)


@capability_required("supervision.manage")
@require_http_methods(["GET", "POST"])
def matter_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    document_pk = request.POST.get("document") or request.GET.get("document")
    document = get_document_for(user, document_pk) if document_pk and is_number(str(document_pk)) else None
    petition_pk = request.POST.get("petition") or request.GET.get("petition") or ""
    petition = petition_for(user, petition_pk) if is_number(petition_pk) else None
    initial = selectors.draft_from_document(document) if document else None
    if petition is not None:
        initial = supervision_draft(petition)
    call_pk = request.POST.get("call") or request.GET.get("call") or ""
    call = call_for(user, call_pk) if is_number(call_pk) and can(user, "calls.view") else None
    if call is not None:
        initial = selectors.draft_from_call(call)
    accusation = petition is not None and petition.category == "accusation"
    form = MatterForm(request.POST or None, initial=initial, accusation=accusation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
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
                deadline=data["deadline"],
                document=document,
                petition=petition,
                call=call,
                not_accused=data.get("not_accused", False),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记 {matter.number}，并交办给承办单位。")
            return redirect("supervision:detail", pk=matter.pk)
    return render(
        request,
        "supervision/matter_form.html",
        {"form": form, "document": document, "petition": petition, "call": call},
    )


@capability_required("supervision.view")
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    page = selectors.matter_page(user, selectors.matter_for(user, pk), timezone.now(), WorkingCalendar.load())
    may = page["may"]
    forms = {
        "report_form": ReportForm(auto_id="report_%s") if may["report"] else None,
        "object_form": ObjectForm(auto_id="object_%s") if may["object"] else None,
        "extension_form": ExtensionForm(auto_id="ext_%s") if may["extend"] else None,
        "decide_form": DecideForm(auto_id="decide_%s", initial={"new_deadline": page["pending"].expected})
        if may["decide"]
        else None,
        "escalation_form": EscalationForm(
            auto_id="esc_%s", assignments=page["live"], initial={"level": page["level"] or Level.BLUE}
        )
        if may["escalate"]
        else None,
        "chase_form": ChaseForm(auto_id="chase_%s") if may["chase"] else None,
        "comment_form": CommentForm(auto_id="comment_%s") if may["comment"] else None,
    }
    return render(request, "supervision/matter_detail.html", {**page, **forms})


def _assignment(request: HttpRequest, pk: int, assignment_pk: int) -> Assignment:
    matter = selectors.matter_for(current_user(request), pk)
    assignment = matter.assignments.filter(pk=assignment_pk).first()
    if assignment is None:
        raise Http404
    return assignment


def _act(request: HttpRequest, pk: int, act: Callable[[], object], done: str) -> HttpResponse:
    return acted(request, act, done, reverse("supervision:detail", args=[pk]))


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
    form = ReportForm(request.POST, request.FILES)
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
            uploads=[Upload(f.name or "附件", f.read()) for f in data["uploads"]],
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


@capability_required("supervision.report")
@require_POST
def extension_request(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, assignment_pk)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("supervision:detail", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda: services.extension_request(
            assignment=assignment,
            actor=current_user(request),
            reason=data["reason"],
            expected=data["expected"],
            progress=data["progress"],
        ),
        "延期申请已提交，等待督查室审批。",
    )


@capability_required("supervision.manage")
@require_POST
def extension_decide(request: HttpRequest, pk: int, extension_pk: int, verdict: str) -> HttpResponse:
    matter = selectors.matter_for(current_user(request), pk)
    extension = matter.extensions.filter(pk=extension_pk).first()
    if extension is None or verdict not in ("approve", "refuse"):
        raise Http404
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("supervision:detail", pk=pk)
    return _act(
        request,
        pk,
        lambda: services.extension_decide(
            extension=extension,
            actor=current_user(request),
            approve=verdict == "approve",
            new_deadline=form.cleaned_data["new_deadline"],
            answer=form.cleaned_data["answer"],
        ),
        "已同意延期，办理时限已更新。" if verdict == "approve" else "已答复不同意延期。",
    )


@capability_required("supervision.manage")
@require_POST
def escalation_issue(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.matter_for(current_user(request), pk)
    form = EscalationForm(request.POST, assignments=matter.assignments.select_related("unit"))
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("supervision:detail", pk=pk)
    data = form.cleaned_data
    assignment = matter.assignments.get(pk=data["assignment"])
    return _act(
        request,
        pk,
        lambda: services.escalation_issue(
            matter=matter, assignment=assignment, actor=current_user(request), level=data["level"], text=data["text"]
        ),
        f"已发出{Level(data['level']).label}。",
    )


@capability_required("supervision.comment")
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    matter = selectors.matter_for(current_user(request), pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("supervision:detail", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda: services.comment_add(
            matter=matter, actor=current_user(request), text=data["text"], more=data["more"], deadline=data["deadline"]
        ),
        "已阅示，事项重新交办承办单位继续办理。" if data["more"] else "已阅示。",
    )


@capability_required("supervision.view")
def notice_pdf(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = _assignment(request, pk, assignment_pk)
    user = current_user(request)
    if assignment.receipt == Receipt.WITHDRAWN or not selectors.prints_notice(user, assignment):
        raise Http404
    matter = assignment.matter
    return download(
        printouts.notice_pdf(matter, assignment),
        f"督办通知单_{matter.year}_{matter.seq}_{assignment.unit.name}.pdf",
        PDF,
        inline=True,
    )


@capability_required("supervision.view")
def escalation_pdf(request: HttpRequest, pk: int, escalation_pk: int) -> HttpResponse:
    user = current_user(request)
    escalation = selectors.escalations_for(user, selectors.matter_for(user, pk)).filter(pk=escalation_pk).first()
    if escalation is None:
        raise Http404
    title = services.escalation_title(escalation.level)
    matter = escalation.matter
    return download(
        printouts.escalation_pdf(escalation, title), f"{title}_{matter.year}_{matter.seq}.pdf", PDF, inline=True
    )


@capability_required("supervision.view")
def feedback_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    matter = selectors.matter_for(user, pk)
    if matter.status != Status.CLOSED or not selectors.reads_feedback(user, matter):
        raise Http404
    pdf = printouts.feedback_pdf(matter, selectors.feedback_context(matter))
    return download(pdf, f"反馈报告_{matter.year}_{matter.seq}.pdf", PDF, inline=True)


@capability_required("supervision.view")
def report_attachment(request: HttpRequest, pk: int, report_pk: int, attachment_pk: int) -> HttpResponseBase:
    user = current_user(request)
    matter = selectors.matter_for(user, pk)
    report = matter.reports.filter(pk=report_pk).first()
    attachment = report.attachments.filter(pk=attachment_pk).first() if report else None
    if attachment is None:
        raise Http404
    read_recorded(actor=user, action="attachment.download", obj=matter, data={"name": attachment.name})
    return file_response(attachment)


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@capability_required("supervision.figures")
def figures(request: HttpRequest) -> HttpResponseBase:
    user = current_user(request)
    today = timezone.localdate()
    first, last, start, end = period_param(request.GET, today.replace(day=1), today)
    by = "leader" if request.GET.get("by") == "leader" else "unit"
    now = timezone.now()
    rows = selectors.figures(user, start=start, end=end, now=now, by=by)
    by_label = "交办领导" if by == "leader" else "主办单位"
    title = f"督办统计（{first:%Y年%-m月%-d日}—{last:%Y年%-m月%-d日}，按{by_label}）"
    if request.GET.get("format") == "xlsx":
        return xlsx_response([printouts.figures_sheet(title, rows, by_label=by_label)], f"{title}.xlsx")
    context = {"rows": rows, "first": first, "last": last, "by": by, "by_label": by_label, "title": title}
    return render(request, "supervision/figures.html", context)


@capability_required("supervision.figures")
def bulletin(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The weekly 督办通报 (``.pdf`` or ``.xlsx``) for the week holding ``?week=`` (this week by default)."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    user = current_user(request)
    day = date_param(request.GET.get("week"), timezone.localdate())
    monday = day - dt.timedelta(days=day.weekday())
    now = timezone.now()
    end = min(_start(monday + dt.timedelta(days=7)), now)
    rows = selectors.figures(user, start=_start(monday), end=end, now=now)
    overdue = list(selectors.overdue_matters(user, now=now))
    title = printouts.week_title(monday)
    if fmt == "xlsx":
        return xlsx_response(
            [printouts.figures_sheet(title, rows), printouts.overdue_sheet(overdue, now)], f"{title}.xlsx"
        )
    return download(printouts.bulletin_pdf(monday, rows, overdue), f"{title}.pdf", PDF, inline=True)
