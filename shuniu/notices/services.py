"""Writes of notices.

Drafting one to many units, holding a unit while calling it, recording the call and its read-back, a
liaison's confirmation on screen, a change of time or place, closing.

Every service runs under `@audit.atomic`; a unit's row is locked while its call is recorded, so two
callers never record over each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shuniu import audit
from shuniu.core.confirm import REPEAT_WINDOW
from shuniu.core.inbox import inbox_done, inbox_put, inbox_withdraw, item_key
from shuniu.core.models import InboxKind, Role, Unit, User
from shuniu.core.numbering import next_number
from shuniu.core.permissions import can
from shuniu.core.phones import phone_key
from shuniu.core.selectors import liaisons_of
from shuniu.core.text import visible
from shuniu.notices.flow import NOTICE_FLOW
from shuniu.notices.models import (
    CALL_SERIES,
    SERIES,
    Attempt,
    Call,
    CallTopic,
    Change,
    Channel,
    Fact,
    Notice,
    Outcome,
    Recipient,
    Scope,
    State,
    Status,
)
from shuniu.notices.selectors import fact_value, spoken_time, unit_of_number
from shuniu.search.services import entry_update

HOLD = dt.timedelta(minutes=10)  # a unit being called is its caller's for this long (taken again to renew)
RETRY_AFTER = dt.timedelta(minutes=15)  # no answer: call again after this, unless the caller says when


def _url(notice: Notice) -> str:
    return reverse("notices:detail", args=[notice.pk])


def _manager(actor: User, refusal: str) -> None:
    if not can(actor, "notices.manage"):
        raise ValidationError(refusal)


def _facts_checked(facts: Sequence[str], values: Mapping[str, str]) -> list[str]:
    chosen = [f for f in dict.fromkeys(facts) if f in Fact.values]
    if not chosen:
        raise ValidationError("请至少选择一项需要对方复述核对的要点（如时间、地点、参加人员）。")
    empty = [Fact(f).label for f in chosen if not values.get(f)]
    if empty:
        raise ValidationError(f"选为复述要点的“{'、'.join(empty)}”还没有填写。")
    return chosen


@audit.atomic
def notice_create(
    *,
    actor: User,
    subject: str,
    starts_at: dt.datetime,
    place: str,
    attendees: str,
    facts: Sequence[str],
    units: Sequence[Unit],
    convener: str = "",
    agenda: str = "",
    bring: str = "",
    reply_by: dt.datetime | None = None,
    notes: str = "",
    save_scope: str = "",
    now: dt.datetime | None = None,
) -> Notice:
    """Draft a notice to many units with the key facts they must read back; each unit is then to call.

    `save_scope` also saves the units as a 常用通知范围 of that name (in the same transaction).
    """
    _manager(actor, "只有办公室工作人员可以发电话通知。")
    now = now or timezone.now()
    subject, place, attendees = visible(subject), visible(place), visible(attendees)
    problems = []
    if not subject:
        problems.append("请填写通知事由。")
    if not place:
        problems.append("请填写地点。")
    if not attendees:
        problems.append("请填写参加人员。")
    if starts_at < now:
        problems.append("通知的时间已过。")
    if reply_by is not None and reply_by > starts_at:
        problems.append("回复截止时间应早于活动时间。")
    if not units:
        problems.append("请选择通知的单位。")
    if problems:
        raise ValidationError(problems)
    draft = Notice(starts_at=starts_at, place=place, attendees=attendees, bring=visible(bring), reply_by=reply_by)
    chosen = _facts_checked(facts, {f: fact_value(draft, f) for f in Fact.values})
    year = timezone.localtime(now).year
    seq = next_number(SERIES, year)  # locks the series: a second click waits here, then sees the first
    twin = Notice.objects.filter(
        created_by=actor, subject=subject, starts_at=starts_at, created_at__gte=now - REPEAT_WINDOW
    ).first()
    if twin is not None:
        raise ValidationError(f"刚刚已拟发同一通知（{twin.number}），请勿重复提交。")
    notice = Notice.objects.create(
        year=year,
        seq=seq,
        subject=subject,
        starts_at=starts_at,
        place=place,
        convener=visible(convener)[:100],
        agenda=visible(agenda),
        attendees=attendees,
        bring=visible(bring)[:300],
        reply_by=reply_by,
        notes=visible(notes),
        facts=chosen,
        created_by=actor,
        created_at=now,
    )
    units = list(dict.fromkeys(units))
    Recipient.objects.bulk_create([Recipient(notice=notice, unit=u) for u in units])
    _ask_liaisons(notice, {u.pk for u in units})
    audit.record(actor=actor, action="notice.create", obj=notice, data={"units": len(units), "facts": chosen})
    entry_update(notice)
    if visible(save_scope):
        scope_save(actor=actor, name=save_scope, units=units)
    return notice


def _ask_liaisons(notice: Notice, unit_ids: set[int]) -> None:
    """Each unit's liaisons find the notice in their inbox, to confirm it on screen (or wait for the call)."""
    for unit_id, people in liaisons_of(unit_ids).items():
        inbox_put(
            recipients=people,
            key=item_key(notice, "confirm", unit_id),
            kind=InboxKind.TODO,
            category="电话通知待确认",
            title=f"{notice.number} {notice.subject}",
            note=f"{spoken_time(notice.starts_at)}，{notice.place}",
            url=_url(notice),
        )


@audit.atomic
def recipient_hold(*, recipient: Recipient, actor: User, now: dt.datetime | None = None) -> Recipient:
    """Take a unit to call: it is the caller's for a few minutes, so nobody calls it twice."""
    _manager(actor, "只有办公室工作人员可以拨打通知。")
    now = now or timezone.now()
    free = Q(held_by__isnull=True) | Q(held_until__lt=now) | Q(held_by=actor)
    calling = Notice.objects.filter(pk=recipient.notice_id, status=Status.CALLING).exists()
    # The row's own columns only (no join): a join makes the UPDATE a subquery that PostgreSQL does not
    # re-check against the version a concurrent holder just committed — both would get the unit.
    taken = (
        Recipient.objects.filter(pk=recipient.pk)
        .exclude(state=State.CONFIRMED)
        .filter(free)
        .update(held_by=actor, held_until=now + HOLD)
        if calling
        else 0
    )
    recipient.refresh_from_db()
    if taken:
        audit.record(actor=actor, action="recipient.hold", obj=recipient, data={"until": (now + HOLD).isoformat()})
    else:
        if recipient.state == State.CONFIRMED:
            raise ValidationError(f"{recipient.unit.name}已确认，无需再拨打。")
        if recipient.notice.status != Status.CALLING:
            raise ValidationError("该通知已结束。")
        holder = recipient.held_by.full_name if recipient.held_by else "其他同事"
        raise ValidationError(f"{holder}正在拨打{recipient.unit.name}，请先拨打其他单位。")
    return recipient


@dataclass(frozen=True)
class Heard:
    """One key fact as the other side read it back: right, or what they said and whether it was put right."""

    right: bool | None  # None: not checked
    heard: str = ""
    fixed: bool = False  # corrected, and read back right the second time


@audit.atomic
def recipient_call(
    *,
    recipient: Recipient,
    actor: User,
    outcome: str,
    number: str = "",
    taken_by: str = "",
    readback: Mapping[str, Heard] | None = None,
    note: str = "",
    retry_at: dt.datetime | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Recipient:
    """Record a call to a unit.

    Reached, every key fact must have been checked: read back right, or heard wrong (what was said) and
    corrected; the unit is confirmed only when every fact ends up right.
    """
    _manager(actor, "只有办公室工作人员可以登记通知情况。")
    now = now or timezone.now()
    recipient = Recipient.objects.select_for_update().select_related("notice", "unit").get(pk=recipient.pk)
    notice = recipient.notice
    if notice.status != Status.CALLING:
        raise ValidationError("该通知已结束，不能再登记。")
    if recipient.state == State.CONFIRMED:
        raise ValidationError(f"{recipient.unit.name}已确认，无需再登记。")
    if recipient.held_by_id != actor.pk or recipient.held_until is None or recipient.held_until <= now:
        # Recording uses up the hold: a second click, or a call made without taking the unit, is refused.
        if recipient.held_by_id not in (None, actor.pk) and recipient.held_until and recipient.held_until > now:
            raise ValidationError(f"{recipient.held_by}正在拨打{recipient.unit.name}，请勿重复拨打。")
        raise ValidationError(
            f"请先点击“拨打”占用{recipient.unit.name}（占用 10 分钟）再登记；刚登记过的无需重复提交。"
        )
    if version is not None and version != notice.version:
        raise ValidationError("通知的时间或地点刚刚变更，请按变更后的内容重新核对。")
    if outcome not in Outcome.values:
        raise ValidationError("请选择通知结果。")
    note = visible(note)[:300]
    taken_by = visible(taken_by)[:50]
    checked: dict[str, dict[str, object]] = {}
    errors = 0
    state = {Outcome.NO_ANSWER: State.NO_ANSWER, Outcome.FAILED: State.FAILED}.get(Outcome(outcome), State.NOTIFIED)
    if outcome == Outcome.FAILED and not note:
        raise ValidationError("无法通知的，请在备注中说明原因（如号码停机、单位无人值守）。")
    if outcome == Outcome.REACHED:
        if not taken_by:
            raise ValidationError("请填写接听人。")
        readback = readback or {}
        missing, unheard = [], []
        for fact in notice.facts:
            said = readback.get(fact, Heard(None))
            label = Fact(fact).label
            if said.right is None:
                missing.append(label)
            elif not said.right and not visible(said.heard):
                unheard.append(label)
            checked[fact] = {"right": bool(said.right), "heard": visible(said.heard)[:100], "fixed": said.fixed}
            errors += 0 if said.right else 1
        if missing:
            raise ValidationError(f"请逐项核对对方的复述：“{'、'.join(missing)}”还没有勾选。")
        if unheard:
            raise ValidationError(f"请记下对方把“{'、'.join(unheard)}”说成了什么，并当场更正。")
        if all(v["right"] or v["fixed"] for v in checked.values()):
            state = State.CONFIRMED
    if retry_at is not None and retry_at < now:
        raise ValidationError("再次拨打时间不能早于现在。")
    Attempt.objects.create(
        recipient=recipient,
        channel=Channel.PHONE,
        outcome=outcome,
        at=now,
        by=actor,
        number=visible(number)[:40],
        taken_by=taken_by,
        readback=checked,
        errors=errors,
        note=note,
        version=notice.version,
    )
    if state == State.NO_ANSWER and recipient.state == State.NOTIFIED:
        state = State.NOTIFIED  # told before, not confirmed yet: still told, and to be called again
    recipient.state = state
    recipient.tries += 1
    recipient.last_at = now
    recipient.held_by, recipient.held_until = None, None
    recipient.retry_at = (retry_at or now + RETRY_AFTER) if outcome == Outcome.NO_ANSWER else None
    if state == State.CONFIRMED:
        recipient.confirmed_at, recipient.confirmed_version = now, notice.version
    recipient.save()
    audit.record(
        actor=actor,
        action="recipient.call",
        obj=recipient,
        data={"outcome": outcome, "state": state, "errors": errors, "tries": recipient.tries},
    )
    _after(recipient, actor)
    return recipient


@audit.atomic
def recipient_confirm(
    *, recipient: Recipient, actor: User, ticked: Sequence[str], version: int | None = None
) -> Recipient:
    """A unit's liaison confirms the notice on screen, fact by fact (their own read-back)."""
    recipient = Recipient.objects.select_for_update().select_related("notice", "unit").get(pk=recipient.pk)
    notice = recipient.notice
    if not can(actor, "notices.confirm") or actor.unit_id != recipient.unit_id:
        raise ValidationError("只有本单位联络员可以确认。")
    if notice.status != Status.CALLING:
        raise ValidationError("该通知已结束。")
    if recipient.state == State.CONFIRMED:
        raise ValidationError("本单位已确认过该通知。")
    if version is not None and version != notice.version:
        raise ValidationError("通知的时间或地点刚刚变更，请按变更后的内容重新核对。")
    unticked = [Fact(f).label for f in notice.facts if f not in set(ticked)]
    if unticked:
        raise ValidationError(f"请逐项核对并勾选：“{'、'.join(unticked)}”还没有勾选。")
    now = timezone.now()
    Attempt.objects.create(
        recipient=recipient,
        channel=Channel.SCREEN,
        outcome=Outcome.REACHED,
        at=now,
        by=actor,
        taken_by=actor.full_name,
        readback={f: {"right": True, "heard": "", "fixed": False} for f in notice.facts},
        version=notice.version,
    )
    recipient.state, recipient.last_at = State.CONFIRMED, now
    recipient.confirmed_at, recipient.confirmed_version = now, notice.version
    recipient.held_by, recipient.held_until = None, None
    recipient.save()
    audit.record(actor=actor, action="recipient.confirm", obj=recipient, data={"version": notice.version})
    _after(recipient, actor)
    return recipient


def _after(recipient: Recipient, actor: User) -> None:
    """A unit confirmed: its liaisons' item is done; the last one done, the notice is done."""
    notice = recipient.notice
    if recipient.state == State.CONFIRMED:
        inbox_done(key=item_key(notice, "confirm", recipient.unit_id), by=actor)
    if not notice.recipients.exclude(state=State.CONFIRMED).exists():
        NOTICE_FLOW.apply(notice, "done", actor=actor)


@audit.atomic
def notice_change(
    *,
    notice: Notice,
    actor: User,
    starts_at: dt.datetime,
    place: str,
    reply_by: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Notice:
    """Change the time or place.

    After calls began, every unit already reached is to be called again, and the sheet shows what changed.
    """
    _manager(actor, "只有办公室工作人员可以变更通知。")
    now = now or timezone.now()
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    place = visible(place)
    if notice.status == Status.CANCELLED:
        raise ValidationError("该通知已取消。")
    if not place:
        raise ValidationError("请填写地点。")
    if starts_at < now:
        raise ValidationError("变更后的时间已过。")
    reply_by = reply_by or notice.reply_by
    if reply_by and reply_by > starts_at:
        raise ValidationError("回复截止时间应早于变更后的活动时间，请一并调整回复截止时间。")
    what = []
    if starts_at != notice.starts_at:
        what.append(f"时间 由 {spoken_time(notice.starts_at)} 改为 {spoken_time(starts_at)}")
    if place != notice.place:
        what.append(f"地点 由 {notice.place} 改为 {place}")
    if reply_by != notice.reply_by and reply_by is not None:
        was = spoken_time(notice.reply_by) if notice.reply_by else "无"
        what.append(f"回复截止 由 {was} 改为 {spoken_time(reply_by)}")
    if not what:
        raise ValidationError("时间、地点和回复截止都没有变化。")
    began = notice.recipients.exclude(state=State.PENDING).exists()
    reached = list(
        notice.recipients.filter(state__in=(State.NOTIFIED, State.CONFIRMED)).values_list("unit_id", flat=True)
    )
    fields: dict[str, object] = {"starts_at": starts_at, "place": place, "reply_by": reply_by}
    if began:
        fields["version"] = notice.version + 1
        Change.objects.create(notice=notice, version=notice.version + 1, at=now, by=actor, what="；".join(what))
        notice.recipients.filter(unit_id__in=reached).update(
            state=State.RECALL, confirmed_at=None, confirmed_version=None, retry_at=now
        )
        notice.recipients.update(held_by=None, held_until=None)  # a call begun on the old version starts again
    Notice.objects.filter(pk=notice.pk).update(**fields)
    notice.refresh_from_db()
    if began and notice.status == Status.DONE and reached:
        NOTICE_FLOW.apply(notice, "reopen", actor=actor, reason="；".join(what))
    units = set(notice.recipients.exclude(state=State.CONFIRMED).values_list("unit_id", flat=True))
    for unit_id in units:  # every liaison's item shows the new time and place
        inbox_withdraw(key=item_key(notice, "confirm", unit_id))
    _ask_liaisons(notice, units)
    audit.record(
        actor=actor, action="notice.change", obj=notice, data={"what": what, "recall": len(reached) if began else 0}
    )
    entry_update(notice)
    return notice


@audit.atomic
def notice_close(*, notice: Notice, actor: User, reason: str) -> Notice:
    """End the calling with some units not confirmed (the reason says why)."""
    _manager(actor, "只有办公室工作人员可以结束通知。")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    NOTICE_FLOW.apply(notice, "close", actor=actor, reason=visible(reason))
    for unit_id in notice.recipients.values_list("unit_id", flat=True):
        inbox_withdraw(key=item_key(notice, "confirm", unit_id))
    return notice


@audit.atomic
def notice_cancel(*, notice: Notice, actor: User, reason: str) -> Notice:
    """Cancel the notice; units already reached are told through their inbox (and must be called)."""
    _manager(actor, "只有办公室工作人员可以取消通知。")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    reason = visible(reason)
    NOTICE_FLOW.apply(notice, "cancel", actor=actor, reason=reason)
    units = set(notice.recipients.values_list("unit_id", flat=True))
    for unit_id in units:
        inbox_done(key=item_key(notice, "confirm", unit_id), by=actor)
    for unit_id, people in liaisons_of(units).items():
        inbox_put(
            recipients=people,
            key=item_key(notice, "cancelled", unit_id),
            kind=InboxKind.TOREAD,
            category="电话通知已取消",
            title=f"{notice.number} {notice.subject}",
            note=reason[:150],
            url=_url(notice),
        )
    return notice


@audit.atomic
def scope_save(*, actor: User, name: str, units: Sequence[Unit]) -> Scope:
    """Save a set of units to notify again (常用通知范围), or replace the one of that name."""
    _manager(actor, "只有办公室工作人员可以保存通知范围。")
    name = visible(name)[:50]
    if not name:
        raise ValidationError("请填写通知范围的名称。")
    if not units:
        raise ValidationError("请选择单位。")
    scope, _ = Scope.objects.get_or_create(name=name, defaults={"created_by": actor})
    scope.units.set(units)
    audit.record(actor=actor, action="scope.save", obj=scope, data={"units": len(units)})
    return scope


# Incoming calls (来电登记) ------------------------------------------------------------------------------


@audit.atomic
def call_record(
    *,
    actor: User,
    at: dt.datetime,
    content: str,
    number: str = "",
    unit: Unit | None = None,
    caller: str = "",
    topic: str = CallTopic.WORK,
    proposal: str = "",
    callback_due: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Call:
    """Register an incoming call; its unit found from the number in the directory when not chosen."""
    if not can(actor, "calls.manage"):
        raise ValidationError("只有办公室工作人员可以登记来电。")
    now = now or timezone.now()
    content = visible(content)
    problems = []
    if not content:
        problems.append("请填写来电内容。")
    if topic not in CallTopic.values:
        problems.append("请选择来电类别。")
    if at > now + dt.timedelta(minutes=5):
        problems.append("来电时间不能晚于现在。")
    if callback_due is not None and callback_due < at:
        problems.append("应回电时间不能早于来电时间。")
    if problems:
        raise ValidationError(problems)
    key = phone_key(number)
    if unit is None and key:
        found = unit_of_number(number)
        unit = found[0] if found else None
    year = timezone.localtime(at).year
    seq = next_number(CALL_SERIES, year)  # locks the series: a second click waits here, then sees the first
    twin = Call.objects.filter(handler=actor, content=content, at=at, recorded_at__gte=now - REPEAT_WINDOW).first()
    if twin is not None:
        raise ValidationError(f"刚刚已登记同一来电（{twin.number_label}），请勿重复提交。")
    call = Call.objects.create(
        year=year,
        seq=seq,
        at=at,
        number=visible(number)[:40],
        number_key=key,
        unit=unit,
        caller=visible(caller)[:50],
        topic=topic,
        content=content,
        proposal=visible(proposal),
        handler=actor,
        callback_due=callback_due,
        recorded_at=now,
    )
    audit.record(actor=actor, action="call.record", obj=call, data={"unit": unit.pk if unit else None})
    entry_update(call)
    return call


@audit.atomic
def call_update(
    *,
    call: Call,
    actor: User,
    proposal: str,
    instruction: str,
    instructed_by: User | None,
    result: str,
    close: bool = False,
    expected: dt.datetime | None = None,
) -> Call:
    """Record the proposal, the leader's instruction and the result; close the call when it is dealt with.

    `expected` is when the page was loaded from (the call's `updated_at`): an edit made in between is
    not overwritten.
    """
    if not can(actor, "calls.manage"):
        raise ValidationError("只有办公室工作人员可以办理来电。")
    call = Call.objects.select_for_update().get(pk=call.pk)
    if expected is not None and call.updated_at != expected:
        raise ValidationError("这条来电刚被同事修改过，请刷新页面后再填写。")
    instruction, result = visible(instruction), visible(result)
    if instruction and instructed_by is None:
        raise ValidationError("请选择作出批示的领导。")
    if instructed_by is not None and not instructed_by.has_role(Role.LEADER):
        raise ValidationError("批示领导应为县领导。")
    if close and not result:
        raise ValidationError("办结须填写办理结果。")
    if call.closed_at is not None:
        raise ValidationError("该来电已办结。")
    changes = audit.apply_changes(
        call,
        {
            "proposal": visible(proposal),
            "instruction": instruction,
            "instructed_by": instructed_by if instruction else None,
            "result": result,
            "closed_at": timezone.now() if close else None,
        },
    )
    call.save()
    audit.record(actor=actor, action="call.update", obj=call, data={"changes": changes})
    entry_update(call)
    return call


@audit.atomic
def call_called_back(*, call: Call, actor: User) -> Call:
    """The callback owed was made."""
    if not can(actor, "calls.manage"):
        raise ValidationError("只有办公室工作人员可以登记回电。")
    if not Call.objects.filter(pk=call.pk, called_back_at__isnull=True, callback_due__isnull=False).update(
        called_back_at=timezone.now()
    ):
        raise ValidationError("该来电无需回电，或已登记回电。")
    call.refresh_from_db()
    audit.record(actor=actor, action="call.called_back", obj=call)
    return call


def call_linked(*, call: Call, actor: User, matter: object | None = None, petition: object | None = None) -> None:
    """The seam for supervision and petitions: a matter or a petition opened from this call (once each).

    Called inside their service's transaction: a refusal rolls the new matter or petition back too.
    """
    if not can(actor, "calls.view"):
        raise ValidationError("只有办公室工作人员可以从来电登记转办。")
    if matter is not None:
        linked = Call.objects.filter(pk=call.pk, matter__isnull=True).update(matter=matter)
        what = "督办事项"
    elif petition is not None:
        linked = Call.objects.filter(pk=call.pk, petition__isnull=True).update(petition=petition)
        what = "信访事项"
    else:
        raise ValidationError("请指明转办的督办事项或信访事项。")
    if not linked:
        raise ValidationError(f"{call.number_label}已经登记过{what}，请勿重复转办。")
    audit.record(
        actor=actor, action="call.linked", obj=call, data={"matter": str(matter or ""), "petition": str(petition or "")}
    )
