"""What each role's workbench shows. Reads only; the board app has no models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.core.models import LeaderProfile, Role, Unit, UnitKind, User
from shuniu.core.workcal import CalendarNotCovered, WorkingCalendar
from shuniu.documents.models import Copy, CopyState, Document, Status
from shuniu.documents.selectors import DOCUMENT_STAFF, desk, pending_supervision
from shuniu.schedules.selectors import PLAN_READER_ROLES, engagements_between, key_work_for, sees_in_full

_WEEKDAYS = "一二三四五六日"


def today_panel(calendar: WorkingCalendar, today: dt.date) -> dict[str, Any]:
    try:
        workday: bool | None = calendar.is_workday(today)
    except CalendarNotCovered:
        workday = None
    return {
        "date": today,
        "weekday": "星期" + _WEEKDAYS[today.weekday()],
        "workday": workday,
        "hours": "、".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in calendar.hours),
    }


def calendar_coverage(calendar: WorkingCalendar, today: dt.date) -> list[int]:
    """This year and next: the years the working calendar cannot answer for (admin must act)."""
    missing = []
    for year in (today.year, today.year + 1):
        try:
            calendar.is_workday(dt.date(year, 6, 1))
        except CalendarNotCovered:
            missing.append(year)
    return missing


def workbench_for(user: User) -> dict[str, Any]:
    calendar = WorkingCalendar.load()
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today_panel(calendar, today), "sections": []}
    sections: list[str] = context["sections"]
    tz = timezone.get_current_timezone()
    day_start = dt.datetime.combine(today, dt.time.min, tz)
    day_end = day_start + dt.timedelta(days=1)
    if user.has_role(Role.LEADER):
        sections.append("leader")
        context["profile"] = LeaderProfile.objects.filter(user=user).first()
        context["my_today"] = list(engagements_between(day_start, day_end, [user.pk]))
        context["desk_count"] = desk(user).count()
    if user.has_role(*DOCUMENT_STAFF):
        sections.append("documents")
        context["documents"] = {
            "registered": Document.objects.filter(status__in=[Status.REGISTERED, Status.PROPOSED]).count(),
            "circulating": Document.objects.filter(status=Status.CIRCULATING).count(),
            "to_carry": Copy.objects.filter(state__in=[CopyState.TO_DELIVER, CopyState.TO_COLLECT]).count(),
            "supervision": pending_supervision().count(),
        }
    if user.has_role(*PLAN_READER_ROLES):
        sections.append("key_work")
        context["key_work"] = list(
            key_work_for(user)
            .filter(done=False, start__gte=day_start, start__lt=day_start + dt.timedelta(days=8))
            .filter(Q(owner=user) | Q(leader=user))
            .order_by("start")[:10]
        )
    if user.has_role(Role.DIRECTOR, Role.CLERK, Role.SUPERVISOR, Role.PETITION_OFFICER):
        sections.append("office")
        counts = dict(
            Unit.objects.filter(is_active=True).values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
        )
        context["unit_counts"] = [(label, counts.get(kind, 0)) for kind, label in UnitKind.choices]
        context["leaders"] = list(LeaderProfile.objects.select_related("user").order_by("rank"))
        context["leaders_today"] = [
            {"engagement": e, "full": sees_in_full(user, e)}
            for e in engagements_between(day_start, day_end).select_related("leader")
        ]
    if user.has_role(Role.LIAISON) and user.unit_id:
        sections.append("liaison")
        context["unit"] = Unit.objects.prefetch_related("contacts").get(pk=user.unit_id)
    if user.has_role(Role.AUDITOR):
        sections.append("auditor")
        since = timezone.now() - dt.timedelta(days=1)
        recent = AuditEntry.objects.filter(at__gte=since)
        context["audit"] = {
            "today": recent.count(),
            "failed": recent.filter(action="auth.login_failed").count(),
            "locked": recent.filter(action="auth.locked").count(),
        }
    if user.has_role(Role.ADMIN):
        sections.append("admin")
        now = timezone.now()
        context["admin"] = {
            "users": User.objects.filter(is_active=True).count(),
            "locked": list(User.objects.filter(locked_until__gt=now).order_by("username")),
            "no_password": User.objects.filter(is_active=True, password__startswith="!").count(),  # noqa: S106 - unusable-password marker
            "missing_years": calendar_coverage(calendar, today),
        }
    return context
