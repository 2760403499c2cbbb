"""Pages of the documents module: register, proposal, circulation, desk, delivery list, printouts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.access import current_user
from shuniu.core.confirm import NeedsConfirmation, ask
from shuniu.core.excel import xlsx_response
from shuniu.core.files import Upload, file_response, keep_for_next_try, kept
from shuniu.core.forms import YEARS, form_errors, int_param, is_number
from shuniu.core.models import Clearance, Role
from shuniu.core.paging import counted_page_of, page_of
from shuniu.core.permissions import can, capability_required
from shuniu.core.responses import download
from shuniu.core.services import read_recorded
from shuniu.core.text import day_time
from shuniu.documents import printouts, selectors, services
from shuniu.documents.access import get_copy_for, get_document_for, get_reading_for, get_unit_copy_for
from shuniu.documents.flow import DOCUMENT_FLOW
from shuniu.documents.forms import (
    ApproveForm,
    ArchiveForm,
    CloseForm,
    CorrectForm,
    DelegationForm,
    PaperSignForm,
    ProposalForm,
    RegisterFilterForm,
    RegisterForm,
    ReturnForm,
    SendBackForm,
    SignForm,
    UnitReceiptForm,
)
from shuniu.documents.models import Status
from shuniu.documents.rows import desk_rows, register_rows
from shuniu.documents.selectors import approval_forecast, copy_routes
from shuniu.supervision.selectors import matters_for

STAFF = (Role.CLERK, Role.DIRECTOR)
# What the page says when the signed-in person has nothing to do with the document now.
WAITING = {
    Status.REGISTERED: "已登记，待文书拟办。",
    Status.SENT_BACK: "拟办被退回，待文书修改。",
    Status.RETURNED: "已初审退回，待来文单位重新报送。",
    Status.PROPOSED: "拟办已提交，待主任审批。",
    Status.CIRCULATING: "传阅中：送文见送文清单。",
    Status.READ: "传阅完毕，待主任办结。",
    Status.CLOSED: "已办结，待归档。",
    Status.ARCHIVED: "已归档，只读。",
}
READERS = (Role.CLERK, Role.DIRECTOR, Role.LEADER)
PAGE_SIZE = 50
DESK_PAGE = 30


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@capability_required("documents.view")
def register_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = RegisterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    late = request.GET.get("late") == "1"  # the office board's figure
    documents = selectors.register(
        user, query=filters.get("q") or "", status=filters.get("status") or "", year=filters.get("year"), late=late
    )
    page = page_of(request, documents, PAGE_SIZE)
    return render(
        request,
        "documents/register.html",
        {
            "page": page,
            "rows": register_rows(page.items),
            "form": form,
            "statuses": Status.choices,
            "is_staff": user.has_role(*STAFF),
            "narrowed": "特急、加急件预计超时" if late else "",
        },
    )


@capability_required("documents.register")
def register_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    user = current_user(request)
    today = timezone.localdate()
    year = int_param(request.GET.get("year"), today.year, YEARS[0], YEARS[1])
    documents = selectors.register_of_year(user, year)
    if fmt in ("xlsx", "pdf"):
        read_recorded(actor=user, action="export.register", data={"year": year, "format": fmt})
    if fmt == "xlsx":
        return xlsx_response([printouts.register_sheet(documents.iterator(chunk_size=2000))], f"收文登记簿_{year}.xlsx")
    if fmt == "pdf":
        documents = documents[:5000]
        return download(
            printouts.register_pdf(documents, f"{year}年收文登记簿"), f"收文登记簿_{year}.pdf", "application/pdf"
        )
    raise Http404("不支持的格式。")


@capability_required("documents.register")
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = RegisterForm(
        request.POST or None,
        request.FILES or None,
        initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    context: dict[str, Any] = {"form": form}
    if request.method == "POST":
        chosen = [Upload(f.name or "附件", f.read()) for f in request.FILES.getlist("uploads")]
        try:
            uploads = kept(request.POST.get("kept", "")) + chosen
        except ValidationError as exc:
            form.add_error("uploads", exc)
            uploads = chosen
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services.document_register(
                    actor=user,
                    received_at=data["received_at"],
                    source_org=data["source_org"],
                    source_number=data["source_number"],
                    title=data["title"],
                    secrecy=data["secrecy"],
                    secrecy_term=data["secrecy_term"],
                    urgency=data["urgency"],
                    kind=data["kind"],
                    copies_received=data["copies_received"],
                    pages=data["pages"],
                    deadline=data["deadline"],
                    files=uploads,
                    confirm_duplicate=data["confirm"],
                )
            except NeedsConfirmation as exc:
                context.update(ask(form, exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已登记 {document.reg_number}《{document.title}》，下一步请拟办。")
                return redirect("documents:detail", pk=document.pk)
        context["kept"] = keep_for_next_try(form, uploads)
    return render(request, "documents/register_form.html", context)


@capability_required("documents.correct")
@require_http_methods(["GET", "POST"])
def document_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """更正登记 before circulation: the registration form, filled in, with a reason."""
    user = current_user(request)
    document = get_document_for(user, pk)
    if not DOCUMENT_FLOW.allows(document, "correct", user):
        messages.error(request, f"{document.get_status_display()}的文件不能更正登记信息。")
        return redirect("documents:detail", pk=pk)
    initial = {name: getattr(document, name) for name in services.CORRECTABLE}
    for name in ("received_at", "deadline"):
        initial[name] = timezone.localtime(initial[name]) if initial[name] else None
    form = CorrectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.document_correct(
                document=document,
                actor=user,
                reason=data["reason"],
                **{name: data[name] for name in services.CORRECTABLE},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            labels = "、".join(str(form.fields[name].label) for name in changed)
            messages.success(request, f"已更正 {document.reg_number} 的{labels}，更正记录见“状态记录”。")
            return redirect("documents:detail", pk=pk)
    return render(request, "documents/correct_form.html", {"form": form, "document": document})


@capability_required("documents.open")
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    document = get_document_for(user, pk)
    if document.secrecy >= Clearance.SECRET:  # who opened a classified document is on record
        read_recorded(actor=user, action="document.view", obj=document)
    readings = selectors.readings_of(document)
    is_staff = user.has_role(*STAFF)
    actions = [a.name for a in DOCUMENT_FLOW.actions_for(document, user)]
    proposal = getattr(document, "proposal", None)
    own_copy = selectors.unit_copy_of(user, document)  # a liaison: their unit's copy
    attachments = list(document.attachments.all()) if selectors.may_open_attachments(user, document) else []
    forecasts = approval_forecast(document, proposal.copies_allowed) if "approve" in actions and proposal else []
    context = {
        "forecasts": forecasts,
        "forecast_late": bool(forecasts) and forecasts[0].late(document.deadline),
        "document": document,
        "readings": readings,
        "copies": copy_routes(document) if is_staff else [],
        "attachments": attachments,
        "own_copy": own_copy,
        # The office sees every unit's copy; a liaison only their own unit's.
        "unit_copies": selectors.unit_copies_of(document) if is_staff else ([own_copy] if own_copy else []),
        "units_due": selectors.units_due_copies(document, proposal) if "approve" in actions and proposal else [],
        "receipt_form": UnitReceiptForm(initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)}),
        "history": [
            {
                "entry": h,
                "old": DOCUMENT_FLOW.status_label(h.old),
                "new": DOCUMENT_FLOW.status_label(h.new),
                "label": action.label if (action := DOCUMENT_FLOW.actions.get(h.action)) else h.action,
            }
            for h in document.history.select_related("actor").order_by("at", "pk")
        ],
        "actions": actions,
        "waiting_for": WAITING.get(Status(document.status), ""),
        "proposal": proposal,
        "units": list(document.handling_units.select_related("unit")),
        # The supervised matters this document's instructions opened, as far as the user may see them.
        "matters": list(matters_for(user).filter(document=document).order_by("year", "seq")),
        "order": list(document.order_constraints.select_related("first", "then")),
        "is_staff": is_staff,
        "predicted": document.predicted_done if document.status == Status.CIRCULATING else None,
        "return_form": ReturnForm(),
        "send_back_form": SendBackForm(),
        "approve_form": ApproveForm(
            initial={"copies_allowed": getattr(getattr(document, "proposal", None), "copies_allowed", 1)}
        ),
        "close_form": CloseForm(),
        "archive_form": ArchiveForm(),
        "paper_form": PaperSignForm(initial={"signed_at": timezone.localtime().replace(second=0, microsecond=0)}),
    }
    return render(request, "documents/detail.html", context)


@capability_required("documents.open")
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    user = current_user(request)
    document = get_document_for(user, pk)
    attachment = document.attachments.filter(pk=attachment_pk).first()
    if attachment is None or not selectors.may_open_attachments(user, document):
        raise Http404("未找到附件。")
    read_recorded(
        actor=current_user(request), action="attachment.download", obj=document, data={"name": attachment.name}
    )
    return file_response(attachment)


DONE_MESSAGES = {
    "return": "已初审退回，退回理由已记录。",
    "reopen": "已恢复登记，可以重新拟办。",
    "send_back": "已退回拟办，拟办人会在待办中看到退回理由。",
    "approve": "已批准传阅，送文清单已更新。",
    "close": "已办结，文件转为只读。",
    "archive": "已归档。",
}


def _do(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one status-changing service from the detail page's forms."""
    user = current_user(request)
    document = get_document_for(user, pk)
    forms = {
        "return": ReturnForm,
        "send_back": SendBackForm,
        "close": CloseForm,
        "archive": ArchiveForm,
        "approve": ApproveForm,
    }
    form = forms[action](request.POST) if action in forms else None
    if form is not None and not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("documents:detail", pk=pk)
    data = form.cleaned_data if form is not None else {}
    done = DONE_MESSAGES[action]
    try:
        if action == "return":
            services.document_return(document=document, reason=data["reason"], actor=user)
        elif action == "reopen":
            services.document_reopen(document=document, actor=user)
        elif action == "send_back":
            services.proposal_send_back(document=document, reason=data["reason"], actor=user)
        elif action == "approve":
            copies = services.proposal_approve(
                document=document,
                actor=user,
                copies_allowed=data["copies_allowed"],
                opinion=data["opinion"],
                # A classified document's copies for units are each named by the director; others go as proposed.
                unit_copies=[u.pk for u in data["unit_copies"]] if document.secrecy > Clearance.NONE else None,
            )
            going = [c.destination.full_name for c in copies if c.destination is not None]
            done = f"已批准传阅，共 {len(copies)} 份" + (
                f"，送文清单已列出：送 {'、'.join(going)}。" if going else "。"
            )
            units = list(document.unit_copies.select_related("unit"))
            if units:
                done += f"同时送承办单位 {len(units)} 份：" + "、".join(
                    f"{c.unit.name}（{'纸质' if c.on_paper else '电子'}）" for c in units
                )
                done += "。"
        elif action == "close":
            services.document_close(document=document, result=data["result"], actor=user)
        elif action == "archive":
            services.document_archive(document=document, retention=data["retention"], actor=user)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("documents:detail", pk=pk)


@capability_required("documents.return")
@require_POST
def document_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, "return")


@capability_required("documents.return")
@require_POST
def document_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, "reopen")


@capability_required("documents.approve")
@require_POST
def proposal_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, "send_back")


@capability_required("documents.approve")
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, "approve")


@capability_required("documents.close")
@require_POST
def document_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, "close")


@capability_required("documents.archive")
@require_POST
def document_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _do(request, pk, "archive")


@capability_required("documents.propose")
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    document = get_document_for(user, pk)
    proposal = getattr(document, "proposal", None)
    initial: dict[str, Any] = {
        "deadline": timezone.localtime(document.deadline) if document.deadline else None,
        "copies_allowed": 1,
    }
    if proposal is not None:
        firsts = {o.first_id for o in document.order_constraints.all()}
        initial.update(
            {
                "opinion": proposal.opinion,
                "copies_allowed": proposal.copies_allowed,
                "copy_to_units": proposal.copy_to_units,
                "readers": [r.leader_id for r in document.readings.all()],
                "units": [h.unit_id for h in document.handling_units.all()],
                "lead_unit": next((h.unit_id for h in document.handling_units.all() if h.lead), None),
                "first": next(iter(firsts)) if len(firsts) == 1 else None,
            }
        )
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        readers = list(data["readers"])
        first = data["first"]
        order = [(first, r) for r in readers if first is not None and r != first]
        try:
            services.proposal_submit(
                document=document,
                readers=sorted(readers, key=lambda u: u.leader_profile.rank),
                order=order,
                units=list(data["units"]),
                lead_unit=data["lead_unit"],
                deadline=data["deadline"],
                opinion=data["opinion"],
                copies_allowed=data["copies_allowed"],
                copy_to_units=data["copy_to_units"],
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "拟办已提交，待主任审批。")
            return redirect("documents:detail", pk=pk)
    return render(
        request,
        "documents/proposal_form.html",
        {"document": document, "form": form, "suggestions": selectors.suggestions(document)},
    )


@capability_required("documents.view")
def desk(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    delegations = selectors.delegations_running(user)
    waiting = selectors.desk_lines(user, keeping=[d.leader_id for d in delegations.taken])
    page = counted_page_of(request, waiting, DESK_PAGE)  # the most urgent first, a page at a time, all counted
    context = {
        "page": page,
        "rows": desk_rows(user, page.items),
        "waiting": page.total,
        "is_staff": user.has_role(*STAFF),
        "delegations": delegations,
    }
    return render(request, "documents/desk.html", context)


@capability_required("documents.desk")
def instructions(request: HttpRequest) -> HttpResponse:
    """我的批示: what the leader has instructed, searchable, with each document's progress."""
    user = current_user(request)
    query = request.GET.get("q", "").strip()[:100]
    page = page_of(request, selectors.instructions_of(user, query=query), PAGE_SIZE)
    return render(request, "documents/instructions.html", {"page": page, "query": query})


@capability_required("documents.view")
@require_http_methods(["GET", "POST"])
def reading_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    reading = get_reading_for(user, pk)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reading_sign(
                reading=reading,
                actor=user,
                instruction=form.cleaned_data["instruction"],
                requires_action=form.cleaned_data["requires_action"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            reading.refresh_from_db()
            told = "，已转督查室待转督办" if reading.requires_action else ""
            messages.success(request, f"已签阅《{reading.document.title}》{told}。")
            return redirect("documents:desk")
    document = reading.document
    cannot = selectors.sign_refusal(reading, user)
    return render(
        request,
        "documents/sign.html",
        {
            "reading": reading,
            "document": document,
            "form": form,
            "cannot": cannot,
            "earlier": [r for r in selectors.readings_of(document) if r.signed_at],
            "attachments": list(document.attachments.all()),
        },
    )


@capability_required("documents.paper_sign")
@require_POST
def reading_paper_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    reading = get_reading_for(user, pk)
    form = PaperSignForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("documents:detail", pk=reading.document_id)
    try:
        services.reading_sign(
            reading=reading,
            actor=user,
            instruction=form.cleaned_data["instruction"],
            requires_action=form.cleaned_data["requires_action"],
            on_paper=True,
            signed_at=form.cleaned_data["signed_at"],
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"已登记 {reading.leader.full_name} 的纸质签阅。")
    return redirect("documents:detail", pk=reading.document_id)


@capability_required("documents.paper_sign")
@require_POST
def reading_pin(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    reading = get_reading_for(user, pk)
    services.reading_pin(reading=reading, pinned=not reading.pinned, actor=user)
    return redirect("documents:detail", pk=reading.document_id)


@capability_required("documents.deliver")
def deliveries(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    runs = selectors.delivery_runs(user)
    to_units = selectors.unreceived_unit_copies(user)
    if request.GET.get("format") == "pdf":
        copies = [item["copy"] for item in runs["now"]]
        paper = [item["copy"] for item in to_units if item["copy"].on_paper]
        return download(
            printouts.deliveries_pdf(copies, paper),
            f"送文清单_{timezone.localtime():%Y%m%d_%H%M}.pdf",
            "application/pdf",
        )
    return render(
        request,
        "documents/deliveries.html",
        {
            "runs": runs,
            "stuck": selectors.stuck_copies(user),
            "to_units": to_units,
            "receipt_form": UnitReceiptForm(
                initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)}
            ),
        },
    )


@capability_required("documents.unit")
def unit_copies(request: HttpRequest) -> HttpResponse:
    """本单位来文: a liaison's copies of documents their unit handles, to sign for and to read."""
    page = page_of(request, selectors.unit_inbox(current_user(request)), 30)
    return render(request, "documents/unit_copies.html", {"page": page})


@require_POST
def unit_copy_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """签收: the liaison on screen (no fields), or the clerk recording the paper book (who, when)."""
    user = current_user(request)
    if not (can(user, "documents.unit") or can(user, "documents.deliver")):
        raise PermissionDenied
    copy = get_unit_copy_for(user, pk)
    on_screen = not user.has_role(*STAFF)
    form = None if on_screen else UnitReceiptForm(request.POST)
    if form is not None and not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        data = form.cleaned_data if form is not None else {}
        try:
            services.unit_copy_receive(
                copy=copy,
                actor=user,
                receiver_name=data.get("receiver_name", ""),
                received_at=data.get("received_at"),
            )
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, f"已签收：{copy.unit.name}，{copy.document.reg_number}。")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or ("documents:unit_copies" if on_screen else "documents:deliveries"))


def _copy_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = current_user(request)
    copy = get_copy_for(user, pk)
    to, holder = copy.destination, copy.holder
    try:
        if action == "deliver":
            shown = request.POST.get("to", "")  # the reader the clerk's list named (it may have changed since)
            services.copy_deliver(copy=copy, actor=user, shown_to=int(shown) if is_number(shown) else None)
            done = f"已送达 {to.full_name if to else ''}：{copy}。"
        elif action == "collect":
            services.copy_collect(copy=copy, actor=user)
            done = f"已收回：{copy}。"
        else:
            services.copy_take_back(copy=copy, actor=user)
            copy.refresh_from_db()
            nxt = f"，改送 {copy.destination.full_name}" if copy.destination else "，带回办公室"
            done = f"已从 {holder.full_name if holder else ''} 处取回 {copy}{nxt}。"
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "documents:deliveries")


@capability_required("documents.deliver")
@require_POST
def copy_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy_action(request, pk, "deliver")


@capability_required("documents.deliver")
@require_POST
def copy_collect(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy_action(request, pk, "collect")


@capability_required("documents.deliver")
@require_POST
def copy_take_back(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy_action(request, pk, "take_back")


@capability_required("documents.deliver")
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for(current_user(request), pk)
    pdf = printouts.slip_pdf(document, selectors.readings_of(document))
    return download(pdf, f"传阅单_{document.reg_year}_{document.reg_seq}.pdf", "application/pdf", inline=True)


@capability_required("documents.figures")
def figures(request: HttpRequest) -> HttpResponse:
    return render(request, "documents/figures.html", selectors.figures(current_user(request)))


@capability_required("documents.delegate")
@require_http_methods(["GET", "POST"])
def delegation_new(request: HttpRequest) -> HttpResponse:
    """委托代阅: a leader delegates their own desk (the office may choose the leader); the list with 撤销."""
    user = current_user(request)
    own = user if user.has_role(Role.LEADER) and not user.has_role(*STAFF) else None
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = DelegationForm(request.POST or None, for_leader=own, initial={"start": now})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        leader = own or data["leader"]
        try:
            services.delegation_create(
                leader=leader, acting=data["acting"], start=data["start"], end=data["end"], actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"已委托 {data['acting'].full_name} 代阅 {leader.full_name} 的文件，至 {day_time(data['end'])}。",
            )
            return redirect("documents:delegate")
    context = {
        "form": form,
        "delegations": list(selectors.delegations_for(user)),
        "now": timezone.now(),
        "is_office": user.has_role(*STAFF),
    }
    return render(request, "documents/delegation_form.html", context)


@capability_required("documents.delegate")
@require_POST
def delegation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    delegation = selectors.delegations_for(user).filter(pk=pk).first()
    if delegation is None:
        raise Http404("未找到该委托。")
    try:
        services.delegation_revoke(delegation=delegation, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已撤销 {delegation.acting.full_name} 对 {delegation.leader.full_name} 文件的代阅。")
    return redirect("documents:delegate")
