"""Reminder sources of supervision (asked every minute by `core.reminders.reminders_run`).

Each reminder's key says what and when, so `remind_once` sends it once to each person:
- on a working morning, a unit that has not signed one working day after its assignment: its liaisons and the
  supervision staff, once;
- the lead unit's liaisons when the deadline is within 3 working days, once per deadline (an extended
  deadline is a new reminder);
- every working morning after the deadline, from the office's opening: the lead unit's liaisons and
  the staff (a key with the date in it);
- on a working morning, the lead unit's liaisons when a weekly or monthly report is overdue, once per
  missed report; and the staff when a unit stalls (behind, no report for 5 working days), once per
  last report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shuniu.core.deadlines import remaining
from shuniu.core.models import ClockUnit, User
from shuniu.core.reminders import Due, working_morning
from shuniu.core.selectors import liaisons_of
from shuniu.core.text import day_time
from shuniu.core.workcal import WorkingCalendar
from shuniu.supervision.models import Assignment, Matter, Part, Receipt, Status
from shuniu.supervision.selectors import next_report_due, stalled, supervision_staff

WARN_WORKDAYS = 3


def cleared(people: list[User], matter: Matter) -> list[User]:
    """Those who may hear of the matter: a classified one reaches only people cleared for it."""
    return [p for p in people if p.clearance >= matter.secrecy]


def matters_due(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """What supervision has to say now (see the module's docstring)."""
    staff = supervision_staff()
    today = timezone.localtime(now, calendar.tz).date()
    morning = working_morning(now, calendar)

    unsigned = list(
        Assignment.objects.filter(
            receipt=Receipt.TO_SIGN, matter__status__in=(Status.ASSIGNED, Status.ACTING)
        ).select_related("matter", "unit")
    )
    open_matters = list(
        Matter.objects.filter(status__in=(Status.ASSIGNED, Status.ACTING))
        .filter(Q(deadline__isnull=False) | ~Q(cycle=""))
        .prefetch_related("assignments")
    )
    leads = {
        m.pk: next((a for a in m.assignments.all() if a.part == Part.LEAD and a.receipt == Receipt.SIGNED), None)
        for m in open_matters
    }
    liaisons = liaisons_of({a.unit_id for a in unsigned} | {a.unit_id for a in leads.values() if a is not None})

    for assignment in unsigned if morning else ():
        matter = assignment.matter
        assigned = timezone.localtime(assignment.assigned_at, calendar.tz).date()
        if today < calendar.add_workdays(assigned, 1):
            continue
        url = reverse("supervision:detail", args=[matter.pk])
        for person in cleared([*liaisons.get(assignment.unit_id, []), *staff], matter):
            yield Due(
                key=f"matter:{matter.pk}:unsigned:{assignment.pk}",
                recipient=person,
                title=f"督办事项未签收：{matter.label()}",
                body=f"{assignment.unit.name}尚未签收，请尽快签收或说明情况。",
                url=url,
            )

    for matter in open_matters:
        lead = leads.get(matter.pk)
        url = reverse("supervision:detail", args=[matter.pk])
        unit_people = cleared(liaisons.get(lead.unit_id, []), matter) if lead is not None else []
        matter_staff = cleared(staff, matter)
        report_due = next_report_due(matter)
        if morning and report_due is not None and now > report_due:
            for person in unit_people:
                yield Due(
                    key=f"matter:{matter.pk}:cycle:{int(report_due.timestamp())}",
                    recipient=person,
                    title=f"请按周期报告进展：{matter.label()}",
                    body=f"该事项{matter.get_cycle_display()}，上次报告后已超过报告周期，请尽快报告进展。",
                    url=url,
                )
        if morning and stalled(matter, now, calendar):
            last = matter.last_report_at or matter.registered_at
            for person in matter_staff:
                yield Due(
                    key=f"matter:{matter.pk}:stalled:{int(last.timestamp())}",
                    recipient=person,
                    title=f"督办事项停滞：{matter.label()}",
                    body="主办单位已逾期或未按周期报告，且 5 个工作日没有进展报告，建议报告主任和交办领导。",
                    url=url,
                )
        if matter.deadline is None:
            continue
        if matter.deadline <= now:
            if morning:
                for person in [*unit_people, *matter_staff]:
                    yield Due(
                        key=f"matter:{matter.pk}:overdue:{today.isoformat()}",
                        recipient=person,
                        title=f"督办事项已逾期：{matter.label()}",
                        body=f"办理时限为 {day_time(matter.deadline)}，请尽快办结并报告，或申请延期。",
                        url=url,
                    )
        elif remaining(ClockUnit.WORKDAYS, matter.deadline, now, calendar) <= WARN_WORKDAYS:
            for person in unit_people:
                yield Due(
                    key=f"matter:{matter.pk}:due:{int(matter.deadline.timestamp())}",
                    recipient=person,
                    title=f"督办事项临近时限：{matter.label()}",
                    body=f"办理时限为 {day_time(matter.deadline)}，请按时办结并报告。",
                    url=url,
                )
