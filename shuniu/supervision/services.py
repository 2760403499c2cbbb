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
from shuniu.core.confirm import REPEAT_WINDOW
from shuniu.core.files import Upload, attach
from shuniu.core.inbox import inbox_done, inbox_put, item_key
from shuniu.core.models import Clearance, InboxKind, Unit, User
from shuniu.core.notify import notify
from shuniu.core.numbering import next_number
from shuniu.core.permissions import can
from shuniu.core.selectors import liaisons_of
from shuniu.core.text import day_time, visible
from shuniu.core.workcal import WorkingCalendar
from shuniu.search.services import entry_update
from shuniu.supervision.flow import MATTER_FLOW
from shuniu.supervision.models import (
    SERIES,
    Assignment,
    Channel,
    Chase,
    Comment,
    Cycle,
    Escalation,
    Extension,
    ExtensionStatus,
    Level,
    Matter,
    Method,
    Part,
    Receipt,
    Report,
    Source,
    Status,
    Urgency,
)
from shuniu.supervision.selectors import (
    OBJECT_WORKDAYS,
    default_deadline,
    directors,
    objection_open,
    supervision_staff,
)

if TYPE_CHECKING:
    from shuniu.documents.models import Document
    from shuniu.notices.models import Call
    from shuniu.petitions.models import Petition


def _to_sign(assignment: Assignment) -> None:
    """The unit's liaisons find the matter in their inbox, to sign for (and are notified)."""
    matter = assignment.matter
    inbox_put(
        recipients=liaisons_of({assignment.unit_id}).get(assignment.unit_id, []),
        key=item_key(matter, "sign", assignment.unit_id),
        kind=InboxKind.TODO,
        category="待签收督办",
        title=matter.label(),
        note=f"{assignment.get_part_display()}" + (f" · 时限 {day_time(matter.deadline)}" if matter.deadline else ""),
        url=reverse("supervision:detail", args=[matter.pk]),
        secrecy=matter.secrecy,
    )


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
    petition: Petition | None = None,
    call: Call | None = None,
    not_accused: bool = False,
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
    if urgency not in Urgency.values:
        problems.append("请选择紧急程度。")
    if cycle not in Cycle.values:
        problems.append("请选择报告周期。")
    if source in (Source.INSTRUCTION, Source.ORAL) and instructing_leader is None:
        problems.append("领导批示或口头交办须填写交办领导。")
    if deadline is not None and deadline < now:
        problems.append("办理时限不能早于现在。")
    if lead_unit in co_units:
        problems.append(f"{lead_unit.name}已是主办单位，不能同时协办。")
    if problems:
        raise ValidationError(problems)
    if deadline is None and not cycle:  # the administrator's 督办时限标准
        deadline = default_deadline(source, urgency, now, WorkingCalendar.load())
    year = timezone.localtime(now).year
    seq = next_number(SERIES, year)  # locks the series: a second click waits here, then sees the first
    twin = Matter.objects.filter(
        title=title, lead_unit=lead_unit, registered_by=actor, registered_at__gte=now - REPEAT_WINDOW
    ).first()
    if twin is not None:
        raise ValidationError(f"刚刚已登记同一事项（{twin.number}），请勿重复提交。")
    secrecy = document.secrecy if document is not None else 0
    matter = Matter.objects.create(
        year=year,
        seq=seq,
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
        original_deadline=deadline,
        measured_deadline=deadline,
        lead_unit=lead_unit,
        registered_by=actor,
        registered_at=now,
    )
    handlers = handlers or {}
    units = [(lead_unit, Part.LEAD), *((u, Part.CO) for u in dict.fromkeys(co_units))]
    made = Assignment.objects.bulk_create(
        [
            Assignment(matter=matter, unit=u, part=p, handler=visible(handlers.get(u.pk, ""))[:50], assigned_at=now)
            for u, p in units
        ]
    )
    for assignment in made:
        _to_sign(assignment)
    if document is not None and document.needs_supervision:
        from shuniu.documents.services import document_supervision_opened

        document_supervision_opened(document=document, actor=actor, matter=matter.number)
    if petition is not None:
        from shuniu.petitions.services import petition_supervision_opened

        petition_supervision_opened(petition=petition, actor=actor, matter=matter.number, not_accused=not_accused)
    if call is not None:
        from shuniu.notices.services import call_linked

        call_linked(call=call, actor=actor, matter=matter)
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
    entry_update(matter)
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
    """A unit signs for the matter (签收); once the lead unit has, the matter is under way."""
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
    if assignment.part == Part.LEAD:
        matter = Matter.objects.select_for_update().get(pk=assignment.matter_id)
        if matter.status == Status.ASSIGNED:  # the work starts with the lead unit; co-units sign on their own
            MATTER_FLOW.apply(matter, "start", actor=actor)
    assignment.refresh_from_db()
    return assignment


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
    if not objection_open(assignment, timezone.now(), WorkingCalendar.load()):
        raise ValidationError(
            f"交办后 {OBJECT_WORKDAYS} 个工作日内可提出异议，现已超过；如确有困难，请与督查室联系或申请延期。"
        )
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
        title=matter.label(),
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
    Matter.objects.select_for_update().get(pk=assignment.matter_id)  # two reassignments at once: one at a time
    if assignment.matter.assignments.exclude(receipt=Receipt.WITHDRAWN).filter(unit=unit).exists():
        raise ValidationError(f"{unit.name}已在承办单位中。")
    successor = Assignment.objects.create(
        matter=assignment.matter, unit=unit, part=assignment.part, assigned_at=timezone.now()
    )
    Assignment.objects.filter(pk=assignment.pk).update(receipt=Receipt.WITHDRAWN, replaced_by=successor)
    if assignment.part == Part.LEAD:
        Matter.objects.filter(pk=assignment.matter_id).update(lead_unit=unit)
        entry_update(Matter.objects.select_related("lead_unit").get(pk=assignment.matter_id))
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
    uploads: Sequence[Upload] = (),
    now: dt.datetime | None = None,
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
    if uploads and matter.secrecy >= Clearance.SECRET:
        raise ValidationError("涉密事项的材料不得上传，请按保密规定报送纸质材料。")
    now = now or timezone.now()
    # A second click, or another system sending again after a timeout: one report (the matter's row is locked).
    if matter.reports.filter(
        assignment=assignment, author=actor, text=text, completion=completion, at__gte=now - REPEAT_WINDOW
    ).exists():
        raise ValidationError("刚刚已提交过相同的进展报告，请勿重复提交。")
    report = Report.objects.create(
        matter=matter,
        assignment=assignment,
        author=actor,
        at=now,
        text=text,
        percent=100 if completion else percent,
        problems=visible(problems),
        next_steps=visible(next_steps),
        completion=completion,
    )
    attached = attach(report, uploads, actor=actor)
    if assignment.part == Part.LEAD:
        Matter.objects.filter(pk=matter.pk).update(last_report_at=now)
        inbox_done(key=item_key(matter, "round", matter.round), by=actor)
    audit.record(
        actor=actor,
        action="report.submit",
        obj=report,
        data={"percent": report.percent, "completion": completion, "attachments": len(attached)},
    )
    if completion:
        inbox_done(key=item_key(matter, "redo"), by=actor)
        for pending in matter.extensions.filter(status=ExtensionStatus.PENDING):
            Extension.objects.filter(pk=pending.pk).update(
                status=ExtensionStatus.WITHDRAWN, decided_at=now, answer="事项已报办结，申请自动撤回"
            )
            inbox_done(key=item_key(pending, "decide"), by=actor)
        MATTER_FLOW.apply(matter, "report_done", actor=actor, completed_at=now)
        inbox_put(
            recipients=supervision_staff(),
            key=item_key(matter, "review"),
            kind=InboxKind.TODO,
            category="办结报告待复核",
            title=matter.label(),
            note=assignment.unit.name,
            url=reverse("supervision:detail", args=[matter.pk]),
            secrecy=matter.secrecy,
        )
    entry_update(matter)
    return report


@audit.atomic
def matter_review(*, matter: Matter, actor: User, action: str, reason: str = "") -> Matter:
    """Staff review a completion report: close the matter (办结) or send it back for more work (退回重办)."""
    if action not in ("close", "send_back"):
        raise ValidationError("未知的复核操作。")
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    reason = visible(reason)
    if action == "close":
        MATTER_FLOW.apply(matter, action, actor=actor, reason=reason, closed_at=timezone.now())
        _feedback_to_leader(matter)
    else:
        MATTER_FLOW.apply(matter, action, actor=actor, reason=reason, completed_at=None)
        lead = _lead(matter)
        if lead is not None:
            inbox_put(
                recipients=liaisons_of({lead.unit_id}).get(lead.unit_id, []),
                key=item_key(matter, "redo"),
                kind=InboxKind.TODO,
                category="督办事项退回重办",
                title=matter.label(),
                note=reason[:80],
                url=reverse("supervision:detail", args=[matter.pk]),
                secrecy=matter.secrecy,
            )
    inbox_done(key=item_key(matter, "review"), by=actor)
    return matter


def _lead(matter: Matter) -> Assignment | None:
    """The unit holding the lead part now (not one reassigned away)."""
    return matter.assignments.filter(part=Part.LEAD).exclude(receipt=Receipt.WITHDRAWN).select_related("unit").first()


def _leaders_of(matter: Matter) -> list[User]:
    """The instructing leader and the leader in charge (once each)."""
    people = [p for p in (matter.instructing_leader, matter.leader_in_charge) if p is not None]
    return list({p.pk: p for p in people}.values())


def _feedback_to_leader(matter: Matter) -> None:
    """The feedback report (反馈报告) reaches the instructing leader and the leader in charge."""
    inbox_put(
        recipients=_leaders_of(matter),
        key=item_key(matter, "feedback", matter.round),
        kind=InboxKind.TODO,
        category="督办反馈待阅示",
        title=matter.label(),
        note="已办结，请阅示反馈报告",
        url=reverse("supervision:detail", args=[matter.pk]),
        secrecy=matter.secrecy,
    )


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
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if matter.status == Status.CLOSED:
        raise ValidationError("事项已办结，无需催办。")
    recent = timezone.now() - REPEAT_WINDOW
    if matter.chases.filter(
        by=actor, method=method, reached=reached[:50], outcome=outcome[:300], at__gte=recent
    ).exists():
        raise ValidationError("刚刚已登记过相同的催办记录，请勿重复提交。")
    if assignment is not None and assignment.matter_id != matter.pk:
        raise ValidationError("所选单位不承办该事项。")
    chase = Chase.objects.create(
        matter=matter, assignment=assignment, by=actor, method=method, reached=reached[:50], outcome=outcome[:300]
    )
    audit.record(actor=actor, action="chase.record", obj=matter, data={"method": method})
    return chase


# Extensions (申请延期) -------------------------------------------------------------------------------


@audit.atomic
def extension_request(
    *,
    assignment: Assignment,
    actor: User,
    reason: str,
    expected: dt.datetime,
    progress: str,
    now: dt.datetime | None = None,
) -> Extension:
    """The lead unit asks for a later deadline: why, by when, how far it has got.

    Asked before the deadline, an approved extension also moves the deadline "on time" is measured
    against. Asked after it (逾期后申请: the unit is already late), approval gives the unit a new date to
    work to, but the figures still count the matter against the deadline it missed.
    """
    assignment = _locked(assignment)
    if not _liaison_of(actor, assignment) or assignment.part != Part.LEAD:
        raise ValidationError("延期申请由主办单位联络员提出。")
    matter = Matter.objects.select_for_update().get(pk=assignment.matter_id)
    now = now or timezone.now()
    reason, progress = visible(reason), visible(progress)
    problems = []
    if matter.status != Status.ACTING or assignment.receipt != Receipt.SIGNED:
        problems.append(f"事项{matter.get_status_display()}，不能申请延期。")
    elif matter.deadline is None:
        problems.append("该事项按周期报告，没有办理时限，无需延期。")
    elif expected <= max(matter.deadline, now):
        problems.append("预计办结时间须晚于现在和现在的办理时限。")
    if not reason:
        problems.append("请填写延期理由。")
    if not progress:
        problems.append("请填写目前进展。")
    if matter.extensions.filter(status=ExtensionStatus.PENDING).exists():
        problems.append("已有一份延期申请在审批中。")
    if problems or matter.deadline is None:
        raise ValidationError(problems)
    extension = Extension.objects.create(
        matter=matter,
        assignment=assignment,
        requested_by=actor,
        requested_at=now,
        reason=reason[:300],
        expected=expected,
        progress=progress[:300],
        old_deadline=matter.deadline,
        late=now >= (matter.measured_deadline or matter.deadline),
    )
    inbox_put(
        recipients=supervision_staff(),
        key=item_key(extension, "decide"),
        kind=InboxKind.TODO,
        category="延期申请待审批",
        title=matter.label(),
        note=f"{assignment.unit.name}{'逾期后' if extension.late else ''}申请延至 {day_time(expected)}",
        url=reverse("supervision:detail", args=[matter.pk]),
        secrecy=matter.secrecy,
    )
    audit.record(
        actor=actor,
        action="extension.request",
        obj=matter,
        data={
            "expected": expected.isoformat(),
            "reason": reason,
            "deadline": matter.deadline.isoformat(),
            "late": extension.late,
        },
    )
    return extension


@audit.atomic
def extension_decide(
    *,
    extension: Extension,
    actor: User,
    approve: bool,
    new_deadline: dt.datetime | None = None,
    answer: str = "",
    now: dt.datetime | None = None,
) -> Extension:
    """Staff approve with a concrete new date (the matter's deadline moves) or refuse with a reason."""
    if not can(actor, "supervision.manage"):
        raise ValidationError("只有督查人员可以审批延期申请。")
    now = now or timezone.now()
    extension = Extension.objects.select_for_update().select_related("matter").get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError(f"该申请{extension.get_status_display()}，不能重复审批。")
    answer = visible(answer)
    matter = Matter.objects.select_for_update().get(pk=extension.matter_id)
    if approve:
        if new_deadline is None:
            raise ValidationError("同意延期须填写新的办理时限。")
        if new_deadline <= extension.old_deadline or new_deadline <= now:
            raise ValidationError("新的办理时限须晚于原时限和现在。")
        if matter.status == Status.CLOSED:
            raise ValidationError("事项已办结，无需延期。")
    elif not answer:
        raise ValidationError("不同意延期须说明理由。")
    changed = Extension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
        decided_by=actor,
        decided_at=now,
        new_deadline=new_deadline if approve else None,
        answer=answer[:300],
    )
    if not changed:
        raise ValidationError("该申请已被他人审批，请刷新页面。")
    if approve:
        moved = {"deadline": new_deadline} | ({} if extension.late else {"measured_deadline": new_deadline})
        Matter.objects.filter(pk=matter.pk).update(**moved)
    inbox_done(key=item_key(extension, "decide"), by=actor)
    verdict = f"同意延至 {day_time(new_deadline)}" if approve and new_deadline else f"不同意：{answer}"
    notify(
        recipient=extension.requested_by,
        title=f"延期申请{'已同意' if approve else '未同意'}：{matter.number}",
        body=verdict,
        url=reverse("supervision:detail", args=[matter.pk]),
    )
    audit.record(
        actor=actor,
        action="extension.approve" if approve else "extension.refuse",
        obj=matter,
        data={
            "old": extension.old_deadline.isoformat(),
            "new": new_deadline.isoformat() if approve and new_deadline else "",
            "answer": answer,
        },
    )
    extension.refresh_from_db()
    return extension


# The escalation ladder ------------------------------------------------------------------------------

_LADDER_TITLE = {
    Level.BLUE: "督办提示",
    Level.YELLOW: "督办催办",
    Level.RED: "督办警示",
    Level.LEADERS: "督办事项停滞报告",
}


@audit.atomic
def escalation_issue(*, matter: Matter, assignment: Assignment, actor: User, level: str, text: str) -> Escalation:
    """Issue a notice of the ladder to a unit, or report a stalling unit to the leaders.

    Blue near the deadline, yellow behind, red overdue; the red one and the report are copied to the
    director and the instructing leader (and the leader in charge).
    """
    if not can(actor, "supervision.manage"):
        raise ValidationError("只有督查人员可以发出督办提示或报告领导。")
    text = visible(text)
    if level not in Level.values:
        raise ValidationError("请选择督办等级。")
    if not text:
        raise ValidationError("请填写督办要求或停滞情况。")
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if matter.status == Status.CLOSED:
        raise ValidationError("事项已办结，无需督办。")
    if assignment.matter_id != matter.pk or assignment.receipt == Receipt.WITHDRAWN:
        raise ValidationError("所选单位不承办该事项。")
    recent = timezone.now() - REPEAT_WINDOW
    if matter.escalations.filter(assignment=assignment, level=level, text=text[:500], at__gte=recent).exists():
        raise ValidationError(f"刚刚已向{assignment.unit.name}发出相同的{Level(level).label}，请勿重复发出。")
    copied: list[User] = []
    if level in (Level.RED, Level.LEADERS):
        copied = [p for p in {p.pk: p for p in [*directors(), *_leaders_of(matter)]}.values() if p.pk != actor.pk]
    escalation = Escalation.objects.create(
        matter=matter,
        assignment=assignment,
        level=level,
        text=text[:500],
        by=actor,
        copied_to="、".join(p.full_name or p.username for p in copied)[:200],
    )
    url = reverse("supervision:detail", args=[matter.pk])
    title = matter.label()
    if level != Level.LEADERS:
        inbox_put(
            recipients=liaisons_of({assignment.unit_id}).get(assignment.unit_id, []),
            key=item_key(escalation, "unit"),
            kind=InboxKind.TOREAD,
            category=Level(level).label,
            title=title,
            note=text[:80],
            url=url,
            secrecy=matter.secrecy,
        )
    if copied:
        inbox_put(
            recipients=copied,
            key=item_key(escalation, "leaders"),
            kind=InboxKind.TOREAD,
            category="督办事项停滞报告" if level == Level.LEADERS else "红色警示单（抄送）",
            title=title,
            note=f"{assignment.unit.name}：{text[:60]}",
            url=url,
            secrecy=matter.secrecy,
        )
    audit.record(
        actor=actor,
        action=f"escalation.{level}",
        obj=matter,
        data={"unit": assignment.unit_id, "text": text, "copied": [p.pk for p in copied]},
    )
    return escalation


def escalation_title(level: str) -> str:
    """The printed notice's heading."""
    return _LADDER_TITLE.get(Level(level), "督办提示")


# The feedback report and the leader's comment --------------------------------------------------------


@audit.atomic
def comment_add(
    *,
    matter: Matter,
    actor: User,
    text: str,
    more: bool,
    deadline: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Comment:
    """The instructing leader (or the leader in charge) comments on the feedback report.

    A comment asking for more opens a new round of the same matter, with a new deadline (the leader's,
    or the default one); the lead unit finds it in its inbox.
    """
    now = now or timezone.now()
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    if actor.pk not in (matter.instructing_leader_id, matter.leader_in_charge_id):
        raise ValidationError("只有交办领导或分管领导可以阅示反馈报告。")
    if matter.status != Status.CLOSED:
        raise ValidationError("事项办结后才有反馈报告可阅示。")
    text = visible(text)
    if not text:
        raise ValidationError("请填写阅示意见。")
    if more and deadline is not None and deadline <= now:
        raise ValidationError("新的办理时限须晚于现在。")
    if matter.comments.filter(round=matter.round, leader=actor, text=text[:500]).exists():
        raise ValidationError("您已作过同样的阅示，请勿重复提交。")
    comment = Comment.objects.create(
        matter=matter, leader=actor, at=now, round=matter.round, text=text[:500], more=more
    )
    inbox_done(key=item_key(matter, "feedback", matter.round), by=actor, recipients=[actor])
    audit.record(actor=actor, action="comment.add", obj=matter, data={"more": more, "text": text})
    if more:
        calendar = WorkingCalendar.load()
        new_deadline = deadline or default_deadline(matter.source, matter.urgency, now, calendar)
        MATTER_FLOW.apply(
            matter,
            "reopen",
            actor=actor,
            reason=text,
            round=matter.round + 1,
            closed_at=None,
            completed_at=None,
            deadline=new_deadline,
            original_deadline=new_deadline,
            measured_deadline=new_deadline,
        )
        lead = _lead(matter)
        if lead is not None:
            inbox_put(
                recipients=[*liaisons_of({lead.unit_id}).get(lead.unit_id, []), *supervision_staff()],
                key=item_key(matter, "round", matter.round),
                kind=InboxKind.TODO,
                category="领导阅示要求继续办理",
                title=matter.label(),
                note=f"{actor.full_name}：{text[:60]}",
                url=reverse("supervision:detail", args=[matter.pk]),
                secrecy=matter.secrecy,
            )
    return comment
