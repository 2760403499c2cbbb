"""Writes of the documents module: registration, proposal, circulation, sign-off, closure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shuniu import audit
from shuniu.core.availability import availability_changed_after_commit
from shuniu.core.confirm import Match, NeedsConfirmation
from shuniu.core.files import Upload, attach, check_upload
from shuniu.core.inbox import inbox_done, inbox_put, inbox_withdraw, item_key
from shuniu.core.models import Clearance, InboxKind, Role, Unit, User
from shuniu.core.notify import notify
from shuniu.core.numbering import next_number
from shuniu.core.selectors import liaisons_of, users_with_role
from shuniu.core.text import day_time, visible
from shuniu.documents import routing_adapter
from shuniu.documents.flow import DOCUMENT_FLOW
from shuniu.documents.models import (
    SERIES,
    Copy,
    CopyState,
    Delegation,
    Document,
    HandlingUnit,
    Kind,
    OrderConstraint,
    Proposal,
    Reading,
    Status,
    UnitCopy,
    Urgency,
)
from shuniu.documents.selectors import acting_for, duplicates, may_sign_for, units_due_copies, unreceived_unit_copies
from shuniu.search.services import entry_update

__all__ = ["Upload"]


def _duplicate_question(matches: list[Document], viewer: User) -> NeedsConfirmation:
    found = []
    for m in matches:
        day = f"{timezone.localtime(m.received_at):%Y年%m月%d日}"
        title = m.title if m.secrecy <= viewer.clearance else "（密级高于您的权限，标题不显示）"
        found.append(Match(m.reg_number, f"{day} {title}", reverse("documents:detail", args=[m.pk])))
    return NeedsConfirmation(
        "已登记过同一来文单位、同一发文字号（或同一标题）的文件：", found, confirm_label="确认不是重复登记"
    )


def _url(document: Document) -> str:
    return reverse("documents:detail", args=[document.pk])


def _check_particulars(
    *,
    received_at: dt.datetime,
    source_org: str,
    title: str,
    urgency: str,
    deadline: dt.datetime | None,
    secrecy: int,
    secrecy_term: str,
    copies_received: int,
    pages: int,
    has_files: bool,
) -> None:
    """The rules of a registration, for registering and for correcting one."""
    if not title.strip() or not source_org.strip():
        raise ValidationError("来文单位和标题不能为空。")
    if timezone.is_naive(received_at):
        raise ValidationError("收文时间必须带时区。")
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError("收文时间不能晚于现在。")
    if urgency not in Urgency.values:
        raise ValidationError("紧急程度无效。")
    if urgency in (Urgency.FLASH, Urgency.URGENT) and deadline is None:
        raise ValidationError("特急、加急文件必须填写办理时限（《党政机关公文处理工作条例》第二十四条）。")
    if deadline is not None and deadline <= received_at:
        raise ValidationError("办理时限必须晚于收文时间。")
    if secrecy >= Clearance.SECRET and has_files:
        raise ValidationError("秘密及以上文件只登记目录信息，不得上传附件。")
    if secrecy >= Clearance.SECRET and not secrecy_term.strip():
        raise ValidationError("涉密文件须填写保密期限。")
    if copies_received < 1 or pages < 1:
        raise ValidationError("份数和页数至少为 1。")


CORRECTABLE = (
    "received_at",
    "source_org",
    "source_number",
    "title",
    "urgency",
    "kind",
    "secrecy",
    "secrecy_term",
    "copies_received",
    "pages",
    "deadline",
)


@audit.atomic
def document_correct(*, document: Document, actor: User, reason: str, **values: Any) -> list[str]:
    """更正登记: correct a document's particulars before it circulates; every change is recorded.

    `values` holds the fields of `CORRECTABLE` as the form has them. The registration number stays
    (the year of receipt cannot change); the status history and the audit record say what changed,
    from what to what, and why. Returns the names of the changed fields.
    """
    unknown = set(values) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    merged = {name: values.get(name, getattr(document, name)) for name in CORRECTABLE}
    merged["source_org"], merged["title"] = visible(merged["source_org"]), visible(merged["title"])
    merged["source_number"], merged["secrecy_term"] = visible(merged["source_number"]), visible(merged["secrecy_term"])
    if merged["received_at"] != document.received_at:
        merged["received_at"] = merged["received_at"].replace(second=0, microsecond=0)
    _check_particulars(
        **{k: merged[k] for k in CORRECTABLE if k not in ("source_number", "kind")},
        has_files=document.attachments.exists(),
    )
    if timezone.localtime(merged["received_at"]).year != document.reg_year:
        raise ValidationError(f"收文年度不能更改（登记号 {document.reg_number} 属于 {document.reg_year} 年）。")
    too_low = [
        r.leader.full_name for r in document.readings.select_related("leader") if r.leader.clearance < merged["secrecy"]
    ]
    if too_low:
        raise ValidationError(f"{'、'.join(too_low)} 的涉密等级低于新密级，请先修改拟办。")
    changed = {name: value for name, value in merged.items() if value != getattr(document, name)}
    if not changed:
        raise ValidationError("没有修改任何内容。")
    labels = [str(getattr(Document._meta.get_field(name), "verbose_name", name)) for name in changed]
    DOCUMENT_FLOW.apply(
        document,
        "correct",
        actor=actor,
        reason=f"更正{'、'.join(labels)}：{reason.strip()}" if reason.strip() else "",
        data={"changes": {name: [_plain(getattr(document, name)), _plain(value)] for name, value in changed.items()}},
        **changed,
    )
    entry_update(document)
    return list(changed)


def _plain(value: Any) -> Any:
    """A field's value as the audit record stores it."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


@audit.atomic
def document_register(
    *,
    actor: User,
    received_at: dt.datetime,
    source_org: str,
    title: str,
    source_number: str = "",
    secrecy: int = Clearance.NONE,
    secrecy_term: str = "",
    urgency: str = Urgency.NORMAL,
    kind: str = Kind.READ,
    copies_received: int = 1,
    pages: int = 1,
    deadline: dt.datetime | None = None,
    files: Sequence[Upload] = (),
    confirm_duplicate: bool = False,
) -> Document:
    """Register an incoming document (签收 → 登记) with the next number of its year."""
    title, source_org, source_number = visible(title), visible(source_org), visible(source_number)
    _check_particulars(
        received_at=received_at,
        source_org=source_org,
        title=title,
        urgency=urgency,
        deadline=deadline,
        secrecy=secrecy,
        secrecy_term=secrecy_term,
        copies_received=copies_received,
        pages=pages,
        has_files=bool(files),
    )
    for upload in files:
        check_upload(upload)
    matches = duplicates(source_org, source_number, title)
    if matches and not confirm_duplicate:
        raise _duplicate_question(matches, actor)
    received_at = received_at.replace(second=0, microsecond=0)
    year = timezone.localtime(received_at).year
    document = Document.objects.create(
        reg_year=year,
        reg_seq=next_number(SERIES, year),
        received_at=received_at,
        source_org=source_org.strip(),
        source_number=source_number.strip(),
        title=title.strip(),
        secrecy=secrecy,
        secrecy_term=secrecy_term.strip(),
        urgency=urgency,
        kind=kind,
        copies_received=copies_received,
        pages=pages,
        deadline=deadline,
        registered_by=actor,
    )
    attached = attach(document, files, actor=actor)
    audit.record(
        actor=actor,
        action="document.register",
        obj=document,
        data={"reg_number": document.reg_number, "attachments": len(attached), "duplicate_confirmed": bool(matches)},
    )
    entry_update(document)
    return document


@audit.atomic
def document_return(*, document: Document, reason: str, actor: User) -> None:
    """初审退回: the document goes back to its sender, with the reason."""
    DOCUMENT_FLOW.apply(document, "return", actor=actor, reason=reason, return_reason=reason.strip()[:300])


@audit.atomic
def document_reopen(*, document: Document, actor: User) -> None:
    """A returned document comes back corrected: registered again under the same number."""
    DOCUMENT_FLOW.apply(document, "reopen", actor=actor, reason="重新报送")


def _directors_for(document: Document) -> list[User]:
    return list(users_with_role(Role.DIRECTOR).filter(clearance__gte=document.secrecy))


def _check_order(readers: list[User], order: list[tuple[User, User]]) -> None:
    ids = {r.pk for r in readers}
    successors: dict[int, set[int]] = {r.pk: set() for r in readers}
    for first, then in order:
        if first.pk not in ids or then.pk not in ids or first.pk == then.pk:
            raise ValidationError("先后顺序只能在传阅领导之间设置。")
        successors[first.pk].add(then.pk)
    state: dict[int, int] = {}

    def visit(node: int) -> None:
        state[node] = 1
        for nxt in successors[node]:
            if state.get(nxt) == 1:
                raise ValidationError("先后顺序出现循环，无法传阅。")
            if nxt not in state:
                visit(nxt)
        state[node] = 2

    for node in successors:
        if node not in state:
            visit(node)


@audit.atomic
def proposal_submit(
    *,
    document: Document,
    readers: Sequence[User],
    actor: User,
    order: Sequence[tuple[User, User]] = (),
    units: Sequence[Unit] = (),
    lead_unit: Unit | None = None,
    deadline: dt.datetime | None = None,
    opinion: str = "",
    copies_allowed: int = 1,
    copy_to_units: bool = False,
) -> Proposal:
    """The clerk's proposal (拟办): who reads, in what order, who handles it, by when.

    `copy_to_units` asks for the handling units' own copies at approval for a 平件 too (特急 and 加急
    documents with handling units always get them).
    """
    readers = list(dict.fromkeys(readers))
    if not readers:
        raise ValidationError("请至少选择一位传阅领导。")
    for reader in readers:
        if not reader.has_role(Role.LEADER):
            raise ValidationError(f"「{reader}」不是县领导，不能列入传阅范围。")
        if reader.clearance < document.secrecy:
            raise ValidationError(f"「{reader}」的涉密等级低于文件密级，不能传阅此文件。")
    _check_order(readers, list(order))
    if lead_unit is not None and lead_unit not in units:
        raise ValidationError("主办单位必须是承办单位之一。")
    if copy_to_units and not units:
        raise ValidationError("没有选择承办单位，无法同时送承办单位。")
    deadline = deadline or document.deadline
    if document.urgency_rank <= 1 and deadline is None:
        raise ValidationError("特急、加急文件必须有办理时限。")
    if copies_allowed < 1 or copies_allowed > max(1, document.copies_received) + 10:
        raise ValidationError("传阅份数不合理。")
    if document.secrecy >= Clearance.SECRET and copies_allowed > 1 and not actor.has_role(Role.DIRECTOR):
        raise ValidationError("涉密文件原则上只传阅一份；多份须由主任批准。")
    action = "repropose" if document.status == Status.PROPOSED else "propose"
    DOCUMENT_FLOW.apply(document, action, actor=actor, deadline=deadline)
    document.readings.all().delete()
    document.order_constraints.all().delete()
    document.handling_units.all().delete()
    Reading.objects.bulk_create([Reading(document=document, leader=r, position=i) for i, r in enumerate(readers)])
    OrderConstraint.objects.bulk_create([OrderConstraint(document=document, first=a, then=b) for a, b in order])
    HandlingUnit.objects.bulk_create(
        [HandlingUnit(document=document, unit=u, lead=lead_unit is not None and u.pk == lead_unit.pk) for u in units]
    )
    proposal, _ = Proposal.objects.update_or_create(
        document=document,
        defaults={
            "opinion": opinion,
            "copies_allowed": copies_allowed,
            "copy_to_units": copy_to_units,
            "proposed_by": actor,
            "sent_back_reason": "",
        },
    )
    inbox_done(key=item_key(document, "resubmit"), by=actor)
    inbox_put(
        recipients=_directors_for(document),
        key=item_key(document, "approve"),
        kind=InboxKind.TODO,
        category="待审批",
        title=f"{document.reg_number} {document.title}",
        note=f"{actor} 提交拟办" + (f"：{opinion[:100]}" if opinion else ""),
        url=_url(document),
        secrecy=document.secrecy,
        urgent=document.urgency == Urgency.FLASH,  # through quiet hours
    )
    audit.record(
        actor=actor,
        action="proposal.submit",
        obj=document,
        data={
            "readers": [r.pk for r in readers],
            "units": [u.pk for u in units],
            "copies": copies_allowed,
            "copy_to_units": copy_to_units,
        },
    )
    return proposal


@audit.atomic
def proposal_send_back(*, document: Document, reason: str, actor: User) -> None:
    """退回拟办: the director sends the proposal back to the clerk, who sees it as 已退回 with the reason."""
    DOCUMENT_FLOW.apply(document, "send_back", actor=actor, reason=reason)
    Proposal.objects.filter(document=document).update(sent_back_reason=reason.strip()[:300])
    inbox_done(key=item_key(document, "approve"), by=actor)
    proposer = Proposal.objects.select_related("proposed_by").get(document=document).proposed_by
    inbox_put(
        recipients=[proposer],
        key=item_key(document, "resubmit"),
        kind=InboxKind.TODO,
        category="已退回",
        title=f"{document.reg_number} {document.title}",
        note=f"{actor} 退回拟办：{reason.strip()[:200]}",
        url=_url(document),
        secrecy=document.secrecy,
        urgent=document.urgency == Urgency.FLASH,  # through quiet hours
    )


@audit.atomic
def proposal_approve(
    *,
    document: Document,
    actor: User,
    copies_allowed: int | None = None,
    opinion: str = "",
    unit_copies: Collection[int] | None = None,
) -> list[Copy]:
    """The director approves the proposal (with an optional 审批意见); copies go to their first readers.

    At the same moment the handling units get their own copies (`_unit_copies_out`): `unit_copies`
    names the units the director approves a copy for — for a classified document each copy must be
    named (none otherwise); for any other, None means every unit the proposal sends one to.
    """
    proposal = Proposal.objects.select_for_update().get(document=document)
    if copies_allowed is not None:
        if copies_allowed < 1:
            raise ValidationError("传阅份数至少为 1。")
        proposal.copies_allowed = copies_allowed
    now = timezone.now()
    proposal.approved_by, proposal.approved_at = actor, now
    proposal.approval_opinion = opinion.strip()[:300]
    proposal.save(update_fields=["copies_allowed", "approved_by", "approved_at", "approval_opinion"])
    DOCUMENT_FLOW.apply(document, "approve", actor=actor, reason=proposal.approval_opinion)
    inbox_done(key=item_key(document, "approve"), by=actor)
    count = routing_adapter.copies_to_make(document, proposal.copies_allowed, document.readings.count())
    copies = [Copy.objects.create(document=document, number=n + 1, since=now) for n in range(count)]
    planning = routing_adapter.Planning(now, holding=[c.pk for c in copies])
    for copy in copies:
        _send_on(copy, planning)
    to_units = _unit_copies_out(document, proposal, actor=actor, now=now, approved=unit_copies, after=count)
    audit.record(
        actor=actor,
        action="proposal.approve",
        obj=document,
        data={"copies": count, "unit_copies": [[c.unit_id, "paper" if c.on_paper else "electronic"] for c in to_units]},
    )
    return copies


def _unit_copies_out(
    document: Document,
    proposal: Proposal,
    *,
    actor: User,
    now: dt.datetime,
    approved: Collection[int] | None,
    after: int,
) -> list[UnitCopy]:
    """Rule 1's second half: the handling units' copies, made as the leaders' copies go out.

    Electronic where the document is not classified, has its text attached and the unit has a liaison
    to open it; on paper otherwise (numbered after the leaders' copies, carried by the clerk). A
    classified document's copies are each approved by the director, and go only on paper.
    """
    handling = units_due_copies(document, proposal)
    if approved is not None:
        unknown = set(approved) - {h.unit_id for h in document.handling_units.all()}
        if unknown:
            names = "、".join(Unit.objects.filter(pk__in=unknown).values_list("name", flat=True)) or "所选单位"
            raise ValidationError(f"「{names}」不是本文件的承办单位，不能为其复印。")
        handling = [h for h in handling if h.unit_id in approved]
    elif document.secrecy > Clearance.NONE:
        handling = []  # a classified original: no copy the director did not name
    if not handling:
        return []
    liaisons = liaisons_of({h.unit_id for h in handling})
    electronic_possible = document.secrecy == Clearance.NONE and document.attachments.exists()
    made = []
    number = after
    for h in handling:
        on_paper = not (electronic_possible and liaisons.get(h.unit_id))
        if on_paper:
            number += 1
        made.append(
            UnitCopy(
                document=document,
                unit=h.unit,
                number=number if on_paper else None,
                on_paper=on_paper,
                sent_at=now,
                approved_by=actor,
            )
        )
    UnitCopy.objects.bulk_create(made)
    for copy in made:
        inbox_put(
            recipients=liaisons.get(copy.unit_id, []),
            key=item_key(document, "unit_copy", copy.unit_id),
            kind=InboxKind.TODO,
            category="待签收",
            title=f"{document.reg_number} {document.title}",
            note=(
                f"{document.get_urgency_display()} · 承办单位阅办件 · "
                + ("纸质件，县委办送达后请签收" if copy.on_paper else "电子件，请打开附件阅办并签收")
                + (f" · 办理时限 {day_time(document.deadline)}" if document.deadline else "")
            ),
            url=_url(document),
            secrecy=document.secrecy,
            urgent=document.urgency == Urgency.FLASH,  # through quiet hours
        )
    return made


@audit.atomic
def unit_copy_receive(
    *, copy: UnitCopy, actor: User, receiver_name: str = "", received_at: dt.datetime | None = None
) -> UnitCopy:
    """签收: the unit's liaison signs on screen, or the clerk records who signed the paper book and when.

    One receipt per copy: a second (a double click, the clerk and the liaison at once) is refused.
    """
    now = timezone.now()
    copy = UnitCopy.objects.select_for_update(of=("self",)).select_related("document", "unit").get(pk=copy.pk)
    if copy.received_at is not None:
        raise ValidationError(
            f"{copy.unit.name} 已于 {day_time(copy.received_at)} 签收（签收人 {copy.receiver_name}），不能重复签收。"
        )
    if actor.has_role(Role.CLERK, Role.DIRECTOR):
        receiver_name = visible(receiver_name).strip()
        if not receiver_name:
            raise ValidationError("请填写签收人姓名。")
        received_at = received_at or now
        if timezone.is_naive(received_at) or received_at > now:
            raise ValidationError("签收时间不能晚于现在。")
        if received_at < copy.sent_at.replace(second=0, microsecond=0):
            raise ValidationError("签收时间不能早于送出时间。")
        copy.received_by, copy.recorded_by = None, actor
    elif actor.has_role(Role.LIAISON) and actor.unit_id == copy.unit_id:
        receiver_name, received_at = actor.full_name, now
        copy.received_by, copy.recorded_by = actor, None
    else:
        raise ValidationError(f"您不是{copy.unit.name}的联络员，不能代其签收。")
    copy.received_at, copy.receiver_name = received_at, receiver_name[:50]
    copy.save(update_fields=["received_at", "receiver_name", "received_by", "recorded_by"])
    document = copy.document
    inbox_done(key=item_key(document, "unit_copy", copy.unit_id), by=actor)
    inbox_done(key=item_key(document, "unit_unreceived", copy.unit_id), by=actor)
    audit.record(
        actor=actor,
        action="unit_copy.receive",
        obj=document,
        data={"unit": copy.unit_id, "receiver": copy.receiver_name, "on_screen": copy.recorded_by is None},
    )
    return copy


@audit.atomic
def unit_copies_chase(*, now: dt.datetime | None = None) -> int:
    """An urgent document's copy not signed for within the set office time: each clerk's inbox says so.

    Run by the worker with its five-minute round; the item closes when the unit signs.
    """
    now = now or timezone.now()
    told = 0
    clerks = list(users_with_role(Role.CLERK))
    for item in unreceived_unit_copies(None, now):
        if not item["overdue"]:
            continue
        copy: UnitCopy = item["copy"]
        document = copy.document
        count = inbox_put(
            recipients=clerks,
            key=item_key(document, "unit_unreceived", copy.unit_id),
            kind=InboxKind.TODO,
            category="未签收",
            title=f"{copy.unit.name} 未签收 {document.reg_number}",
            note=f"{document.get_urgency_display()} · {day_time(copy.sent_at)} 送出，"
            + ("纸质件" if copy.on_paper else "电子件")
            + (f" · 电话 {copy.unit.phone}" if copy.unit.phone else ""),
            url=reverse("documents:deliveries"),
            secrecy=document.secrecy,
        )
        if count:
            told += 1
            audit.record(actor=None, action="unit_copy.chase", obj=document, data={"unit": copy.unit_id})
    return told


def _tell_units(document: Document, reading: Reading) -> None:
    """A leader's new 批示 reaches every unit holding a copy of the document (their inbox)."""
    units = set(document.unit_copies.values_list("unit_id", flat=True))
    if not units:
        return
    people = [person for group in liaisons_of(units).values() for person in group]
    inbox_put(
        recipients=people,
        key=item_key(document, "instruction", reading.leader_id),
        kind=InboxKind.TOREAD,
        category="新批示",
        title=f"{document.reg_number} {document.title}",
        note=f"{reading.leader.full_name} 批示：{reading.instruction[:200]}",
        url=_url(document),
        secrecy=document.secrecy,
        urgent=document.urgency == Urgency.FLASH,
    )


def _send_on(copy: Copy, planning: routing_adapter.Planning, *, skip: set[int] | None = None) -> None:
    """The copy leaves a desk or the office: to its next reader, back to the office, or stays.

    The stored plan is brought up to date after the caller's transaction commits.
    """
    document = copy.document
    now = planning.now
    reading = routing_adapter.next_destination(copy, now, planning=planning, skip=skip)
    if reading is not None:
        Reading.objects.filter(pk=reading.pk).update(copy=copy)
        copy.state, copy.destination = CopyState.TO_DELIVER, reading.leader
    elif copy.holder_id is not None:
        copy.state, copy.destination = CopyState.TO_COLLECT, None
    elif document.readings.filter(signed_at__isnull=True, copy__isnull=True).exists():
        copy.state, copy.destination = CopyState.IN_OFFICE, None  # waits for a reader to become eligible
    else:
        copy.state, copy.destination = CopyState.RETURNED, None  # nobody left for this copy
    copy.since = now
    copy.save(update_fields=["state", "destination", "since"])
    planning.replan_after_commit()


@audit.atomic
def circulation_refresh(*, now: dt.datetime | None = None) -> int:
    """Replan circulation (schedules may have changed) and send out copies waiting in the office.

    Run by the worker every few minutes; returns how many waiting copies went out.
    """
    now = now or timezone.now()
    sent = 0
    waiting = Copy.objects.filter(state=CopyState.IN_OFFICE, document__status=Status.CIRCULATING).select_related(
        "document"
    )
    planning = routing_adapter.Planning(now)
    for copy in waiting:
        _send_on(copy, planning)
        if copy.state == CopyState.TO_DELIVER:
            sent += 1
            audit.record(actor=None, action="copy.dispatch", obj=copy, data={"to": copy.destination_id})
    return sent


def circulation_follow(
    *, actor: User | None, leaders: Collection[int] | None = None, now: dt.datetime | None = None
) -> list[Copy]:
    """A leader's time changed: follow it at once, in the request that changed it.

    A trip saved, an engagement moved or deleted, a delegation, a holiday: not at the worker's next round
    (which runs this too, for trips saved ahead that have begun since). Finds, outside any transaction,
    the copies on their way to a leader who is no longer there and where each could go instead
    (`routing_adapter.redirections`, a plan of its own); carries them elsewhere in one short write
    (`copies_redirect`); replans every stored route and prediction from the new schedules; and sends out
    copies waiting in the office. `leaders`: those whose time changed (None: everyone's). Returns the
    copies carried elsewhere.
    """
    now = now or timezone.now()
    moves = routing_adapter.redirections(now, leaders)
    moved = copies_redirect(moves=moves, actor=actor, now=now) if moves else []
    routing_adapter.replan(now)
    circulation_refresh(now=now)
    return moved


@audit.atomic
def copies_redirect(
    *, moves: Sequence[routing_adapter.Redirection], actor: User | None, now: dt.datetime
) -> list[Copy]:
    """Rule 3 on the way: each copy goes to the next reader instead of the absent one (改送).

    Each move holds only if nothing changed since it was planned (the copy still on its way to the
    absent reader, the other reading still waiting for a copy); the delivery list shows whom it was for.
    """
    moved = []
    for move in sorted(moves, key=lambda m: m.copy):
        taken = Reading.objects.filter(pk=move.reading, copy__isnull=True, signed_at__isnull=True).update(
            copy_id=move.copy
        )
        if not taken:  # that reader got another copy meanwhile: this one goes on as it was
            continue
        changed = Copy.objects.filter(pk=move.copy, state=CopyState.TO_DELIVER, destination_id=move.away).update(
            destination_id=move.to, redirected_from_id=move.away, since=now
        )
        if not changed:  # delivered or moved meanwhile: the reading waits for another copy again
            Reading.objects.filter(pk=move.reading).update(copy=None)
            continue
        Reading.objects.filter(copy_id=move.copy, leader_id=move.away, signed_at__isnull=True).update(copy=None)
        copy = Copy.objects.select_related("document", "destination", "redirected_from").get(pk=move.copy)
        audit.record(actor=actor, action="copy.redirect", obj=copy, data={"from": move.away, "to": move.to})
        moved.append(copy)
    return moved


@audit.atomic
def copy_deliver(*, copy: Copy, actor: User, at: dt.datetime | None = None, shown_to: int | None = None) -> None:
    """The clerk has put the copy on its destination's desk.

    `shown_to`: the reader the clerk's list named; a copy carried elsewhere since (改送) is refused, so
    it never lands on one desk while its reading waits on another.
    """
    at = at or timezone.now()
    if shown_to is not None and shown_to != copy.destination_id:
        going_to = copy.destination.full_name if copy.destination else "办公室"
        raise ValidationError(f"该份文件已改送 {going_to}，请刷新送文清单。")
    changed = Copy.objects.filter(pk=copy.pk, state=CopyState.TO_DELIVER, destination=copy.destination).update(
        state=CopyState.ON_DESK, holder=copy.destination, destination=None, redirected_from=None, since=at
    )
    if not changed:
        raise ValidationError("该份文件不在待送状态或已改送，请刷新送文清单。")
    Reading.objects.filter(copy=copy, leader=copy.destination, signed_at__isnull=True).update(delivered_at=at)
    copy.refresh_from_db()
    document = copy.document
    if copy.holder is not None:
        inbox_put(
            recipients=[copy.holder, *acting_for(copy.holder, at)],
            key=item_key(document, "read", copy.holder.pk),
            kind=InboxKind.TOREAD,
            category="新送达",
            title=f"{document.title}",
            note=f"{document.get_urgency_display()} · {document.reg_number}"
            + (f" · 办理时限 {day_time(document.deadline)}" if document.deadline else ""),
            url=reverse("documents:desk"),
            secrecy=document.secrecy,
            urgent=document.urgency == Urgency.FLASH,  # through quiet hours
        )
    audit.record(actor=actor, action="copy.deliver", obj=copy, data={"to": copy.holder_id})


@audit.atomic
def copy_collect(*, copy: Copy, actor: User) -> None:
    """The clerk has brought the copy back to the office."""
    changed = Copy.objects.filter(pk=copy.pk, state=CopyState.TO_COLLECT).update(
        state=CopyState.RETURNED, holder=None, since=timezone.now()
    )
    if not changed:
        raise ValidationError("该份文件不在待收回状态，请刷新送文清单。")
    copy.refresh_from_db()
    audit.record(actor=actor, action="copy.collect", obj=copy)
    waiting = copy.document.readings.filter(signed_at__isnull=True).exists()
    if waiting:  # readers are still blocked by the order: the copy waits in the office for them
        Copy.objects.filter(pk=copy.pk).update(state=CopyState.IN_OFFICE)
        copy.refresh_from_db()
        _send_on(copy, routing_adapter.Planning(timezone.now()))


@audit.atomic
def copy_take_back(*, copy: Copy, actor: User) -> None:
    """Rule 3: the holder is away — take the copy on to the next reader; theirs waits for their return."""
    copy = Copy.objects.select_for_update(of=("self",)).select_related("document", "holder").get(pk=copy.pk)
    if copy.state != CopyState.ON_DESK or copy.holder is None:
        raise ValidationError("该份文件已不在领导处（可能已被他人取回或已签阅），请刷新后再试。")
    away = copy.holder
    Reading.objects.filter(copy=copy, leader=away, signed_at__isnull=True).update(copy=None, delivered_at=None)
    inbox_withdraw(key=item_key(copy.document, "read", away.pk))
    _send_on(copy, routing_adapter.Planning(timezone.now()), skip={away.pk})
    audit.record(actor=actor, action="copy.take_back", obj=copy, data={"from": away.pk})


@audit.atomic
def reading_sign(
    *,
    reading: Reading,
    actor: User,
    instruction: str = "",
    requires_action: bool = False,
    on_paper: bool = False,
    signed_at: dt.datetime | None = None,
) -> Reading:
    """已阅: the leader (or the person keeping their desk) signs on screen, or the clerk records paper."""
    now = timezone.now()
    reading = (
        Reading.objects.select_for_update(of=("self",)).select_related("document", "copy", "leader").get(pk=reading.pk)
    )
    document = reading.document
    if document.status != Status.CIRCULATING:
        raise ValidationError("该文件不在传阅中。")
    if reading.signed_at is not None:
        raise ValidationError("该领导已签阅过此文件，不能重复签阅。")
    copy = reading.copy
    if copy is None or copy.state != CopyState.ON_DESK or copy.holder_id != reading.leader_id:
        raise ValidationError("该份文件不在此领导处，不能签阅。")
    if on_paper:
        if not actor.has_role(Role.CLERK, Role.DIRECTOR):
            raise ValidationError("只有文书或主任可以登记纸质签阅。")
        signed_at = signed_at or now
        if (
            timezone.is_naive(signed_at)
            or signed_at > now
            or (reading.delivered_at and signed_at < reading.delivered_at)
        ):
            raise ValidationError("纸质签阅时间应在送达之后、现在之前。")
    else:
        if not may_sign_for(actor, reading.leader, now):
            raise ValidationError("您不是该领导，也未受其委托，不能签阅。")
        signed_at = now
    waiting_for = [
        o.first.full_name
        for o in document.order_constraints.select_related("first").filter(then=reading.leader)
        if not document.readings.filter(leader=o.first, signed_at__isnull=False).exists()
    ]
    if waiting_for:
        raise ValidationError(f"须待{'、'.join(waiting_for)}先阅后再签阅。")
    if requires_action and not instruction.strip():
        raise ValidationError("要求办理的批示须写明批示内容。")
    reading.signed_at, reading.signed_by, reading.on_paper = signed_at, (None if on_paper else actor), on_paper
    reading.recorded_by = actor if on_paper else None
    reading.instruction, reading.requires_action = instruction.strip(), requires_action
    reading.save(update_fields=["signed_at", "signed_by", "on_paper", "recorded_by", "instruction", "requires_action"])
    if reading.instruction:
        entry_update(document)
        _tell_units(document, reading)
    audit.record(
        actor=actor,
        action="reading.sign",
        obj=document,
        data={
            "leader": reading.leader_id,
            "instruction": reading.instruction[:500],
            "requires_action": requires_action,
            "on_paper": on_paper,
            "acting": actor.pk != reading.leader_id and not on_paper,
        },
    )
    inbox_done(key=item_key(document, "read", reading.leader_id), by=actor)
    if requires_action and not document.needs_supervision:
        Document.objects.filter(pk=document.pk).update(needs_supervision=True)
        inbox_put(
            recipients=users_with_role(Role.SUPERVISOR).filter(clearance__gte=document.secrecy),
            key=item_key(document, "supervise"),
            kind=InboxKind.TODO,
            category="待转督办",
            title=f"{document.reg_number} {document.title}",
            note=f"{reading.leader} 批示：{instruction.strip()[:150]}",
            url=_url(document),
            secrecy=document.secrecy,
            urgent=document.urgency == Urgency.FLASH,  # through quiet hours
        )
    planning = routing_adapter.Planning(now)
    _send_on(copy, planning)
    for waiting in document.copies.filter(state=CopyState.IN_OFFICE):
        _send_on(waiting, planning)
    if not document.readings.filter(signed_at__isnull=True).exists():
        document.refresh_from_db()
        DOCUMENT_FLOW.apply(document, "finish", actor=actor, read_at=signed_at)
    return reading


@audit.atomic
def reading_pin(*, reading: Reading, pinned: bool, actor: User) -> None:
    Reading.objects.filter(pk=reading.pk).update(pinned=pinned)
    audit.record(
        actor=actor, action="reading.pin", obj=reading.document, data={"leader": reading.leader_id, "pinned": pinned}
    )


@audit.atomic
def delegation_create(*, leader: User, acting: User, start: dt.datetime, end: dt.datetime, actor: User) -> Delegation:
    """A leader away lets `acting` keep their desk from `start` to `end` (both are recorded).

    A leader delegates their own desk; the office (clerk, director) may do it for any leader. A
    period cannot lie in the past (a start already past runs from now), nor overlap another of the
    same leader's delegations still in force.
    """
    now = timezone.now()
    if not leader.has_role(Role.LEADER):
        raise ValidationError(f"「{leader}」不是县领导。")
    if actor.pk != leader.pk and not actor.has_role(Role.CLERK, Role.DIRECTOR):
        raise ValidationError("只能委托本人的文件；为其他领导设置委托请联系县委办。")
    if acting.pk == leader.pk:
        raise ValidationError("不能委托给本人。")
    if not acting.has_role(Role.LEADER, Role.DIRECTOR, Role.CLERK) or not acting.is_active:
        raise ValidationError("只能委托给县领导或县委办工作人员。")
    if end <= start:
        raise ValidationError("结束时间必须晚于开始时间。")
    if end <= now:
        raise ValidationError("委托的结束时间已过，请重新选择。")
    start = max(start, now.replace(second=0, microsecond=0))
    User.objects.select_for_update().get(pk=leader.pk)  # one delegation at a time per leader
    clash = (
        Delegation.objects.filter(leader=leader, revoked_at__isnull=True, start__lt=end, end__gt=start)
        .select_related("acting")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"{leader.full_name} 在 {day_time(clash.start)} 至 {day_time(clash.end)} 已委托 {clash.acting.full_name} 代阅，时间不能重叠；"
            "请先撤销原委托。"
        )
    delegation = Delegation.objects.create(leader=leader, acting=acting, start=start, end=end, created_by=actor)
    period = f"{day_time(start)} 至 {day_time(end)}"
    notify(
        recipient=acting,
        title=f"委托代阅：{leader.full_name} 委托您代阅其文件",
        body=f"{period}；期间送达 {leader.full_name} 的文件会出现在您的“待阅文件”中。",
        url=reverse("documents:desk"),
    )
    audit.record(
        actor=actor,
        action="delegation.create",
        obj=delegation,
        data={"leader": leader.pk, "acting": acting.pk, "start": start.isoformat(), "end": end.isoformat()},
    )
    availability_changed_after_commit(actor, [leader.pk])
    return delegation


@audit.atomic
def delegation_revoke(*, delegation: Delegation, actor: User) -> None:
    """撤销: the delegation stops now (or never starts); the leader or the office may revoke it."""
    if actor.pk != delegation.leader_id and not actor.has_role(Role.CLERK, Role.DIRECTOR):
        raise ValidationError("只有领导本人或县委办可以撤销委托。")
    now = timezone.now()
    changed = Delegation.objects.filter(pk=delegation.pk, revoked_at__isnull=True, end__gt=now).update(
        revoked_at=now, revoked_by=actor
    )
    if not changed:
        raise ValidationError("该委托已撤销或已到期。")
    audit.record(actor=actor, action="delegation.revoke", obj=delegation, data={"leader": delegation.leader_id})
    availability_changed_after_commit(actor, [delegation.leader_id])


@audit.atomic
def document_close(*, document: Document, result: str, actor: User) -> None:
    """办结: record the result; the document becomes read-only."""
    if not result.strip():
        raise ValidationError("请填写办理结果。")
    DOCUMENT_FLOW.apply(
        document, "close", actor=actor, reason=result.strip()[:300], result=result.strip(), closed_at=timezone.now()
    )


@audit.atomic
def document_archive(*, document: Document, retention: str, actor: User) -> None:
    """归档: record the retention period."""
    if retention not in ("永久", "30年", "10年"):
        raise ValidationError("保管期限应为 永久、30年 或 10年。")
    DOCUMENT_FLOW.apply(document, "archive", actor=actor, retention=retention, archived_at=timezone.now())


@audit.atomic
def document_supervision_opened(*, document: Document, actor: User, matter: str) -> None:
    """The seam for the supervision module (§4): a matter now follows this document's instruction."""
    if not document.needs_supervision:
        raise ValidationError("该文件没有待转督办的批示。")
    Document.objects.filter(pk=document.pk).update(needs_supervision=False)
    inbox_done(key=item_key(document, "supervise"), by=actor)
    audit.record(actor=actor, action="document.supervision_opened", obj=document, data={"matter": matter})
