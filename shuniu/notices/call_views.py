"""Pages of the incoming-call register (来电登记): the list, a call at the desk, a call's page."""

from __future__ import annotations

import datetime as dt

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
from shuniu.core.forms import period_param
from shuniu.core.paging import page_of
from shuniu.core.permissions import can, capability_required
from shuniu.core.responses import acted, form_acted
from shuniu.notices import selectors, services
from shuniu.notices.forms import CallHandleForm, IncomingForm

PAGE_SIZE = 30


@capability_required("calls.view")
def call_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = page_of(request, selectors.call_list(user), PAGE_SIZE)
    return render(request, "notices/call_list.html", {"page": page, "now": timezone.now()})


@capability_required("calls.manage")
@require_http_methods(["GET", "POST"])
@never_cache
def call_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = IncomingForm(request.POST or None, initial={"at": timezone.localtime().replace(second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = services.call_record(
                actor=user,
                at=data["at"],
                number=data["number"],
                unit=data["unit"],
                caller=data["caller"],
                topic=data["topic"],
                content=data["content"],
                proposal=data["proposal"],
                callback_due=data["callback_due"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"已登记 {call.number_label}{'（' + call.unit.name + '）' if call.unit else ''}。"
            )
            return redirect("calls:detail", pk=call.pk)
    number = form["number"].value() or ""
    context = {"form": form, "lookup": _lookup_context(request, str(number))}
    return render(request, "notices/call_form.html", context)


def _lookup_context(request: HttpRequest, number: str) -> dict[str, object]:
    user = current_user(request)
    return {
        "number": number,
        "found": selectors.unit_of_number(number),
        "earlier": selectors.earlier_calls(user, number),
    }


@capability_required("calls.manage")
@never_cache
def call_lookup(request: HttpRequest) -> HttpResponse:
    """As the number is typed (htmx): whose number it is, and the caller's earlier calls."""
    number = request.GET.get("number", "")[:40]
    return render(request, "notices/_call_lookup.html", {"lookup": _lookup_context(request, number)})


@capability_required("calls.view")
@never_cache
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    call = selectors.call_for(user, pk)
    form = CallHandleForm(
        auto_id="handle_%s",
        initial={
            "proposal": call.proposal,
            "instruction": call.instruction,
            "instructed_by": call.instructed_by_id,
            "result": call.result,
            "stamp": call.updated_at.isoformat(),
        },
    )
    context = {
        "call": call,
        "form": form if call.closed_at is None else None,
        "earlier": [c for c in selectors.earlier_calls(user, call.number, limit=6) if c.pk != call.pk],
        "now": timezone.now(),
        "may_supervise": can(user, "supervision.manage"),
        "may_petition": can(user, "petitions.register"),
    }
    return render(request, "notices/call_detail.html", context)


@capability_required("calls.manage")
@require_POST
def call_handle(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    call = selectors.call_for(user, pk)
    return form_acted(
        request,
        CallHandleForm(request.POST),
        lambda data: services.call_update(
            call=call,
            actor=user,
            proposal=data["proposal"],
            instruction=data["instruction"],
            instructed_by=data["instructed_by"],
            result=data["result"],
            close=data["close"],
            expected=_stamp(data["stamp"]),
        ),
        lambda data: "已办结。" if data["close"] else "已保存。",
        reverse("calls:detail", args=[pk]),
    )


def _stamp(text: str) -> dt.datetime | None:
    """The page's `updated_at`, or None if it carried none (or a broken one: then the save is refused)."""
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)  # matches nothing: the edit is refused, not a 500


@capability_required("calls.manage")
@require_POST
def call_back(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    call = selectors.call_for(user, pk)
    return acted(
        request,
        lambda: services.call_called_back(call=call, actor=user),
        "已登记回电。",
        reverse("calls:detail", args=[pk]),
    )


CALL_COLUMNS = ["来电", "需回电", "按时回电", "回电按时率"]


@capability_required("calls.view")
def call_figures(request: HttpRequest) -> HttpResponseBase:
    """Calls in a period (a month by default) by unit or by kind, with callbacks on time; Excel too."""
    user = current_user(request)
    today = timezone.localdate()
    first, last, start, end = period_param(request.GET, today.replace(day=1), today)
    by = request.GET.get("by", "unit")
    by = by if by in selectors.CALL_DIMENSIONS else "unit"
    rows = selectors.call_figures(user, start=start, end=end, by=by)
    label = selectors.CALL_DIMENSIONS[by][0]
    title = f"来电统计（{first:%Y年%-m月%-d日}—{last:%Y年%-m月%-d日}，按{label}）"
    table = [
        [r.key, r.calls, r.callbacks, r.on_time, f"{r.on_time_rate:.0%}" if r.on_time_rate is not None else "—"]
        for r in rows
    ]
    if request.GET.get("format") == "xlsx":
        columns = [Column(label, 24), *(Column(c, 12) for c in CALL_COLUMNS)]
        return xlsx_response([Sheet("来电统计", columns, table, heading=title)], f"{title}.xlsx")
    context = {
        "title": title,
        "label": label,
        "columns": CALL_COLUMNS,
        "table": table,
        "first": first,
        "last": last,
        "by": by,
        "dimensions": [(k, v[0]) for k, v in selectors.CALL_DIMENSIONS.items()],
    }
    return render(request, "notices/call_figures.html", context)
