"""Pages of the schedules module: weekly plan, leader schedules, engagements, key work, day planner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.access import current_user, get_visible_or_404
from shuniu.core.confirm import NeedsConfirmation, ask
from shuniu.core.excel import ImportRejected, xlsx_response
from shuniu.core.forms import date_param, form_errors, is_number
from shuniu.core.models import OFFICE_ROLES, Role, User
from shuniu.core.permissions import capability_required
from shuniu.core.responses import download
from shuniu.core.services import read_recorded
from shuniu.schedules import services
from shuniu.schedules.feeds import leader_ics
from shuniu.schedules.forms import (
    CheckForm,
    EngagementForm,
    EngagementImportForm,
    KeyWorkCompleteForm,
    KeyWorkEditForm,
    KeyWorkForm,
    PublishForm,
)
from shuniu.schedules.importer import engagements_import
from shuniu.schedules.models import CheckItem, Engagement, FeedToken, KeyWork
from shuniu.schedules.printouts import weekly_plan_pdf, weekly_plan_sheet
from shuniu.schedules.selectors import (
    HALF_LABELS,
    HALVES,
    KEY_WORK_TABS,
    can_edit,
    day_headers,
    day_planner,
    feed_leader,
    grid_rows,
    key_work_for,
    key_work_tab,
    latest_published,
    leader_ids,
    leader_queryset,
    leader_schedule_items,
    leaders_day,
    monday_of,
    plan_by_day,
    plan_unread,
    publish_preview,
    weekly_plan_for,
)

_STAFF_ROLES = tuple(OFFICE_ROLES - {Role.LEADER})


def _week(request: HttpRequest) -> dt.date:
    return monday_of(date_param(request.GET.get("week"), timezone.localdate()))


def _plan_url(week: dt.date) -> str:
    return f"{reverse('schedules:weekly_plan')}?week={week.isoformat()}"


@capability_required("schedules.view")
def weekly_plan(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    week = _week(request)
    grid, changes, state = weekly_plan_for(user, week)
    if not can_edit(user):
        published = latest_published(week)
        if published is not None and plan_unread(user, published):
            services.weekly_plan_read(version=published, reader=user)
    context = {
        "week": week,
        "previous": week - dt.timedelta(days=7),
        "next": week + dt.timedelta(days=7),
        "state": state,
        "can_edit": can_edit(user),
        "days": day_headers(grid) if grid else [],
        "rows": grid_rows(grid, changes) if grid else [],
        "by_day": plan_by_day(grid, changes) if grid else [],
        "halves": [HALF_LABELS[h] for h in HALVES],
    }
    return render(request, "schedules/weekly_plan.html", context)


@capability_required("schedules.publish")
def weekly_plan_publish_confirm(request: HttpRequest) -> HttpResponse:
    """Before publishing: what goes out, what changed against the last version, who is told."""
    user = current_user(request)
    week = _week(request)
    preview = publish_preview(week)
    previous = preview["previous"]
    context = {
        **preview,
        "week": week,
        "form": PublishForm(initial={"base": previous.number if previous else 0}),
        "next_number": (previous.number + 1) if previous else 1,
        "readers": len([u for u in services.plan_readers() if u.pk != user.pk]),
        "unchanged": previous is not None and not preview["changes"],
    }
    return render(request, "schedules/weekly_plan_publish.html", context)


@capability_required("schedules.publish")
@require_POST
def weekly_plan_publish(request: HttpRequest) -> HttpResponse:
    week = _week(request)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求无效，请刷新页面后再发布。")
        return redirect(_plan_url(week))
    try:
        version = services.weekly_plan_publish(
            week_start=week, base=form.cleaned_data["base"], actor=current_user(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已发布第 {version.number} 版周工作安排，已通知 {version.notified} 人。")
    return redirect(_plan_url(week))


@capability_required("schedules.view")
def weekly_plan_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("pdf", "xlsx"):
        raise Http404("不支持的格式。")
    user = current_user(request)
    week = _week(request)
    grid, _, state = weekly_plan_for(user, week, distributed=True)
    if grid is None:
        raise Http404("本周安排尚未发布。")
    name = f"周工作安排_{week:%Y%m%d}"
    read_recorded(actor=user, action="export.weekly_plan", data={"week": week.isoformat(), "format": fmt})
    if fmt == "pdf":
        return download(weekly_plan_pdf(grid, subtitle=state), f"{name}.pdf", "application/pdf")
    return xlsx_response([weekly_plan_sheet(grid, subtitle=state)], f"{name}.xlsx")


def _leader_for(user: User, pk: int) -> User:
    """A leader's schedule page: staff may open any leader's; a leader only their own."""
    if not user.is_office_staff:
        raise Http404("未找到，或您无权查看。")
    leaders = leader_queryset()
    if not user.has_role(*_STAFF_ROLES):
        leaders = leaders.filter(pk=user.pk)
    return get_visible_or_404(leaders, pk)


@capability_required("schedules.view")
def leader_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    leader = _leader_for(user, pk)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today - dt.timedelta(days=7), dt.time.min, tz)
    end = dt.datetime.combine(today + dt.timedelta(days=60), dt.time.min, tz)
    items = leader_schedule_items(user, leader, start, end)
    feeds = (
        FeedToken.objects.filter(leader=leader, revoked_at__isnull=True).order_by("-created_at")
        if (leader.pk == user.pk or can_edit(user))
        else None
    )
    return render(
        request,
        "schedules/leader_schedule.html",
        {"leader": leader, "items": items, "can_edit": can_edit(user), "feeds": feeds, "now": timezone.now()},
    )


@capability_required("schedules.mine")
def my_schedule(request: HttpRequest) -> HttpResponse:
    return redirect("schedules:leader", pk=current_user(request).pk)


def _engagement_form_view(request: HttpRequest, engagement: Engagement | None) -> HttpResponse:
    user = current_user(request)
    initial: dict[str, Any] = {"leaders": request.GET.getlist("leader")}
    if engagement is not None:
        initial = {
            "leaders": leader_ids(engagement),
            "kind": engagement.kind,
            "title": engagement.title,
            "start": timezone.localtime(engagement.start),
            "end": timezone.localtime(engagement.end),
            "place": engagement.place,
            "notes": engagement.notes,
            "confidential": engagement.confidential,
            "version": engagement.version,
        }
    form = EngagementForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"form": form, "engagement": engagement}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "leaders": list(data["leaders"]),
            "kind": data["kind"],
            "title": data["title"],
            "start": data["start"],
            "end": data["end"],
            "place": data["place"],
            "notes": data["notes"],
            "confidential": data["confidential"],
            "confirm_overlap": data["confirm"],
            "actor": user,
        }
        try:
            if engagement is None:
                saved = services.engagement_create(**fields)
            else:
                saved = services.engagement_update(engagement=engagement, version=data["version"] or 0, **fields)
        except NeedsConfirmation as exc:
            context.update(ask(form, exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            names = "、".join(leader.full_name for leader in data["leaders"])
            messages.success(request, f"已保存：{names} {saved}。")
            return redirect("schedules:leader", pk=saved.leader_id)
    return render(request, "schedules/engagement_form.html", context)


@capability_required("schedules.edit")
@require_http_methods(["GET", "POST"])
def engagement_new(request: HttpRequest) -> HttpResponse:
    return _engagement_form_view(request, None)


@capability_required("schedules.edit")
@require_http_methods(["GET", "POST"])
def engagement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _engagement_form_view(request, get_visible_or_404(Engagement.objects.select_related("leader"), pk))


@capability_required("schedules.edit")
@require_POST
def engagement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = get_visible_or_404(Engagement.objects.prefetch_related("attendances"), pk)
    back = request.POST.get("leader", "")
    leaders = leader_ids(engagement)
    try:
        services.engagement_delete(engagement=engagement, actor=current_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        more = f"（{len(leaders)} 位领导的日程中均已删除）" if len(leaders) > 1 else ""
        messages.success(request, f"日程已删除：{engagement}{more}。")
    return redirect("schedules:leader", pk=int(back) if is_number(back) and int(back) in leaders else leaders[0])


@capability_required("schedules.edit")
@require_http_methods(["GET", "POST"])
def engagement_import(request: HttpRequest) -> HttpResponse:
    form = EngagementImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = engagements_import(
                data=form.cleaned_data["file"].read(),
                actor=current_user(request),
                allow_overlap=form.cleaned_data["allow_overlap"],
            )
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, f"已导入 {count} 条领导日程。")
            return redirect("schedules:weekly_plan")
    return render(request, "schedules/engagement_import.html", {"form": form, "errors": errors})


@capability_required("schedules.key_work")
def key_work_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    tab = request.GET.get("tab", "open")
    if tab not in {t["key"] for t in KEY_WORK_TABS}:
        tab = "open"
    now = timezone.now()
    items = key_work_tab(user, tab, now=now)[:200]
    return render(
        request,
        "schedules/key_work_list.html",
        {"items": items, "tab": tab, "tabs": KEY_WORK_TABS, "now": now, "can_create": user.has_role(*_STAFF_ROLES)},
    )


def _key_work_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "owner": data["owner"],
        "leader": data["leader"],
        "start": data["start"],
        "end": data["end"],
        "place": data["place"],
        "notes": data["notes"],
        "remind_minutes": data["remind_minutes"],
    }


@capability_required("schedules.key_work_new")
@require_http_methods(["GET", "POST"])
def key_work_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = KeyWorkForm(request.POST or None, initial={"owner": user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.key_work_create(**_key_work_fields(data), checklist=data["checklist_items"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            told = "责任人和相关领导" if item.leader_id else "责任人"
            messages.success(request, f"重点工作「{item.title}」已登记，将{item.remind_label}提醒{told}。")
            return redirect("schedules:key_work", pk=item.pk)
    return render(request, "schedules/key_work_form.html", {"form": form})


def _key_work_to_change(user: User, pk: int) -> KeyWork:
    """Key work this user may change: its owner's, or any for an editor; others get a 404."""
    item = get_visible_or_404(key_work_for(user), pk)
    if item.owner_id != user.pk and not can_edit(user):
        raise Http404("未找到，或您无权查看。")
    return item


@capability_required("schedules.key_work")
@require_http_methods(["GET", "POST"])
def key_work_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = _key_work_to_change(user, pk)
    if item.done:
        messages.error(request, "已完成的重点工作不能修改。")
        return redirect("schedules:key_work", pk=item.pk)
    initial = {
        "title": item.title,
        "owner": item.owner_id,
        "leader": item.leader_id,
        "start": timezone.localtime(item.start),
        "end": timezone.localtime(item.end) if item.end else None,
        "place": item.place,
        "notes": item.notes,
        "remind_minutes": item.remind_minutes,
        "version": item.version,
    }
    form = KeyWorkEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.key_work_update(
                item=item,
                version=data["version"],
                **_key_work_fields(data),
                add_checklist=data["checklist_items"],
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存对「{item.title}」的修改。")
            return redirect("schedules:key_work", pk=item.pk)
    return render(request, "schedules/key_work_form.html", {"form": form, "item": item})


@capability_required("schedules.key_work")
def key_work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = get_visible_or_404(key_work_for(user).select_related("done_by"), pk)
    may_tick = (item.owner_id == user.pk or can_edit(user)) and not item.done
    return render(request, "schedules/key_work_detail.html", {"item": item, "may_tick": may_tick})


@capability_required("schedules.key_work")
@require_POST
def check_item_set(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    check = get_visible_or_404(CheckItem.objects.select_related("key_work"), pk)
    if check.key_work.owner_id != user.pk and not can_edit(user):
        raise Http404("未找到，或您无权查看。")
    form = CheckForm(request.POST)
    error = ""
    if not form.is_valid():
        error = form_errors(form)
    else:
        try:
            check = services.check_item_set(item=check, done=form.cleaned_data["done"], actor=user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            check.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "schedules/_check_item.html", {"check": check, "may_tick": True, "error": error})
    if error:
        messages.error(request, error)
    return redirect("schedules:key_work", pk=check.key_work_id)


@capability_required("schedules.key_work")
@require_POST
def key_work_complete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = _key_work_to_change(user, pk)
    form = KeyWorkCompleteForm(request.POST)
    form.is_valid()  # a lone optional checkbox: always valid
    try:
        services.key_work_complete(item=item, confirm_open=form.cleaned_data.get("confirm", False), actor=user)
    except NeedsConfirmation as exc:
        context = {"item": item, "form": form, **ask(form, exc)}
        return render(request, "schedules/key_work_complete.html", context)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("schedules:key_work", pk=item.pk)
    messages.success(request, f"「{item.title}」已标记完成。")
    return redirect("schedules:key_work_list")


@capability_required("schedules.planner")
def day_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    day = date_param(request.GET.get("date"), timezone.localdate())
    hours = day_planner(user, day)
    return render(
        request,
        "schedules/day_planner.html",
        {
            "day": day,
            "hours": hours,
            "has_items": any(h["items"] for h in hours),
            "leaders_day": leaders_day(user, day),
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        },
    )


@capability_required("schedules.view")
@require_POST
def feed_token_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    leader = _leader_for(user, pk)
    if leader.pk != user.pk and not can_edit(user):
        raise Http404("未找到，或您无权查看。")
    token = services.feed_token_create(leader=leader, actor=user)
    url = request.build_absolute_uri(reverse("schedules:feed", kwargs={"token": token}))
    return render(request, "schedules/feed_token.html", {"leader": leader, "url": url})


@capability_required("schedules.view")
@require_POST
def feed_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    feed = get_visible_or_404(FeedToken.objects.select_related("leader"), pk)
    if feed.leader_id != user.pk and not can_edit(user):
        raise Http404("未找到，或您无权查看。")
    services.feed_token_revoke(feed=feed, actor=user)
    messages.success(request, "订阅链接已吊销，使用它的日历将不再更新。")
    return redirect("schedules:leader", pk=feed.leader_id)


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: no login (calendar apps cannot log in); the token is the credential."""
    leader = feed_leader(token)
    if leader is None:
        raise Http404("订阅链接无效或已吊销。")
    return HttpResponse(leader_ics(leader), content_type="text/calendar; charset=utf-8")
