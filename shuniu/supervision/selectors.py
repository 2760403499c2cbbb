"""Reads of supervision, always narrowed to what the user may see — inside the query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from shuniu.core.deadlines import Light, Rule, light
from shuniu.core.models import ClockUnit, Role, Unit, User
from shuniu.core.permissions import can
from shuniu.core.selectors import users_with_role
from shuniu.core.workcal import WorkingCalendar, this_week
from shuniu.supervision.flow import MATTER_FLOW
from shuniu.supervision.models import (
    Assignment,
    Cycle,
    Escalation,
    Extension,
    ExtensionStatus,
    Level,
    Matter,
    Part,
    Receipt,
    Source,
    Status,
    TimeLimit,
    Urgency,
)

if TYPE_CHECKING:
    from shuniu.documents.models import Document

WARN_WORKDAYS = 3  # yellow within three working days of the deadline
OBJECT_WORKDAYS = 3  # a unit may answer "不属于我单位职责" within three working days of its assignment
# When the administrator's table (TimeLimit) has no row for a source: a document's matter, 30 days.
FALLBACK_RULE = Rule(ClockUnit.CALENDAR_DAYS, 30, roll_holidays=True)
STALL_WORKDAYS = 5  # behind, and no report for five working days: the unit is stalling
OPEN = (Status.ASSIGNED, Status.ACTING, Status.REPORTED)
DONE = (Status.REPORTED, Status.CLOSED)  # the unit's part is done once its completion report is in
CYCLE_DAYS: dict[str, int] = {
    Cycle.WEEKLY: 7,
    Cycle.MONTHLY: 31,
}  # a regular report is due this many days after the last


def matters_for(user: User) -> QuerySet[Matter]:
    """The matters `user` may see, up to their clearance.

    Supervision staff and the director all; a leader those they instructed or are in charge of; a
    liaison their unit's (not one reassigned away); nobody else any.
    """
    matters = Matter.objects.filter(secrecy__lte=user.clearance)
    if user.has_role(Role.SUPERVISOR, Role.DIRECTOR):
        return matters
    scope = Q()
    if user.has_role(Role.LEADER):
        scope |= Q(instructing_leader=user) | Q(leader_in_charge=user)
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        held = Assignment.objects.filter(
            unit_id=user.unit_id, receipt__in=(Receipt.TO_SIGN, Receipt.SIGNED, Receipt.OBJECTED)
        )
        scope |= Q(pk__in=held.values("matter_id"))  # through the (unit, receipt) index, not a scan of matters
    return matters.filter(scope) if scope else Matter.objects.none()  # none(): the search then asks nothing


class Clocked(Protocol):
    """What a matter's light and report clock read of it: a `Matter`, or a line of the list (`MatterLine`)."""

    @property
    def status(self) -> str: ...  # noqa: D102 - a field of the matter
    @property
    def deadline(self) -> dt.datetime | None: ...  # noqa: D102 - a field of the matter
    @property
    def cycle(self) -> str: ...  # noqa: D102 - a field of the matter
    @property
    def last_report_at(self) -> dt.datetime | None: ...  # noqa: D102 - a field of the matter
    @property
    def registered_at(self) -> dt.datetime: ...  # noqa: D102 - a field of the matter


def next_report_due(matter: Clocked) -> dt.datetime | None:
    """When the lead unit's next regular report is due (a week or a month after its last, or after registration)."""
    period = CYCLE_DAYS.get(matter.cycle)
    if period is None:
        return None
    return (matter.last_report_at or matter.registered_at) + dt.timedelta(days=period)


def cycle_missed(matter: Clocked, now: dt.datetime) -> bool:
    """A matter under way whose lead unit has let its weekly or monthly report pass."""
    due = next_report_due(matter)
    return matter.status == Status.ACTING and due is not None and now > due


def matter_light(matter: Clocked, now: dt.datetime, calendar: WorkingCalendar) -> Light | None:
    """Red overdue; yellow within 3 working days of the deadline or a report cycle missed; else green.

    None once the completion report is in.
    """
    if matter.status in (Status.REPORTED, Status.CLOSED):  # done on its side: the review is the staff's
        return None
    by_deadline = light(ClockUnit.WORKDAYS, WARN_WORKDAYS, matter.deadline, now, calendar) if matter.deadline else None
    if by_deadline == "red":
        return "red"
    if by_deadline == "yellow" or cycle_missed(matter, now):
        return "yellow"
    return "green" if by_deadline or matter.cycle else None


def behind_since(matter: Matter, now: dt.datetime) -> dt.datetime | None:
    """When the matter fell behind — its deadline passed, or its regular report fell due — or None."""
    moments = []
    if matter.deadline is not None and now > matter.deadline:
        moments.append(matter.deadline)
    report_due = next_report_due(matter)
    if report_due is not None and now > report_due:
        moments.append(report_due)
    return min(moments) if moments and matter.status == Status.ACTING else None


def stalled(matter: Matter, now: dt.datetime, calendar: WorkingCalendar) -> bool:
    """Whether the lead unit is stalling.

    Behind, and no report for `STALL_WORKDAYS` working days since it fell behind (or since its last
    report after that).
    """
    since = behind_since(matter, now)
    if since is None:
        return False
    last = max(since, matter.last_report_at or matter.registered_at)
    day = timezone.localtime(last, calendar.tz).date()
    return calendar.add_workdays(day, STALL_WORKDAYS) < timezone.localtime(now, calendar.tz).date()


def suggested_level(matter: Matter, now: dt.datetime, calendar: WorkingCalendar) -> str:
    """The ladder's step the matter has reached.

    A stalling unit reported to the leaders, red overdue, yellow behind, blue near; "" on track.
    """
    if matter.status != Status.ACTING:
        return ""
    if stalled(matter, now, calendar):
        return Level.LEADERS
    if matter.deadline is not None and now > matter.deadline:
        return Level.RED
    if cycle_missed(matter, now):
        return Level.YELLOW
    return Level.BLUE if matter_light(matter, now, calendar) == "yellow" else ""


ALL = "all"  # the list's tab of every matter; the default tab holds the open ones


DUE = {"week": "本周到期", "overdue": "已逾期"}


@dataclass(frozen=True)
class Narrowing:
    """The open matters behind one of the office board's figures: due this week, overdue (by leader), a lead unit's."""

    due: str = ""  # "week" or "overdue"
    unit: int | None = None  # the lead unit
    leader: int | None = None  # the instructing leader (0: none)

    @classmethod
    def from_query(cls, get: Any) -> Narrowing | None:
        """The narrowing a list's address asks for (anything unreadable is ignored), or None."""
        due = get.get("due", "") if get.get("due", "") in DUE else ""
        unit, leader = (int(v) if (v := get.get(k, "")).isdigit() and len(v) < 10 else None for k in ("unit", "leader"))
        return cls(due, unit, leader) if due or unit is not None or leader is not None else None

    def apply(self, matters: QuerySet[Matter], now: dt.datetime) -> QuerySet[Matter]:
        """`matters` (the open ones) narrowed."""
        if self.due == "overdue":
            matters = matters.filter(deadline__lt=now)
        elif self.due == "week":
            matters = matters.filter(deadline__gte=now, deadline__lt=this_week(now)[1])
        if self.unit is not None:
            matters = matters.filter(lead_unit_id=self.unit)
        if self.leader is not None:
            matters = matters.filter(instructing_leader_id=self.leader or None)
        return matters

    def label(self) -> str:
        """In words, for the list's banner."""
        parts = [DUE[self.due]] if self.due else []
        if self.unit is not None:
            unit = Unit.objects.filter(pk=self.unit).first()
            parts.append(f"主办单位 {unit.name if unit else '—'}")
        if self.leader is not None:
            leader = User.objects.filter(pk=self.leader).first() if self.leader else None
            parts.append(f"交办领导 {leader.full_name if leader else '（无）'}")
        return "、".join(parts)


def matter_list(user: User, *, status: str = "", narrowing: Narrowing | None = None) -> QuerySet[Matter]:
    """The list page's matters.

    By default the open ones, soonest deadline first (for a liaison, those their unit has still to sign
    first); ``all`` and ``closed`` newest first. Each order follows an index, so the first page costs
    the same at ten years of matters as at one.
    """
    matters = matters_for(user)
    if narrowing:  # a figure of the office board: the open matters it counted
        return narrowing.apply(matters.filter(status__in=OPEN), timezone.now()).order_by("deadline", "-seq")
    if status == ALL or status == Status.CLOSED:
        matters = matters if status == ALL else matters.filter(status=status)
        return matters.order_by("-year", "-seq")
    matters = matters.filter(status=status) if status in Status.values else matters.filter(status__in=OPEN)
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        to_sign = Assignment.objects.filter(matter=OuterRef("pk"), unit_id=user.unit_id, receipt=Receipt.TO_SIGN)
        return matters.annotate(to_sign=Exists(to_sign)).order_by("-to_sign", "deadline", "-seq")
    return matters.order_by("deadline", "-seq")


class MatterLine(NamedTuple):
    """A matter as the list page reads it (`matter_lines`): its values, no model row."""

    pk: int
    year: int
    seq: int
    title: str
    status: str
    deadline: dt.datetime | None
    cycle: str
    last_report_at: dt.datetime | None
    registered_at: dt.datetime
    instructing_leader: str | None  # the leader's name


def matter_lines(matters: QuerySet[Matter]) -> QuerySet[Matter, tuple[Any, ...]]:
    """`matter_list(user)` as the page reads it: a `MatterLine`'s values, in its order.

    A page of thirty matters read as model rows, with their leaders, cost the page more than its query.
    """
    lines: QuerySet[Matter, tuple[Any, ...]] = matters.values_list(
        "pk", "year", "seq", "title", "status", "deadline", "cycle", "last_report_at", "registered_at",
        "instructing_leader__full_name",
    )  # fmt: skip
    return lines


class HandlingUnit(NamedTuple):
    """A unit handling a matter (承办单位), as the list shows it: its name, its part (主办/协办), its receipt."""

    unit: str
    part: str
    receipt: str


PARTS = dict(Part.choices)


def handling_units(matters: Sequence[Matter | MatterLine]) -> dict[int, list[HandlingUnit]]:
    """The handling units of each of a page of matters (the lead first; a withdrawn assignment is not shown).

    `matters`: a page of `matter_list(user)`, so already what the user may see.

    One query of plain values, not a model for every assignment and every unit of the page.
    """
    rows = (
        Assignment.objects.filter(matter__in=[m.pk for m in matters])
        .exclude(receipt=Receipt.WITHDRAWN)
        .order_by("matter", "-part", "pk")
        .values_list("matter", "unit__name", "part", "receipt")
    )
    held: dict[int, list[HandlingUnit]] = {}
    for matter, unit, part, receipt in rows:
        held.setdefault(matter, []).append(HandlingUnit(unit, PARTS.get(part, part), receipt))
    return held


def matter_for(user: User, pk: object) -> Matter:
    """One matter the user may see (404 otherwise), with what its page shows."""
    from shuniu.core.access import get_visible_or_404

    matters = matters_for(user).select_related("instructing_leader", "leader_in_charge", "registered_by", "document")
    return get_visible_or_404(matters, pk)


def own_assignment(user: User, matter: Matter) -> Assignment | None:
    """The part of `matter` that the liaison's unit holds now (none after reassignment away)."""
    if not user.has_role(Role.LIAISON) or user.unit_id is None:
        return None
    return matter.assignments.filter(unit_id=user.unit_id).exclude(receipt=Receipt.WITHDRAWN).first()


def draft_from_document(document: Document) -> dict[str, object]:
    """A registration filled in from a document whose leader asked for action (待转督办).

    Its units are the document's handling units — those that hold a copy, where units were sent one.
    """
    asking = [r for r in document.readings.select_related("leader") if r.requires_action and r.instruction]
    instruction = "\n".join(f"{r.leader.full_name}：{r.instruction}" for r in asking)
    handling = list(document.handling_units.order_by("-lead", "pk").values_list("unit_id", "lead"))
    holding = set(document.unit_copies.values_list("unit_id", flat=True))
    if holding:  # the units already holding the document (as the director approved them) take it on
        handling = [(unit, lead) for unit, lead in handling if unit in holding]
    lead = next((unit for unit, is_lead in handling if is_lead), handling[0][0] if handling else None)
    return {
        "lead_unit": lead,
        "co_units": [unit for unit, _ in handling if unit != lead],
        "source": Source.INSTRUCTION,
        "title": document.title[:200],
        "content": instruction or document.title,
        "instruction": instruction,
        "instructing_leader": asking[0].leader_id if asking else None,
        "document": document.pk,
    }


def supervision_staff() -> list[User]:
    """The supervision section's staff (督查室), who chase, reassign and review."""
    return list(users_with_role(Role.SUPERVISOR))


# Figures and the weekly bulletin --------------------------------------------------------------------


@dataclass
class FigureRow:
    """One unit's (or leader's) figures over a period."""

    key: int | None
    name: str
    registered: int = 0  # 交办: registered in the period
    due: int = 0  # 到期: deadline in the period, and passed
    on_time: int = 0  # of those, closed with completion reported by the deadline
    late: int = 0  # of those, not completed by the deadline
    overdue_now: int = 0  # open and past the deadline, now
    closed: int = 0  # closed in the period
    days_total: float = 0.0  # their days from registration to completion, summed
    extensions: int = 0  # extensions approved in the period

    @property
    def rate(self) -> float | None:
        """按期办结率: on time ÷ due, None when nothing fell due."""
        return self.on_time / self.due if self.due else None

    @property
    def average_days(self) -> float | None:
        """平均办理天数 of the matters closed in the period."""
        return self.days_total / self.closed if self.closed else None


def figures(user: User, *, start: dt.datetime, end: dt.datetime, now: dt.datetime, by: str = "unit") -> list[FigureRow]:
    """Per lead unit (`by="unit"`) or per instructing leader (`by="leader"`), over [start, end).

    On time: the completion report in (reviewed or not) by `measured_deadline` — the original
    deadline unless an extension asked for in time was approved. Due in the period is by it too.
    Three grouped queries whatever the number of matters (the period's rows only, through indexes).
    """
    group = "lead_unit" if by == "unit" else "instructing_leader"
    name = "lead_unit__name" if by == "unit" else "instructing_leader__full_name"
    seen = matters_for(user)
    due_by = Q(measured_deadline__gte=start, measured_deadline__lt=min(end, now))
    counted = (
        seen.filter(
            Q(registered_at__gte=start, registered_at__lt=end)
            | due_by
            | Q(closed_at__gte=start, closed_at__lt=end)
            | Q(status__in=OPEN, deadline__lt=now)
        )
        .values(group, name)
        .annotate(
            registered=Count("pk", filter=Q(registered_at__gte=start, registered_at__lt=end)),
            due=Count("pk", filter=due_by),
            on_time=Count("pk", filter=due_by & Q(status__in=DONE, completed_at__lte=F("measured_deadline"))),
            overdue_now=Count("pk", filter=Q(status__in=OPEN, deadline__lt=now)),
            closed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end)),
        )
    )
    rows: dict[int | None, FigureRow] = {}
    for r in counted:
        row = FigureRow(key=r[group], name=r[name] or "（未指定）", **{k: r[k] for k in _COUNTS})
        row.late = row.due - row.on_time
        rows[row.key] = row
    closed = seen.filter(closed_at__gte=start, closed_at__lt=end, completed_at__isnull=False)
    for key, registered_at, completed_at in closed.values_list(group, "registered_at", "completed_at"):
        rows[key].days_total += (completed_at - registered_at).total_seconds() / 86400
    in_period = Q(extensions__status=ExtensionStatus.APPROVED, extensions__decided_at__gte=start)
    in_period &= Q(extensions__decided_at__lt=end)
    approved = Extension.objects.filter(status=ExtensionStatus.APPROVED, decided_at__gte=start, decided_at__lt=end)
    extended = (  # from the period's extensions (an index), not from every matter the user may see
        seen.filter(pk__in=approved.values("matter_id")).values(group).annotate(n=Count("extensions", filter=in_period))
    )
    for r in extended:
        if r[group] in rows:
            rows[r[group]].extensions = r["n"]
    return sorted(rows.values(), key=lambda r: (-(r.late + r.overdue_now), r.name))


_COUNTS = ("registered", "due", "on_time", "overdue_now", "closed")


def overdue_matters(user: User, *, now: dt.datetime, limit: int = 200) -> QuerySet[Matter]:
    """Open matters past their deadline, the longest overdue first (the bulletin names them)."""
    return (
        matters_for(user)
        .filter(status__in=OPEN, deadline__lt=now)
        .select_related("lead_unit", "instructing_leader")
        .order_by("deadline")[:limit]
    )


def time_limits_text() -> str:
    """The default deadlines as the administrator has set them, for the registration form's help."""
    parts = []
    for row in TimeLimit.objects.all():
        unit = "个工作日" if row.unit == ClockUnit.WORKDAYS else "天"
        parts.append(f"{row.get_source_display()}{row.normal}{unit}（紧急{row.urgent}，疑难{row.hard}）")
    return "不填则按督办时限标准取默认时限：" + "；".join(parts) + "。" if parts else "请填写办理时限。"


def time_limit(source: str, urgency: str) -> Rule:
    """The default period of a new matter of this source and urgency (the administrator's 督办时限标准)."""
    row = TimeLimit.objects.filter(source=source).first()
    if row is None:
        return FALLBACK_RULE
    amounts: dict[str, int] = {Urgency.URGENT: row.urgent, Urgency.HARD: row.hard}
    amount = amounts.get(urgency, row.normal)
    return Rule(row.unit, amount, roll_holidays=row.unit == ClockUnit.CALENDAR_DAYS)


def default_deadline(source: str, urgency: str, start: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """The deadline a county would set for a new matter of this source and urgency."""
    return time_limit(source, urgency).due(start, calendar)


def objection_open(assignment: Assignment, now: dt.datetime, calendar: WorkingCalendar) -> bool:
    """Whether the unit may still answer "不属于我单位职责": within 3 working days of its assignment."""
    assigned = timezone.localtime(assignment.assigned_at, calendar.tz).date()
    return timezone.localtime(now, calendar.tz).date() <= calendar.add_workdays(assigned, OBJECT_WORKDAYS)


def directors() -> list[User]:
    """The office's directors (主任), to whom red notices and stalling units are reported."""
    return list(users_with_role(Role.DIRECTOR))


def escalations_for(user: User, matter: Matter) -> QuerySet[Escalation]:
    """The matter's notices; a report to the leaders about a stalling unit is for staff and leaders only."""
    rows = matter.escalations.select_related("assignment__unit", "by", "matter")
    if can(user, "supervision.manage") or user.pk in (matter.instructing_leader_id, matter.leader_in_charge_id):
        return rows
    return rows.exclude(level=Level.LEADERS)


def reads_feedback(user: User, matter: Matter) -> bool:
    """The feedback report is the staff's and the two leaders', not the units'."""
    return can(user, "supervision.manage") or user.pk in (matter.instructing_leader_id, matter.leader_in_charge_id)


def prints_notice(user: User, assignment: Assignment) -> bool:
    """A unit's 督办通知单: staff and the leaders print any unit's; a liaison only their own unit's."""
    if user.has_role(Role.LIAISON) and not user.has_role(Role.SUPERVISOR, Role.DIRECTOR, Role.LEADER):
        return assignment.unit_id == user.unit_id
    return True


def feedback_context(matter: Matter) -> dict[str, object]:
    """What the feedback report (反馈报告) tells the leader: units, reports, chases, notices, comments."""
    return {
        "addressee": matter.instructing_leader or matter.leader_in_charge,
        "assignments": matter.assignments.exclude(receipt=Receipt.WITHDRAWN).select_related("unit"),
        "reports": matter.reports.select_related("assignment__unit").order_by("at"),
        "completion": matter.reports.filter(completion=True).first(),
        "chases": matter.chases.order_by("at"),
        "escalations": matter.escalations.select_related("assignment__unit").order_by("at"),
        "comments": matter.comments.select_related("leader"),
    }


def matter_page(user: User, matter: Matter, now: dt.datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    """A matter's page: what it shows to `user`, and what `user` may do on it now.

    The services decide again on each action; this only says which forms to offer.
    """
    mine = own_assignment(user, matter)
    staff = can(user, "supervision.manage")
    assignments = list(matter.assignments.select_related("unit"))
    extensions = list(matter.extensions.select_related("assignment__unit", "requested_by", "decided_by"))
    pending = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    acting = matter.status == Status.ACTING
    open_ = matter.status != Status.CLOSED
    signed = mine is not None and mine.receipt == Receipt.SIGNED
    leader = user.pk in (matter.instructing_leader_id, matter.leader_in_charge_id)
    return {
        "matter": matter,
        "mine": mine,
        "staff": staff,
        "light": matter_light(matter, now, calendar),
        "stalled": stalled(matter, now, calendar),
        "level": (level := suggested_level(matter, now, calendar)),
        "suggested": Level(level).label if level else "",
        "next_report": next_report_due(matter) if acting else None,
        "assignments": assignments,
        "live": [a for a in assignments if a.receipt != Receipt.WITHDRAWN],
        "extensions": extensions,
        "pending": pending,
        "escalations": escalations_for(user, matter),
        "comments": matter.comments.select_related("leader"),
        "calls": list(matter.calls.all()) if staff else [],  # incoming calls it was opened from
        "feedback": matter.status == Status.CLOSED and reads_feedback(user, matter),
        "reports": matter.reports.select_related("assignment__unit", "author").prefetch_related("attachments"),
        "chases": matter.chases.select_related("by", "assignment__unit"),
        "actions": MATTER_FLOW.actions_for(matter, user),
        "history": [(h, MATTER_FLOW.actions[h.action].label) for h in MATTER_FLOW.history(matter)],
        "units": Unit.objects.filter(is_active=True).order_by("kind", "sort_order", "name") if staff else (),
        "may": {
            "report": signed and acting,
            "object": mine is not None
            and mine.receipt in (Receipt.TO_SIGN, Receipt.SIGNED)
            and matter.status in (Status.ASSIGNED, Status.ACTING)
            and objection_open(mine, now, calendar),
            "extend": signed
            and acting
            and mine is not None
            and mine.part == Part.LEAD
            and matter.deadline is not None
            and pending is None,
            "decide": staff and pending is not None,
            "escalate": staff and open_,
            "chase": staff and open_,
            "comment": leader and can(user, "supervision.comment") and matter.status == Status.CLOSED,
        },
    }


def draft_from_call(call: Any) -> dict[str, object]:
    """A registration filled in from an incoming call (来电来信): its unit, content and any instruction."""
    return {
        "source": Source.CALL_LETTER,
        "title": call.content[:60],
        "content": call.content,
        "instruction": call.instruction,
        "instructing_leader": call.instructed_by_id,
        "lead_unit": call.unit_id,
        "call": call.pk,
    }
