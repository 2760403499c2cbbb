"""Writes of supervision: register a matter, units sign for it or object, staff reassign, reports, chases.

Every service runs under `@audit.atomic` (entries last, in one short step). The matter's status moves
through `MATTER_FLOW` (compare-and-swap, history, audit); a unit's receipt is its own compare-and-swap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shuniu import audit
from shuniu.core.deadlines import Rule
from shuniu.core.inbox import inbox_done, inbox_put, item_key
from shuniu.core.models import ClockUnit, InboxKind, Unit, User
from shuniu.core.numbering import next_number
from shuniu.core.permissions import can
from shuniu.core.text import day_time, visible
from shuniu.core.workcal import WorkingCalendar
from shuniu.supervision.flow import MATTER_FLOW
from shuniu.supervision.models import (
    SERIES,
    Assignment,
    Channel,
    Chase,
    Cycle,
    Matter,
    Method,
    Part,
    Receipt,
    Report,
    Source,
    Status,
    Urgency,
)
from shuniu.supervision.selectors import liaisons_of, supervision_staff

if TYPE_CHECKING:
    from shuniu.documents.models import Document

# County practice (SPEC §4), the starting point an administrator may change: a leader's instruction
# 15 days (urgent 5, difficult 30); a meeting decision's first report within 5 working days; a
# superior's assignment, a call or a letter 30 days.
DEFAULT_RULES: dict[tuple[str, str], Rule] = {
    (Source.INSTRUCTION, Urgency.NORMAL): Rule(ClockUnit.CALENDAR_DAYS, 15, roll_holidays=True),
    (Source.INSTRUCTION, Urgency.URGENT): Rule(ClockUnit.CALENDAR_DAYS, 5, roll_holidays=True),
    (Source.INSTRUCTION, Urgency.HARD): Rule(ClockUnit.CALENDAR_DAYS, 30, roll_holidays=True),
    (Source.ORAL, Urgency.NORMAL): Rule(ClockUnit.CALENDAR_DAYS, 15, roll_holidays=True),
    (Source.ORAL, Urgency.URGENT): Rule(ClockUnit.CALENDAR_DAYS, 5, roll_holidays=True),
    (Source.ORAL, Urgency.HARD): Rule(ClockUnit.CALENDAR_DAYS, 30, roll_holidays=True),
    (Source.MEETING, Urgency.NORMAL): Rule(ClockUnit.WORKDAYS, 5),
    (Source.MEETING, Urgency.URGENT): Rule(ClockUnit.WORKDAYS, 5),
    (Source.MEETING, Urgency.HARD): Rule(ClockUnit.WORKDAYS, 5),
}
DOCUMENT_RULE = Rule(ClockUnit.CALENDAR_DAYS, 30, roll_holidays=True)


def _to_sign(assignment: Assignment) -> None:
    """The unit's liaisons find the matter in their inbox, to sign for (and are notified)."""
    matter = assignment.matter
    inbox_put(
        recipients=liaisons_of({assignment.unit_id}).get(assignment.unit_id, []),
        key=item_key(matter, "sign", assignment.unit_id),
        kind=InboxKind.TODO,
        category="待签收督办",
        title=f"{matter.number} {matter.title}",
        note=f"{assignment.get_part_display()}" + (f" · 时限 {day_time(matter.deadline)}" if matter.deadline else ""),
        url=reverse("supervision:detail", args=[matter.pk]),
        secrecy=matter.secrecy,
    )


def default_deadline(source: str, urgency: str, start: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """The deadline a county would set for a new matter of this source and urgency."""
    return DEFAULT_RULES.get((source, urgency), DOCUMENT_RULE).due(start, calendar)


@audit.atomic
def matter_register(
    *,
    actor: User,
    source: str,
    title: str,
    content: str,
    lead_unit: Unit,
    co_units: Sequence[Unit] = (),
    handlers: dict[int, str] | None = None,
    instructing_leader: User | None = None,
    leader_in_charge: User | None = None,
    instruction: str = "",
    urgency: str = Urgency.NORMAL,
    cycle: str = Cycle.NONE,
    deadline: dt.datetime | None = None,
    document: Document | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """Register a matter (交办登记) with the next 督 number and assign it to its lead unit and co-units."""
    now = now or timezone.now()
    title, content = visible(title), visible(content)
    problems = []
    if not title:
        problems.append("请填写事项名称。")
    if not content:
        problems.append("请填写交办内容。")
    if source not in Source.values:
        problems.append("请选择交办来源。")
    if source in (Source.INSTRUCTION, Source.ORAL) and instructing_leader is None:
        problems.append("领导批示或口头交办须填写交办领导。")
    if deadline is None and not cycle:
        problems.append("请填写办理时限或报告周期。")
    if deadline is not None and deadline < now:
        problems.append("办理时限不能早于现在。")
    if lead_unit in co_units:
        problems.append(f"{lead_unit.name}已是主办单位，不能同时协办。")
    if problems:
        raise ValidationError(problems)
    year = timezone.localtime(now).year
    secrecy = document.secrecy if document is not None else 0
    matter = Matter.objects.create(
        year=year,
        seq=next_number(SERIES, year),
        source=source,
        title=title,
        content=content,
        instruction=visible(instruction),
        instructing_leader=instructing_leader,
        leader_in_charge=leader_in_charge,
        document=document,
        secrecy=secrecy,
        urgency=urgency,
        cycle=cycle,
        deadline=deadline,
        registered_by=actor,
        registered_at=now,
    )
    handlers = handlers or {}
    units = [(lead_unit, Part.LEAD), *((u, Part.CO) for u in dict.fromkeys(co_units))]
    made = Assignment.objects.bulk_create(
        [Assignment(matter=matter, unit=u, part=p, handler=visible(handlers.get(u.pk, ""))[:50]) for u, p in units]
    )
    for assignment in made:
        _to_sign(assignment)
    if document is not None and document.needs_supervision:
        from shuniu.documents.services import document_supervision_opened

        document_supervision_opened(document=document, actor=actor, matter=matter.number)
    audit.record(
        actor=actor,
        action="matter.register",
        obj=matter,
        data={
            "lead": lead_unit.pk,
            "co": [u.pk for u in co_units],
            "deadline": deadline.isoformat() if deadline else "",
        },
    )
    return matter


def _locked(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_for_update(of=("self",)).select_related("matter", "unit").get(pk=assignment.pk)


def _liaison_of(actor: User, assignment: Assignment) -> bool:
    """A liaison of the unit that holds this part of the matter."""
    return can(actor, "supervision.report") and actor.unit_id == assignment.unit_id


def _acts_for_unit(actor: User, assignment: Assignment) -> bool:
    """A liaison of the unit, or supervision staff (recording a paper or phone hand-over)."""
    return can(actor, "supervision.manage") or _liaison_of(actor, assignment)


@audit.atomic
def assignment_sign(
    *,
    assignment: Assignment,
    actor: User,
    channel: str = Channel.SCREEN,
    person: str = "",
    at: dt.datetime | None = None,
) -> Assignment:
    """A unit signs for the matter (签收); when every unit has, the matter is under way."""
    assignment = _locked(assignment)
    if not _acts_for_unit(actor, assignment):
        raise ValidationError("只有本单位联络员或督查人员可以签收。")
    if channel != Channel.SCREEN and not can(actor, "supervision.manage"):
        raise ValidationError("纸质或电话签收由督查人员代录。")
    if channel != Channel.SCREEN and not visible(person):
        raise ValidationError("代录签收须填写签收人。")
    if assignment.receipt != Receipt.TO_SIGN:
        raise ValidationError(f"该单位已{assignment.get_receipt_display()}，不能重复签收。")
    at = at or timezone.now()
    Assignment.objects.filter(pk=assignment.pk, receipt=Receipt.TO_SIGN).update(
        receipt=Receipt.SIGNED,
        signed_at=at,
        signed_by_name=(visible(person) or actor.full_name or actor.username)[:50],
        channel=channel,
    )
    inbox_done(key=item_key(assignment.matter, "sign", assignment.unit_id), by=actor)
    audit.record(actor=actor, action="assignment.sign", obj=assignment, data={"channel": channel})
    _start_when_all_signed(assignment.matter, actor)
    assignment.refresh_from_db()
    return assignment


def _start_when_all_signed(matter: Matter, actor: User) -> None:
    pending = matter.assignments.filter(receipt__in=(Receipt.TO_SIGN, Receipt.OBJECTED)).exists()
    if not pending and matter.status == Status.ASSIGNED:
        MATTER_FLOW.apply(matter, "start", actor=actor)


@audit.atomic
def assignment_object(*, assignment: Assignment, actor: User, reason: str) -> Assignment:
    """The unit answers "不属于我单位职责" with a reason; staff then reassign it."""
    assignment = _locked(assignment)
    if not _liaison_of(actor, assignment):
        raise ValidationError("只有本单位联络员可以提出异议。")
    reason = visible(reason)
    if not reason:
        raise ValidationError("请说明不属于本单位职责的理由。")
    if assignment.receipt not in (Receipt.TO_SIGN, Receipt.SIGNED):
        raise ValidationError(f"该单位已{assignment.get_receipt_display()}。")
    if assignment.matter.status not in (Status.ASSIGNED, Status.ACTING):
        raise ValidationError("事项已报办结或已办结，不能再提出异议。")
    Assignment.objects.filter(pk=assignment.pk).update(
        receipt=Receipt.OBJECTED, objection=reason[:300], objected_at=timezone.now()
    )
    inbox_done(key=item_key(assignment.matter, "sign", assignment.unit_id), by=actor)
    matter = assignment.matter
    inbox_put(
        recipients=supervision_staff(),
        key=item_key(matter, "reassign", assignment.pk),
        kind=InboxKind.TODO,
        category="督办异议待改派",
        title=f"{matter.number} {matter.title}",
        note=f"{assignment.unit.name}：{reason[:60]}",
        url=reverse("supervision:detail", args=[matter.pk]),
        secrecy=matter.secrecy,
    )
    audit.record(actor=actor, action="assignment.object", obj=assignment, data={"reason": reason})
    assignment.refresh_from_db()
    return assignment


@audit.atomic
def assignment_reassign(*, assignment: Assignment, unit: Unit, actor: User, reason: str = "") -> Assignment:
    """Staff accept an objection and assign the unit's part to another unit; both steps stay on record."""
    assignment = _locked(assignment)
    if not can(actor, "supervision.manage"):
        raise ValidationError("只有督查人员可以改派。")
    if assignment.receipt != Receipt.OBJECTED:
        raise ValidationError("只有提出异议的单位可以改派。")
    if assignment.matter.assignments.exclude(receipt=Receipt.WITHDRAWN).filter(unit=unit).exists():
        raise ValidationError(f"{unit.name}已在承办单位中。")
    successor = Assignment.objects.create(matter=assignment.matter, unit=unit, part=assignment.part)
    Assignment.objects.filter(pk=assignment.pk).update(receipt=Receipt.WITHDRAWN, replaced_by=successor)
    inbox_done(key=item_key(assignment.matter, "reassign", assignment.pk), by=actor)
    _to_sign(successor)
    audit.record(
        actor=actor,
        action="assignment.reassign",
        obj=assignment.matter,
        data={"from": assignment.unit_id, "to": unit.pk, "reason": visible(reason)},
    )
    return successor


@audit.atomic
def report_submit(
    *,
    assignment: Assignment,
    actor: User,
    text: str,
    percent: int,
    problems: str = "",
    next_steps: str = "",
    completion: bool = False,
) -> Report:
    """A unit reports progress (or, the lead unit only, completion: the matter then waits for review)."""
    assignment = _locked(assignment)
    if not _liaison_of(actor, assignment):
        raise ValidationError("只有本单位联络员可以报告进展。")
    if assignment.receipt != Receipt.SIGNED:
        raise ValidationError("请先签收，再报告进展。")
    matter = Matter.objects.select_for_update().get(pk=assignment.matter_id)
    if matter.status != Status.ACTING:
        raise ValidationError(f"事项{matter.get_status_display()}，不能报告进展。")
    text = visible(text)
    if not text:
        raise ValidationError("请填写进展情况。")
    if not 0 <= percent <= 100:
        raise ValidationError("完成进度应在 0 到 100 之间。")
    if completion and assignment.part != Part.LEAD:
        raise ValidationError("办结报告由主办单位提交。")
    report = Report.objects.create(
        matter=matter,
        assignment=assignment,
        author=actor,
        text=text,
        percent=100 if completion else percent,
        problems=visible(problems),
        next_steps=visible(next_steps),
        completion=completion,
    )
    audit.record(actor=actor, action="report.submit", obj=report, data={"percent": report.percent})
    if completion:
        MATTER_FLOW.apply(matter, "report_done", actor=actor)
        inbox_put(
            recipients=supervision_staff(),
            key=item_key(matter, "review"),
            kind=InboxKind.TODO,
            category="办结报告待复核",
            title=f"{matter.number} {matter.title}",
            note=assignment.unit.name,
            url=reverse("supervision:detail", args=[matter.pk]),
            secrecy=matter.secrecy,
        )
    return report


@audit.atomic
def matter_review(*, matter: Matter, actor: User, action: str, reason: str = "") -> Matter:
    """Staff review a completion report: close the matter (办结) or send it back for more work (退回重办)."""
    if action not in ("close", "send_back"):
        raise ValidationError("未知的复核操作。")
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if action == "close":
        MATTER_FLOW.apply(matter, action, actor=actor, reason=visible(reason), closed_at=timezone.now())
    else:
        MATTER_FLOW.apply(matter, action, actor=actor, reason=visible(reason))
    inbox_done(key=item_key(matter, "review"), by=actor)
    return matter


@audit.atomic
def chase_record(
    *, matter: Matter, actor: User, method: str, reached: str, outcome: str, assignment: Assignment | None = None
) -> Chase:
    """Supervision staff record a chase (催办): the method, whom they reached, the outcome."""
    if not can(actor, "supervision.manage"):
        raise ValidationError("只有督查人员可以登记催办。")
    reached, outcome = visible(reached), visible(outcome)
    if method not in Method.values:
        raise ValidationError("请选择催办方式。")
    if not reached or not outcome:
        raise ValidationError("请填写联系对象和催办结果。")
    if matter.status == Status.CLOSED:
        raise ValidationError("事项已办结，无需催办。")
    if assignment is not None and assignment.matter_id != matter.pk:
        raise ValidationError("所选单位不承办该事项。")
    chase = Chase.objects.create(
        matter=matter, assignment=assignment, by=actor, method=method, reached=reached[:50], outcome=outcome[:300]
    )
    audit.record(actor=actor, action="chase.record", obj=matter, data={"method": method})
    return chase
