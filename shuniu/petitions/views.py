"""Pages of petitions: the register, the intake form with its repeat check, a petition's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.access import current_user
from shuniu.core.confirm import NeedsConfirmation, ask
from shuniu.core.drafts import draft_data, draft_discard, draft_save, drafts_of
from shuniu.core.excel import Column, Sheet, xlsx_response
from shuniu.core.files import Upload, file_response, keep_for_next_try, kept
from shuniu.core.forms import form_errors, is_number, period_param
from shuniu.core.models import Role
from shuniu.core.paging import page_of
from shuniu.core.permissions import can, capability_required
from shuniu.core.printing import PDF, render_pdf
from shuniu.core.responses import acted, download, form_acted
from shuniu.core.services import client_address, read_recorded
from shuniu.core.text import visible
from shuniu.notices.selectors import call_for
from shuniu.petitions import selectors, services
from shuniu.petitions.forms import (
    AskLeaderForm,
    AssignForm,
    CloseForm,
    CompleteForm,
    ContactForm,
    DecideForm,
    EnquiryForm,
    ExtendForm,
    FlagForm,
    HearingForm,
    InstructForm,
    LeadForm,
    ObjectForm,
    PersonFormSet,
    PetitionForm,
    RecuseForm,
    ReplyForm,
    RevealForm,
    ReviewRequestForm,
    SelfRateForm,
    person_formset_for,
)
from shuniu.petitions.models import Category, Petition, Status
from shuniu.petitions.rows import petition_rows

PAGE_SIZE = 30


@capability_required("petitions.view")
def petition_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    person = request.GET.get("person", "")[:30]
    narrowing = request.GET.get("only", "") if request.GET.get("only", "") in selectors.NARROWINGS else ""
    petitions = selectors.petition_list(user, status=status, person=person, narrowing=narrowing)
    page = page_of(request, petitions, PAGE_SIZE)
    context = {
        "page": page,
        "rows": petition_rows(user, page.items),
        "status": status,
        "person": person,
        "narrowed": selectors.NARROWINGS.get(narrowing, ""),
        "statuses": Status.choices,
        "can_register": can(user, "petitions.register"),
        "sees_petitioners": selectors.sees_petitioners(user),
        "can_figures": can(user, "petitions.figures"),
    }
    return render(request, "petitions/petition_list.html", context)


def _people(formset: Any) -> list[selectors.Person]:
    return [
        selectors.Person(
            name=f.cleaned_data.get("name") or "",
            id_number=f.cleaned_data.get("id_number") or "",
            phone=f.cleaned_data.get("phone") or "",
            township=f.cleaned_data.get("township") or (v.township if (v := f.cleaned_data.get("village")) else None),
            village=f.cleaned_data.get("village"),
            address=f.cleaned_data.get("address") or "",
            representative=bool(f.cleaned_data.get("representative")),
        )
        for f in formset.forms
        if f.is_valid() and f.has_person()
    ]


DRAFTS = "petitions.new"
PERSON_FIELDS = ("name", "id_number", "phone", "township", "village", "address", "representative")


def _from_draft(saved: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A saved draft as the intake form's initial values and its petitioners' rows."""
    rows: dict[int, dict[str, Any]] = {}
    for key, value in saved.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "p" and parts[1].isdigit() and parts[2] in PERSON_FIELDS:
            rows.setdefault(int(parts[1]), {})[parts[2]] = value == "on" if parts[2] == "representative" else value
    fields = {k: v for k, v in saved.items() if not k.startswith("p-") and k not in ("uploads",)}
    return fields, [rows[i] for i in sorted(rows) if any(rows[i].values())]


@capability_required("petitions.register")
@require_http_methods(["GET", "POST"])
@never_cache
def petition_new(request: HttpRequest) -> HttpResponse:
    """The intake form: the repeat check before saving, attachments kept across it, drafts to finish later."""
    user = current_user(request)
    draft_pk = request.GET.get("draft", "") if request.method == "GET" else request.POST.get("draft", "")
    now = timezone.localtime().replace(second=0, microsecond=0)
    call_pk = request.GET.get("call", "") if request.method == "GET" else request.POST.get("call", "")
    call = call_for(user, call_pk) if is_number(call_pk) and can(user, "calls.view") else None
    if request.method == "GET" and draft_pk:
        fields, rows = _from_draft(draft_data(user, DRAFTS, draft_pk))
        form = PetitionForm(initial={**fields, "draft": draft_pk})
        formset = person_formset_for(len(rows))(initial=rows, prefix="p")
    elif request.method == "GET" and call is not None:  # a caller's matter registered as a petition
        at = timezone.localtime(call.at).replace(second=0, microsecond=0)
        form = PetitionForm(initial={"channel": "call", "received_at": at, "summary": call.content, "call": call.pk})
        formset = person_formset_for(1)(initial=[{"name": call.caller, "phone": call.number}], prefix="p")
    else:
        form = PetitionForm(request.POST or None, request.FILES or None, initial={"received_at": now})
        formset = PersonFormSet(request.POST or None, prefix="p")
    context: dict[str, Any] = {"form": form, "formset": formset, "drafts": drafts_of(user, DRAFTS)}
    if request.method == "POST" and "save_draft" in request.POST:
        name = visible(request.POST.get("p-0-name", "")) or "姓名未填"
        label = f"{name} {visible(request.POST.get('summary', ''))[:20]}"
        try:
            draft = draft_save(
                owner=user,
                form=DRAFTS,
                data=request.POST,
                label=label,
                pk=int(draft_pk) if is_number(draft_pk) else None,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return render(request, "petitions/petition_form.html", context)
        messages.success(request, f"草稿已保存（{draft.label}），可随时在本页继续填写；草稿不保存附件。")
        return redirect(f"{reverse('petitions:new')}?draft={draft.pk}")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        people = _people(formset)
        repeat_of = None
        if data["repeat_of"]:
            repeat_of = selectors.petitions_for(user).filter(pk=data["repeat_of"]).first()
            if repeat_of is None:
                raise Http404
        chosen = [Upload(f.name or "附件", f.read()) for f in data["uploads"]]
        try:
            uploads = kept(data["kept"]) + chosen
            petition = services.petition_register(
                actor=user,
                channel=data["channel"],
                received_at=data["received_at"],
                category=data["category"],
                topic=data["topic"],
                summary=data["summary"],
                appeal=data["appeal"],
                people=people,
                people_count=data["people_count"],
                repeat_of=repeat_of,
                new_matter_confirmed=data["confirm"],
                uploads=uploads,
                call=call,
            )
        except NeedsConfirmation as exc:
            context |= ask(form, exc)
            context["repeats"] = selectors.possible_repeats(people, actor=user)
            context["kept"] = keep_for_next_try(form, uploads)
        except ValidationError as exc:
            form.add_error(None, exc)
            context["kept"] = keep_for_next_try(form, chosen)
        else:
            draft_discard(owner=user, form=DRAFTS, pk=draft_pk)
            linked = f"，已作为 {repeat_of.number} 的重复访关联" if repeat_of else ""
            messages.success(request, f"已登记 {petition.number}{linked}。")
            return redirect("petitions:detail", pk=petition.pk)
    elif request.method == "POST" and not formset.is_valid():
        form.add_error(None, "信访人信息有误，请检查。")
    return render(request, "petitions/petition_form.html", context)


@capability_required("petitions.register")
@require_POST
def draft_remove(request: HttpRequest, pk: int) -> HttpResponse:
    draft_discard(owner=current_user(request), form=DRAFTS, pk=pk)
    messages.success(request, "草稿已删除。")
    return redirect("petitions:new")


def _detail_context(user: Any, petition: Petition) -> dict[str, Any]:
    """The petition's page (selectors.petition_page) and the forms this user may use on it now."""
    page = selectors.petition_page(user, petition)
    now = timezone.localtime().replace(second=0, microsecond=0)
    handles = can(user, "petitions.handle")
    status = petition.status
    mine = can(user, "petitions.reply") and user.unit_id is not None and user.unit_id == petition.handling_unit_id
    accusation = petition.category == Category.ACCUSATION
    request = petition.category == Category.REQUEST
    review_stage = selectors.review_open(petition, page.reviews, [r.stage for r in page.replies]) if handles else ""
    rereview_clock = next((c for c in page.clocks if c.name == services.REVIEW_CLOCKS["rereview"]), None)
    hearing_on = rereview_clock is not None and rereview_clock.clock.paused_at is not None
    return {
        "page": page,
        "petition": petition,
        "parties": page.parties,
        "can_reveal": can(user, "petitions.reveal"),
        "reveal_form": RevealForm(),
        "decide_form": DecideForm(auto_id="decide_%s", accusation=accusation)
        if handles and status == Status.REGISTERED
        else None,
        "assign_form": AssignForm(auto_id="assign_%s", accusation=accusation, initial={"days": 60 if request else 30})
        if handles and status == Status.ACCEPTED
        else None,
        "reply_form": ReplyForm(auto_id="reply_%s") if mine and status == Status.ASSIGNED else None,
        "close_form": CloseForm(auto_id="close_%s")
        if handles and status in (Status.REPLIED, Status.REVIEWED)
        else None,
        "object_form": ObjectForm(auto_id="object_%s") if mine and status == Status.ASSIGNED else None,
        "complete_form": CompleteForm(auto_id="complete_%s", people=petition.petitioners.all())
        if handles and any(c.clock.paused_at and c.name == services.NOTIFY_CLOCK for c in page.clocks)
        else None,
        "extend_form": ExtendForm(auto_id="extend_%s") if handles and status == Status.ASSIGNED and request else None,
        "review_stage": review_stage,
        "review_form": ReviewRequestForm(
            auto_id="review_%s",
            initial={"delivered_on": timezone.localdate(), "requested_at": now},
        )
        if review_stage
        else None,
        "answer_form": ReplyForm(auto_id="answer_%s")
        if page.review is not None and can(user, "petitions.reply") and user.unit_id == page.review.body_id
        else None,
        "hearing_form": HearingForm(auto_id="hearing_%s") if handles and status == Status.REREVIEW else None,
        "hearing_on": hearing_on,
        "lead_form": LeadForm(auto_id="lead_%s") if handles else None,
        "ask_form": AskLeaderForm(auto_id="ask_%s") if handles and status != Status.FINAL else None,
        "instruct_forms": [
            (i, InstructForm(auto_id=f"instruct{i.pk}_%s"))
            for i in page.instructions
            if i.leader_id == user.pk and i.instructed_at is None
        ],
        "flag_form": FlagForm(auto_id="flag_%s", initial={"at": now}) if handles else None,
        "contact_form": ContactForm(auto_id="contact_%s", initial={"at": now}) if handles else None,
        "recuse_form": RecuseForm(auto_id="recuse_%s") if handles or user.has_role(Role.DIRECTOR) else None,
    }


@capability_required("petitions.view")
@never_cache
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    return render(request, "petitions/petition_detail.html", _detail_context(user, selectors.petition_for(user, pk)))


@capability_required("petitions.reveal")
@require_POST
@never_cache
def petitioner_reveal(request: HttpRequest, pk: int, petitioner_pk: int) -> HttpResponse:
    """The full ID number, phone and address of one petitioner, in this response only (audited)."""
    user = current_user(request)
    petition = selectors.petition_for(user, pk)
    party = petition.parties.select_related("petitioner").filter(petitioner_id=petitioner_pk).first()
    if party is None:
        raise Http404
    form = RevealForm(request.POST)
    context = _detail_context(user, petition)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        services.petitioner_revealed(
            actor=user, petitioner=party.petitioner, petition=petition, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("petitions:detail", pk=pk)
    context["revealed"] = party.petitioner
    return render(request, "petitions/petition_detail.html", context)


def _act(request: HttpRequest, pk: int, act: Any, done: str) -> HttpResponse:
    return acted(request, act, done, reverse("petitions:detail", args=[pk]))


@capability_required("petitions.handle")
@require_POST
def petition_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        DecideForm,
        lambda user, petition, data: services.petition_decide(
            petition=petition,
            actor=user,
            decision=data["decision"],
            note=data["note"],
            unit=data["unit"],
            not_accused=data.get("not_accused", False),
        ),
        "已作出告知决定，可打印告知书。",
    )


@capability_required("petitions.handle")
@require_POST
def petition_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        AssignForm,
        lambda user, petition, data: services.petition_assign(
            petition=petition,
            actor=user,
            unit=data["unit"],
            days=data["days"],
            not_accused=data.get("not_accused", False),
        ),
        lambda data: f"已交办{data['unit'].name}，{data['days']} 天内答复。",
    )


@capability_required("petitions.reply")
@require_POST
def petition_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        ReplyForm,
        lambda user, petition, data: services.petition_reply(
            petition=petition,
            actor=user,
            text=data["text"],
            uploads=[Upload(f.name or "附件", f.read()) for f in data["uploads"]],
        ),
        "答复已提交。",
    )


@capability_required("petitions.handle")
@require_POST
def petition_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        CloseForm,
        lambda user, petition, data: services.petition_close(
            petition=petition, actor=user, satisfaction=data["satisfaction"]
        ),
        "已记录评价并办结。",
    )


@capability_required("petitions.view")
def petition_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The written notice of art. 23 (告知书), for the petitioner."""
    user = current_user(request)
    petition = selectors.petition_for(user, pk)
    if petition.decided_at is None or not selectors.sees_petitioners(user, petition):
        raise Http404
    pdf = render_pdf(
        "petitions/print_notice.html",
        {
            "petition": petition,
            "parties": petition.parties.select_related("petitioner"),
            "enquiry_url": request.build_absolute_uri(reverse("petitions:enquiry")),
        },
    )
    return download(pdf, f"告知书_{petition.year}_{petition.seq}.pdf", PDF, inline=True)


@capability_required("petitions.view")
def petition_material(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """A file registered with the petition (the letter, the materials), for those who see its petitioners."""
    user = current_user(request)
    petition = selectors.petition_for(user, pk)
    attachment = petition.attachments.filter(pk=attachment_pk).first()
    if attachment is None or not selectors.sees_petitioners(user, petition):  # the letter carries particulars
        raise Http404
    read_recorded(actor=user, action="attachment.download", obj=petition, data={"name": attachment.name})
    return file_response(attachment)


@capability_required("petitions.view")
def reply_attachment(request: HttpRequest, pk: int, reply_pk: int, attachment_pk: int) -> HttpResponseBase:
    user = current_user(request)
    petition = selectors.petition_for(user, pk)
    reply = petition.replies.filter(pk=reply_pk).first()
    attachment = reply.attachments.filter(pk=attachment_pk).first() if reply else None
    if attachment is None:
        raise Http404
    read_recorded(actor=user, action="attachment.download", obj=petition, data={"name": attachment.name})
    return file_response(attachment)


@capability_required("petitions.reply")
@require_POST
def petition_object(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        ObjectForm,
        lambda user, petition, data: services.petition_object(petition=petition, actor=user, reason=data["reason"]),
        "已提出异议，等待信访接待室改派。",
    )


@capability_required("petitions.handle")
@require_POST
def petition_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        ExtendForm,
        lambda user, petition, data: services.petition_extend(
            petition=petition, actor=user, days=data["days"], reason=data["reason"]
        ),
        lambda data: f"办理期限已延长 {data['days']} 日，请将延期理由告知信访人。",
    )


def _rate(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "—"


FIGURE_COLUMNS = ["件数", "重复访", "重复访率", "已告知", "按期告知率", "已答复", "按期答复率", "满意率"]


def _figure_cells(row: selectors.FigureRow) -> list[object]:
    return [
        row.total,
        row.repeats,
        _rate(row.repeat_rate),
        row.decided,
        _rate(row.notify_rate),
        row.replied,
        _rate(row.reply_rate),
        _rate(row.satisfaction_rate),
    ]


@capability_required("petitions.figures")
def petition_figures(request: HttpRequest) -> HttpResponseBase:
    """Figures by category, topic, channel, month or township over a period; Excel and PDF."""
    user = current_user(request)
    today = timezone.localdate()
    first, last, start, end = period_param(request.GET, today.replace(month=1, day=1), today)
    by = request.GET.get("by", "category")
    by = by if by in selectors.DIMENSIONS else "category"
    rows = selectors.petition_figures(user, start=start, end=end, by=by)
    label = selectors.DIMENSIONS[by][0]
    title = f"信访统计（{first:%Y年%-m月%-d日}—{last:%Y年%-m月%-d日}，按{label}）"
    table = [[row.key, *_figure_cells(row)] for row in rows]
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        columns = [Column(label, 16), *(Column(c, 11) for c in FIGURE_COLUMNS)]
        return xlsx_response([Sheet("信访统计", columns, table, heading=title)], f"{title}.xlsx")
    if fmt == "pdf":
        pdf = render_pdf(
            "petitions/print_figures.html", {"title": title, "label": label, "columns": FIGURE_COLUMNS, "table": table}
        )
        return download(pdf, f"{title}.pdf", PDF, inline=True)
    context = {
        "title": title,
        "label": label,
        "columns": FIGURE_COLUMNS,
        "table": table,
        "first": first,
        "last": last,
        "by": by,
        "dimensions": [(k, v[0]) for k, v in selectors.DIMENSIONS.items()],
    }
    return render(request, "petitions/figures.html", context)


@capability_required("petitions.view")
def petition_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """来访登记表: the registration as a printed form, particulars masked as on the screen."""
    user = current_user(request)
    petition = selectors.petition_for(user, pk)
    if not selectors.sees_petitioners(user, petition):
        raise Http404
    pdf = render_pdf(
        "petitions/print_form.html",
        {
            "petition": petition,
            "parties": petition.parties.select_related("petitioner__township", "petitioner__village"),
        },
    )
    return download(pdf, f"来访登记表_{petition.year}_{petition.seq}.pdf", PDF, inline=True)


@capability_required("petitions.handle")
@require_POST
def petitioner_complete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    petition = selectors.petition_for(user, pk)
    form = CompleteForm(request.POST, people=petition.petitioners.all())
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("petitions:detail", pk=pk)
    data = form.cleaned_data
    petitioner = petition.petitioners.get(pk=data["petitioner"])
    village = data["village"]
    return _act(
        request,
        pk,
        lambda: services.petitioner_complete(
            petition=petition,
            petitioner=petitioner,
            actor=user,
            name=data["name"],
            township=village.township if village else None,
            village=village,
            address=data["address"],
        ),
        "已补全信访人信息。",
    )


def _form_act(request: HttpRequest, pk: int, form_class: Any, act: Any, done: Any) -> HttpResponse:
    """A small form of a petition's page, then its service (`act(user, petition, data)`)."""
    user = current_user(request)
    petition = selectors.petition_for(user, pk)
    back = reverse("petitions:detail", args=[pk])
    return form_acted(
        request, form_class(request.POST, request.FILES), lambda data: act(user, petition, data), done, back
    )


@capability_required("petitions.handle")
@require_POST
def petition_review(request: HttpRequest, pk: int) -> HttpResponse:
    stage = request.POST.get("stage", "")
    return _form_act(
        request,
        pk,
        ReviewRequestForm,
        lambda user, petition, data: services.petition_review_request(
            petition=petition,
            actor=user,
            stage=stage,
            body=data["body"],
            reason=data["reason"],
            delivered_on=data["delivered_on"],
            requested_at=data["requested_at"],
        ),
        lambda data: f"已登记{'复核' if stage == 'rereview' else '复查'}请求，送{data['body'].name}，30 日内出具意见。",
    )


@capability_required("petitions.reply")
@require_POST
def petition_review_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        ReplyForm,
        lambda user, petition, data: services.petition_review_answer(
            petition=petition,
            actor=user,
            text=data["text"],
            uploads=[Upload(f.name or "附件", f.read()) for f in data["uploads"]],
        ),
        "意见已提交。",
    )


@capability_required("petitions.handle")
@require_POST
def petition_hearing(request: HttpRequest, pk: int) -> HttpResponse:
    start = request.POST.get("start") == "1"
    return _form_act(
        request,
        pk,
        HearingForm,
        lambda user, petition, data: services.petition_hearing(
            petition=petition, actor=user, start=start, note=data["note"]
        ),
        "已登记听证，复核期限暂停计时。" if start else "听证结束，复核期限继续计时。",
    )


@capability_required("petitions.handle")
@require_POST
def petition_lead(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        LeadForm,
        lambda user, petition, data: services.petition_lead(petition=petition, actor=user, leader=data["leader"]),
        lambda data: f"已登记包案领导：{data['leader'].full_name}。",
    )


@capability_required("petitions.handle")
@require_POST
def petition_ask_leader(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        AskLeaderForm,
        lambda user, petition, data: services.petition_ask_leader(
            petition=petition, actor=user, leader=data["leader"], request=data["request"]
        ),
        lambda data: f"已呈{data['leader'].full_name}批示。",
    )


@capability_required("petitions.instruct")
@require_POST
def petition_instruct(request: HttpRequest, pk: int, instruction_pk: int) -> HttpResponse:
    def act(user: Any, petition: Petition, data: dict[str, Any]) -> object:
        instruction = petition.instructions.filter(pk=instruction_pk, leader=user).first()
        if instruction is None:
            raise Http404
        return services.petition_instruct(
            instruction=instruction, actor=user, text=data["text"], supervise=data["supervise"]
        )

    return _form_act(
        request,
        pk,
        InstructForm,
        act,
        lambda data: "批示已送信访接待室" + ("，并转督查室立项督办。" if data["supervise"] else "。"),
    )


@capability_required("petitions.handle")
@require_POST
def petition_flag(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        FlagForm,
        lambda user, petition, data: services.petition_flag(
            petition=petition, actor=user, conduct=data["conduct"], note=data["note"], at=data["at"]
        ),
        "已记录。该记录不影响事项的办理和答复。",
    )


@capability_required("petitions.handle")
@require_POST
def petition_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        ContactForm,
        lambda user, petition, data: services.petition_contact(
            petition=petition,
            actor=user,
            counterpart=data["counterpart"],
            unit=data["unit"],
            person=data["person"],
            at=data["at"],
            note=data["note"],
        ),
        "联系记录已保存。",
    )


@capability_required("petitions.view")
@require_POST
def petition_recuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_act(
        request,
        pk,
        RecuseForm,
        lambda user, petition, data: services.petition_recuse(
            petition=petition, actor=user, user=data["user"], reason=data["reason"]
        ),
        lambda data: f"已登记{data['user'].full_name}回避该事项。",
    )


@require_http_methods(["GET", "POST"])
@never_cache
def enquiry(request: HttpRequest) -> HttpResponse:
    """The petitioner's own page (art. 21): how the matter stands, and a rating once answered in writing.

    Open without a login; the number and the enquiry code on the notice find the matter, under the login
    throttle. It shows the matter and the written opinions, never anyone's personal data.
    """
    rating = "satisfaction" in request.POST
    form = (SelfRateForm if rating else EnquiryForm)(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        petition, error = services.enquiry_find(
            number=data["number"], code=data["code"], address=client_address(request)
        )
        if petition is None:
            form.add_error(None, error)
        else:
            if rating:
                try:
                    petition = services.petition_rated_by_petitioner(
                        petition=petition, satisfaction=data["satisfaction"]
                    )
                    context["rated"] = True
                except ValidationError as exc:
                    form.add_error(None, exc)
            context.update(
                page=selectors.enquiry_page(petition),
                rate_form=SelfRateForm(initial={"number": data["number"], "code": data["code"]}),
            )
    return render(request, "petitions/enquiry.html", context)
