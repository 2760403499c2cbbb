"""Pages of notices: the list, drafting one, the calling sheet with its live progress, a unit's call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.access import current_user
from shuniu.core.excel import Column, Sheet, xlsx_response
from shuniu.core.paging import page_of
from shuniu.core.permissions import can, capability_required
from shuniu.core.printing import PDF, render_pdf
from shuniu.core.responses import download, form_acted
from shuniu.core.text import day_time
from shuniu.notices import selectors, services
from shuniu.notices.forms import CallForm, ChangeForm, ConfirmForm, NoticeForm, ReasonForm
from shuniu.notices.models import Notice, State, Status

PAGE_SIZE = 30


@capability_required("notices.view")
def notice_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = page_of(request, selectors.notice_list(user), PAGE_SIZE)
    return render(request, "notices/notice_list.html", {"page": page, "can_manage": can(user, "notices.manage")})


@capability_required("notices.manage")
@require_http_methods(["GET", "POST"])
@never_cache
def notice_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = form.chosen_units()
        try:
            notice = services.notice_create(
                save_scope=data["save_scope"],
                actor=user,
                subject=data["subject"],
                starts_at=data["starts_at"],
                place=data["place"],
                convener=data["convener"],
                agenda=data["agenda"],
                attendees=data["attendees"],
                bring=data["bring"],
                reply_by=data["reply_by"],
                notes=data["notes"],
                facts=data["facts"],
                units=units,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已拟发 {notice.number}，共 {len(units)} 个单位待通知。")
            return redirect("notices:detail", pk=notice.pk)
    return render(request, "notices/notice_form.html", {"form": form})


def _sheet_context(request: HttpRequest, notice: Notice) -> dict[str, Any]:
    user = current_user(request)
    manages = can(user, "notices.manage")
    rows = selectors.sheet(user, notice)
    now = timezone.now()
    mine = next((r for r in rows if r.unit_id == user.unit_id), None) if can(user, "notices.confirm") else None
    return {
        "notice": notice,
        "facts": selectors.fact_values(notice),
        "rows": [
            (
                r,
                selectors.numbers_of(r.unit),
                r.held_by_id and r.held_until and r.held_until > now,
                selectors.last_attempt(r),
            )
            for r in rows
        ],
        "progress": selectors.progress(notice, now) if manages else None,
        "figures": selectors.notice_figures(notice) if manages else None,
        "changes": selectors.changes_of(notice),
        "manages": manages and notice.status == Status.CALLING,
        "can_manage": manages,
        "now": now,
        "confirm_form": ConfirmForm(auto_id="confirm_%s")
        if mine is not None and mine.state != State.CONFIRMED and notice.status == Status.CALLING
        else None,
        "mine": mine,
        "change_form": ChangeForm(
            auto_id="change_%s", initial={"starts_at": timezone.localtime(notice.starts_at), "place": notice.place}
        )
        if manages and notice.status != Status.CANCELLED
        else None,
        "reason_form": ReasonForm(auto_id="reason_%s") if manages else None,
    }


@capability_required("notices.view")
@never_cache
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(current_user(request), pk)
    return render(request, "notices/notice_detail.html", _sheet_context(request, notice))


@capability_required("notices.manage")
@never_cache
def notice_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The live counts, refreshed by htmx every few seconds while people call (the counts only)."""
    notice = selectors.notice_for(current_user(request), pk)
    context = {"notice": notice, "progress": selectors.progress(notice), "figures": selectors.notice_figures(notice)}
    return render(request, "notices/_progress.html", context)


@capability_required("notices.manage")
@require_POST
def recipient_hold(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    user = current_user(request)
    notice = selectors.notice_for(user, pk)
    recipient = selectors.recipient_for(user, notice, rid)
    try:
        services.recipient_hold(recipient=recipient, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("notices:detail", pk=pk)
    return redirect("notices:call", pk=pk, rid=rid)


def _readback(form: CallForm) -> dict[str, services.Heard]:
    data = form.cleaned_data
    said: dict[str, services.Heard] = {}
    for fact, _, _ in form.facts:
        choice = data.get(f"rb_{fact}") or ""
        right = {"right": True, "wrong": False}.get(choice)
        said[fact] = services.Heard(right, data.get(f"heard_{fact}") or "", bool(data.get(f"fixed_{fact}")))
    return said


@capability_required("notices.manage")
@require_http_methods(["GET", "POST"])
@never_cache
def recipient_call(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    """One unit's call: the script with the facts, the numbers, and the read-back to tick."""
    user = current_user(request)
    notice = selectors.notice_for(user, pk)
    recipient = selectors.recipient_for(user, notice, rid)
    facts = selectors.fact_values(notice)
    numbers = selectors.numbers_of(recipient.unit)
    form = CallForm(
        request.POST or None,
        facts=facts,
        initial={"number": numbers[0][1] if numbers else "", "version": notice.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.recipient_call(
                recipient=recipient,
                actor=user,
                outcome=data["outcome"],
                number=data["number"],
                taken_by=data["taken_by"],
                readback=_readback(form),
                note=data["note"],
                retry_at=data["retry_at"],
                version=data["version"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            told = {
                State.CONFIRMED: "已确认，复述无误",
                State.NOTIFIED: "已通知，复述未全部核对无误",
                State.NO_ANSWER: f"未接通，{day_time(done.retry_at)} 再拨" if done.retry_at else "未接通",
                State.FAILED: "无法通知",
            }.get(State(done.state), done.get_state_display())
            messages.success(request, f"{recipient.unit.name}：{told}。")
            return redirect("notices:detail", pk=pk)
    held = recipient.held_by_id == user.pk and recipient.held_until and recipient.held_until > timezone.now()
    posted = request.POST
    context = {
        "notice": notice,
        "recipient": recipient,
        "facts": facts,
        # What the caller ticked and typed comes back as it was when the form is refused.
        "readback": [
            (f, label, value, posted.get(f"rb_{f}", ""), posted.get(f"heard_{f}", ""), bool(posted.get(f"fixed_{f}")))
            for f, label, value in facts
        ],
        "numbers": numbers,
        "script": selectors.script(notice, user),
        "form": form,
        "held": held,
        "attempts": selectors.attempts_of(recipient),
        "changes": selectors.changes_of(notice),
    }
    return render(request, "notices/call.html", context)


@capability_required("notices.confirm")
@require_POST
def recipient_confirm(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    user = current_user(request)
    notice = selectors.notice_for(user, pk)
    recipient = selectors.recipient_for(user, notice, rid)
    return form_acted(
        request,
        ConfirmForm(request.POST),
        lambda data: services.recipient_confirm(
            recipient=recipient, actor=user, ticked=data["ticked"], version=data["version"]
        ),
        "已确认收到通知。",
        reverse("notices:detail", args=[pk]),
    )


@capability_required("notices.manage")
@require_POST
def notice_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    notice = selectors.notice_for(user, pk)
    return form_acted(
        request,
        ChangeForm(request.POST),
        lambda data: services.notice_change(
            notice=notice, actor=user, starts_at=data["starts_at"], place=data["place"], reply_by=data["reply_by"]
        ),
        "通知已变更；已通知过的单位需重新通知，已列入待拨。",
        reverse("notices:detail", args=[pk]),
    )


@capability_required("notices.manage")
@require_POST
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    notice = selectors.notice_for(user, pk)
    cancel = request.POST.get("cancel") == "1"
    act = services.notice_cancel if cancel else services.notice_close
    return form_acted(
        request,
        ReasonForm(request.POST),
        lambda data: act(notice=notice, actor=user, reason=data["reason"]),
        "通知已取消，已告知各单位联络员。" if cancel else "通知已结束。",
        reverse("notices:detail", args=[pk]),
    )


SHEET_COLUMNS = ["单位", "状态", "拨打次数", "最近通知", "通知人", "接听人", "复述有误", "备注"]


@capability_required("notices.manage")
def notice_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """通知落实表: every unit, its state, who called, who answered, read-back errors caught."""
    notice = selectors.notice_for(current_user(request), pk)
    pdf = render_pdf(
        "notices/print_sheet.html",
        {
            "notice": notice,
            "facts": selectors.fact_values(notice),
            "columns": SHEET_COLUMNS,
            "table": selectors.sheet_table(notice),
            "progress": selectors.progress(notice),
            "changes": selectors.changes_of(notice),
        },
    )
    return download(pdf, f"通知落实表_{notice.year}_{notice.seq}.pdf", PDF, inline=True)


@capability_required("notices.manage")
def notice_sheet_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    notice = selectors.notice_for(current_user(request), pk)
    title = f"通知落实表 {notice.number} {notice.subject}"
    columns = [Column(c, 14 if i else 24) for i, c in enumerate(SHEET_COLUMNS)]
    return xlsx_response([Sheet("通知落实表", columns, selectors.sheet_table(notice), heading=title)], f"{title}.xlsx")
