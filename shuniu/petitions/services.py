"""Writes of petitions: registering a petition at the desk (and its petitioners), revealing personal data.

Every service runs under `@audit.atomic`. The audit log names a petition by its number and never holds
a petitioner's name, ID number, phone or address.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shuniu import audit
from shuniu.core.confirm import REPEAT_WINDOW, Match, NeedsConfirmation
from shuniu.core.deadlines import Rule, clock_extend, clock_of, clock_pause, clock_resume, clock_start, clock_stop
from shuniu.core.files import Upload, attach
from shuniu.core.idcard import is_old_form, normalise_id
from shuniu.core.inbox import inbox_done, inbox_put, inbox_withdraw_about, item_key
from shuniu.core.models import Clock, ClockEvent, ClockUnit, InboxKind, Role, Unit, UnitKind, User, Village
from shuniu.core.numbering import next_number, parse_number
from shuniu.core.permissions import can
from shuniu.core.personal import blind_index, digits, scrub
from shuniu.core.selectors import liaisons_of, users_with_role
from shuniu.core.services import guarded_attempt
from shuniu.core.text import visible
from shuniu.core.workcal import WorkingCalendar
from shuniu.petitions.flow import PETITION_FLOW

if TYPE_CHECKING:
    from shuniu.notices.models import Call
from shuniu.petitions.models import (
    SERIES,
    Category,
    Channel,
    Conduct,
    Contact,
    Counterpart,
    Instruction,
    OrderFlag,
    Party,
    Petition,
    Petitioner,
    Recusal,
    Reply,
    Review,
    Satisfaction,
    Stage,
    Status,
    Topic,
)
from shuniu.petitions.selectors import (
    HANDLING_CLOCK_NAME,
    HEARING_PAUSE,
    NOTIFY_CLOCK_NAME,
    REPLY_STOP,
    REVIEW_CLOCK_NAMES,
    Person,
    is_final,
    possible_repeats,
    without_recused,
)
from shuniu.search.services import entry_update

# Art. 23: tell the petitioner within 15 days whether the office accepts the matter (calendar days; a
# last day that is a holiday runs to the next working day, as procedural periods are counted).
NOTIFY_CLOCK = NOTIFY_CLOCK_NAME
NOTIFY_RULE = Rule(ClockUnit.CALENDAR_DAYS, 15, warn_within=3, roll_holidays=True)
MAX_REPRESENTATIVES = 5  # art. 20


ENQUIRY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I to misread on paper


def new_enquiry_code() -> str:
    """Eight characters (40 bits) for the petitioner's enquiry, printed on the notice as ABCD-EFGH."""
    return "".join(secrets.choice(ENQUIRY_ALPHABET) for _ in range(8))


def checked_person(person: Person, label: str) -> Person:
    """The person with their ID number checked and normalised, or a ValidationError naming them."""
    name = visible(person.name)[:50]
    id_number = ""
    if visible(person.id_number):
        try:
            id_number = normalise_id(person.id_number)
        except ValidationError as exc:
            raise ValidationError(f"{label}：{' '.join(exc.messages)}") from None
    phone = visible(person.phone)[:30]
    if phone and not 7 <= len(digits(phone)) <= 13:
        raise ValidationError(f"{label}：联系电话应为 7 到 13 位数字。")
    if person.village is not None and person.village.township_id != getattr(person.township, "pk", None):
        raise ValidationError(f"{label}：所选村（社区）不属于所选乡镇。")
    if not (name or id_number or phone):
        raise ValidationError(f"{label}：姓名、身份证号码、联系电话至少填写一项。")
    return Person(
        name, id_number, phone, person.township, person.village, visible(person.address)[:200], person.representative
    )


def _petitioner(person: Person) -> Petitioner:
    """The petitioner record for this person, made or found.

    The same ID number, or else the same phone and name, is the same person; their record gains what
    it lacked.
    """
    found = None
    if person.id_number:
        found = Petitioner.objects.filter(id_index=person.id_index).first()
    if found is None and digits(person.phone) and person.name:
        found = Petitioner.objects.filter(phone_index=person.phone_index, name=person.name).first()
    if found is None:
        return Petitioner.objects.create(
            name=person.name,
            id_number=person.id_number,
            id_index=person.id_index,
            id_old_form=is_old_form(person.id_number),
            phone=person.phone,
            phone_index=person.phone_index,
            township=person.township,
            village=person.village,
            address=person.address,
        )
    changed = []
    for field, value in (("name", person.name), ("township", person.township), ("village", person.village)):
        if value and not getattr(found, field):
            setattr(found, field, value)
            changed.append(field)
    if person.phone and found.phone != person.phone:
        found.phone, found.phone_index = person.phone, person.phone_index
        changed += ["phone", "phone_index"]
    if person.address and found.address != person.address:
        found.address = person.address
        changed.append("address")
    if changed:
        found.save(update_fields=changed)
    return found


@audit.atomic
def petition_register(
    *,
    actor: User,
    channel: str,
    received_at: dt.datetime,
    category: str,
    topic: str,
    summary: str,
    appeal: str,
    people: Sequence[Person],
    people_count: int | None = None,
    repeat_of: Petition | None = None,
    new_matter_confirmed: bool = False,
    uploads: Sequence[Upload] = (),
    call: Call | None = None,
    now: dt.datetime | None = None,
) -> Petition:
    """Register a petition (登记) with the next 信 number, its petitioners, and art. 23's 15-day clock.

    Before anything is saved, earlier petitioners who may be the same people are shown
    (`NeedsConfirmation`): the officer links the visit to an earlier matter (`repeat_of`, 重复访) or
    confirms it is a new one. The clock waits while a petitioner's name or address is unknown.
    """
    if not can(actor, "petitions.register"):
        raise ValidationError("只有信访接待人员可以登记信访事项。")
    now = now or timezone.now()
    summary, appeal = visible(summary), visible(appeal)
    problems = []
    if channel not in Channel.values:
        problems.append("请选择信访形式。")
    if category not in Category.values:
        problems.append("请选择信访类别。")
    if topic not in Topic.values:
        problems.append("请选择内容分类。")
    if not summary:
        problems.append("请填写反映的问题。")
    if not appeal:
        problems.append("请填写诉求。")
    if received_at > now + dt.timedelta(minutes=5):
        problems.append("接待时间不能晚于现在。")
    representatives = sum(p.representative for p in people)
    if representatives > MAX_REPRESENTATIVES:
        problems.append(
            f"多人走访应推选不超过 {MAX_REPRESENTATIVES} 名代表（《信访工作条例》第二十条），现为 {representatives} 名。"
        )
    count = people_count if people_count is not None else len(people)
    if count < len(people):
        problems.append(f"人数（{count}）不能少于登记的信访人（{len(people)} 人）。")
    if problems:
        raise ValidationError(problems)
    people = [checked_person(p, f"第 {i} 名信访人") for i, p in enumerate(people, start=1)]
    if repeat_of is None and not new_matter_confirmed:
        repeats = possible_repeats(people, actor=actor)
        if repeats:
            raise NeedsConfirmation(
                "以下信访人此前来访过，请核对是否同一人、同一事项：",
                [
                    Match(
                        label=f"{r.petitioner}（{r.petitioner.place or '住址不详'}，{'、'.join(r.reasons)}）",
                        detail="；".join(
                            f"{p.number} {timezone.localtime(p.received_at):%Y年%-m月%-d日} {p.summary[:30]}（{p.get_status_display()}）"
                            for p in r.petitions[:5]
                        ),
                    )
                    for r in repeats
                ],
                confirm_label="已核对，属新的信访事项",
            )
    year = timezone.localtime(received_at).year
    seq = next_number(SERIES, year)  # locks the series: a second click waits here, then sees the first
    twin = Petition.objects.filter(
        receptionist=actor, summary=summary, received_at=received_at, registered_at__gte=now - REPEAT_WINDOW
    ).first()
    if twin is not None:
        raise ValidationError(f"刚刚已登记同一来访（{twin.number}），请勿重复提交。")
    if repeat_of is not None and repeat_of.repeat_of_id is not None:
        repeat_of = repeat_of.repeat_of  # every visit of a matter links to its first
    code = new_enquiry_code()
    petition = Petition.objects.create(
        enquiry_code=code,
        enquiry_index=blind_index("enquiry", code),
        year=year,
        seq=seq,
        channel=channel,
        received_at=received_at,
        category=category,
        topic=topic,
        summary=summary,
        appeal=appeal,
        people_count=count,
        repeat_of=repeat_of,
        receptionist=actor,
        registered_at=now,
    )
    petitioners: list[tuple[Petitioner, bool]] = []
    for person in people:
        petitioner = _petitioner(person)
        if petitioner.pk not in {p.pk for p, _ in petitioners}:
            petitioners.append((petitioner, person.representative))
    Party.objects.bulk_create([Party(petition=petition, petitioner=p, representative=rep) for p, rep in petitioners])
    attach(petition, uploads, actor=actor)
    if call is not None:  # registered from the incoming-call register
        from shuniu.notices.services import call_linked

        call_linked(call=call, actor=actor, petition=petition)
    calendar = WorkingCalendar.load()
    clock = clock_start(
        obj=petition, name=NOTIFY_CLOCK, rule=NOTIFY_RULE, start=received_at, actor=actor, calendar=calendar
    )
    unknown = [p for p, _ in petitioners if not p.name or not (p.address or p.village_id or p.township_id)]
    if unknown or not petitioners:  # an anonymous letter: nobody to tell (art. 23)
        clock_pause(clock=clock, reason="信访人姓名或住址不详，告知期限待补全后起算", actor=actor, at=received_at)
    audit.record(
        actor=actor,
        action="petition.register",
        obj=petition,
        data={
            "channel": channel,
            "category": category,
            "people": count,
            "petitioners": len(petitioners),
            "repeat_of": repeat_of.number if repeat_of else "",
            "group_visit": count >= settings.PETITION_GROUP_SIZE,
            "attachments": len(uploads),
        },
    )
    entry_update(petition)
    return petition


def petitioner_revealed(*, actor: User, petitioner: Petitioner, petition: Petition, reason: str) -> Petitioner:
    """Showing a petitioner's full ID number, phone and address: a permission and a typed reason, audited."""
    reason = visible(reason)
    if not can(actor, "petitions.reveal"):
        raise ValidationError("您没有查看完整个人信息的权限。")
    if len(reason) < 4:
        raise ValidationError("请填写查看完整个人信息的理由（至少 4 个字）。")
    with audit.deferred_transaction():
        audit.record(
            actor=actor,
            action="petitioner.reveal",
            obj=petition,
            data={"petitioner": petitioner.pk, "reason": scrub(reason[:200])},
        )
    return petitioner


RECUSED = "您已回避该信访事项（《信访工作条例》第二十八条），不能办理。"


def _staff(petition: Petition) -> list[User]:
    """The petition staff to tell about a petition — not whoever stepped aside from it."""
    return without_recused(users_with_role(Role.PETITION_OFFICER), petition)


def _not_recused(actor: User, petition: Petition) -> None:
    if Recusal.objects.filter(petition=petition, user=actor).exists():
        raise ValidationError(RECUSED)


def _may_handle(actor: User, petition: Petition, refusal: str) -> None:
    """Petition staff act on a petition unless they stepped aside from it (art. 28)."""
    if not can(actor, "petitions.handle"):
        raise ValidationError(refusal)
    _not_recused(actor, petition)


# The process ------------------------------------------------------------------------------------

HANDLING_CLOCK = HANDLING_CLOCK_NAME  # one per assignment: 办理期限·<unit>
OBJECT_WORKDAYS = 5  # art. 23: a unit objects to a matter not its own within 5 working days
MAX_EXTENSION_DAYS = 30  # art. 34: once, at most 30 days, the reason told
REQUEST_DAYS = 60  # art. 34: a 申诉求决 matter, 60 days from acceptance
ACCUSED_CHECK = "检举控告材料不得转给被检举控告的人员或单位（《信访工作条例》第三十条）：请核实承办单位不是被检举控告对象后勾选确认。"


def handling_clock(petition: Petition) -> Clock | None:
    """The running handling clock of the petition's present assignment."""
    return (
        Clock.objects.filter(**Clock.of(petition), name__startswith=HANDLING_CLOCK, stopped_at__isnull=True)
        .order_by("-started_at")
        .first()
    )


DECISIONS = {"accept": "受理", "forward": "转送", "decline": "不予受理"}


def _stop(petition: Petition, name: str, actor: User, reason: str) -> None:
    clock = clock_of(petition, name)
    if clock is not None and clock.stopped_at is None:
        clock_stop(clock=clock, actor=actor, reason=reason)


@audit.atomic
def petition_decide(
    *,
    petition: Petition,
    actor: User,
    decision: str,
    note: str,
    unit: Unit | None = None,
    not_accused: bool = False,
) -> Petition:
    """Art. 23: accept the matter, forward it to whose matter it is, or decline it.

    Told to the petitioner in a written notice (告知书); the 15-day clock stops.
    """
    _may_handle(actor, petition, "只有信访接待人员可以作出告知决定。")
    if decision not in DECISIONS:
        raise ValidationError("请选择受理、转送或不予受理。")
    if decision == "forward" and petition.category == Category.ACCUSATION and not not_accused:
        raise ValidationError(ACCUSED_CHECK)
    note = visible(note)
    if decision != "accept" and not note:
        raise ValidationError(f"{DECISIONS[decision]}须写明理由（告知书将载明）。")
    if decision == "forward" and unit is None:
        raise ValidationError("转送须选择有权处理的机关或单位。")
    if decision != "decline" and is_final(petition):
        raise ValidationError(FINAL_REFUSAL)
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    now = timezone.now()
    PETITION_FLOW.apply(
        petition,
        decision,
        actor=actor,
        reason=note,
        decided_at=now,
        decision_note=note[:2000],
        handling_unit=unit if decision == "forward" else None,
    )
    _stop(petition, NOTIFY_CLOCK, actor, f"已告知：{DECISIONS[decision]}")
    return petition


@audit.atomic
def petition_assign(*, petition: Petition, actor: User, unit: Unit, days: int, not_accused: bool = False) -> Petition:
    """Assign an accepted petition to the unit that will handle it (交办), with its period in days.

    Art. 34 gives a 申诉求决 matter 60 days from acceptance.
    """
    _may_handle(actor, petition, "只有信访接待人员可以交办。")
    if not 1 <= days <= 90:
        raise ValidationError("办理期限应在 1 到 90 天之间。")
    if petition.category == Category.ACCUSATION and not not_accused:
        raise ValidationError(ACCUSED_CHECK)
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    now = timezone.now()
    first = not Clock.objects.filter(**Clock.of(petition), name__startswith=HANDLING_CLOCK).exists()
    calendar = WorkingCalendar.load()
    if petition.category == Category.REQUEST:
        # Art. 34: 60 days from acceptance, whoever handles it — a re-assignment does not restart them.
        start, days = (petition.decided_at or now), min(days, REQUEST_DAYS)
    else:
        start = (petition.decided_at or now) if first else now  # a re-assignment after an objection starts anew
    name = f"{HANDLING_CLOCK}·{unit.name}"[:40]
    if clock_of(petition, name) is not None:
        raise ValidationError(f"{unit.name}已对该事项提出过异议，请交办其他单位。")
    previous = petition.handling_unit_id
    PETITION_FLOW.apply(
        petition, "assign", actor=actor, data={"unit": unit.pk, "days": days}, handling_unit=unit, assigned_at=now
    )
    if previous is not None:
        inbox_done(key=item_key(petition, "reassign", previous), by=actor)
    clock_start(
        obj=petition,
        name=name,
        rule=Rule(ClockUnit.CALENDAR_DAYS, days, warn_within=5, roll_holidays=True),
        start=start,
        actor=actor,
        calendar=calendar,
    )
    inbox_put(
        recipients=without_recused(liaisons_of({unit.pk}).get(unit.pk, []), petition),
        key=item_key(petition, "reply", unit.pk),
        kind=InboxKind.TODO,
        category="信访事项待答复",
        title=f"{petition.number} {petition.get_category_display()}·{petition.get_topic_display()}",
        note=f"{days} 天内书面答复",
        url=reverse("petitions:detail", args=[petition.pk]),
    )
    return petition


@audit.atomic
def petition_reply(
    *, petition: Petition, actor: User, text: str, uploads: Sequence[Upload] = (), now: dt.datetime | None = None
) -> Reply:
    """The handling unit answers in writing (答复意见书); the office then hears the petitioner's view."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not can(actor, "petitions.reply") or actor.unit_id is None or actor.unit_id != petition.handling_unit_id:
        raise ValidationError("只有承办单位的联络员可以答复。")
    _not_recused(actor, petition)
    text = visible(text)
    if not text:
        raise ValidationError("请填写答复意见。")
    now = now or timezone.now()
    PETITION_FLOW.apply(petition, "reply", actor=actor, data={"attachments": len(uploads)})  # a second click stops here
    reply = Reply.objects.create(petition=petition, unit_id=actor.unit_id, author=actor, at=now, text=text)
    attach(reply, uploads, actor=actor)
    running = handling_clock(petition)
    if running is not None:
        clock_stop(clock=running, actor=actor, reason=REPLY_STOP)
    inbox_done(key=item_key(petition, "reply", actor.unit_id), by=actor)
    inbox_put(
        recipients=_staff(petition),
        key=item_key(petition, "rate"),
        kind=InboxKind.TODO,
        category="信访答复待回访",
        title=f"{petition.number} {petition.get_topic_display()}",
        note=f"{actor.unit.name if actor.unit else ''}已答复，请回访信访人并记录满意度",
        url=reverse("petitions:detail", args=[petition.pk]),
    )
    return reply


@audit.atomic
def petition_close(*, petition: Petition, actor: User, satisfaction: str) -> Petition:
    """Record the petitioner's view of the result (art. 21) and close the matter (办结)."""
    _may_handle(actor, petition, "只有信访接待人员可以办结。")
    if satisfaction not in Satisfaction.values:
        raise ValidationError("请选择信访人的评价。")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    PETITION_FLOW.apply(
        petition,
        "close",
        actor=actor,
        data={"satisfaction": satisfaction},
        satisfaction=satisfaction,
        rated_at=timezone.now(),
    )
    inbox_done(key=item_key(petition, "rate"), by=actor)
    inbox_done(key=item_key(petition, "rate", Stage.REVIEW), by=actor)
    return petition


@audit.atomic
def petition_object(*, petition: Petition, actor: User, reason: str, now: dt.datetime | None = None) -> Petition:
    """The unit answers that the matter is not its own; the office assigns it again.

    Art. 23: within 5 working days of receiving it, with the reason.
    """
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not can(actor, "petitions.reply") or actor.unit_id is None or actor.unit_id != petition.handling_unit_id:
        raise ValidationError("只有承办单位的联络员可以提出异议。")
    _not_recused(actor, petition)
    reason = visible(reason)
    if not reason:
        raise ValidationError("请详细说明不属于本单位职责的理由。")
    now = now or timezone.now()
    calendar = WorkingCalendar.load()
    if petition.assigned_at is not None:
        assigned = timezone.localtime(petition.assigned_at, calendar.tz).date()
        if timezone.localtime(now, calendar.tz).date() > calendar.add_workdays(assigned, OBJECT_WORKDAYS):
            raise ValidationError(f"异议应自收到之日起 {OBJECT_WORKDAYS} 个工作日内提出，现已超过，请按期办理并答复。")
    unit_id = petition.handling_unit_id
    PETITION_FLOW.apply(petition, "object", actor=actor, reason=reason, objection=reason[:300])
    running = handling_clock(petition)
    if running is not None:
        clock_stop(clock=running, actor=actor, reason=f"承办单位提出异议：{reason[:100]}")
    inbox_done(key=item_key(petition, "reply", unit_id), by=actor)
    inbox_put(
        recipients=_staff(petition),
        key=item_key(petition, "reassign", unit_id),
        kind=InboxKind.TODO,
        category="信访交办异议待改派",
        title=f"{petition.number} {petition.get_topic_display()}",
        note=f"{actor.unit.name if actor.unit else ''}：{reason[:60]}",
        url=reverse("petitions:detail", args=[petition.pk]),
    )
    return petition


@audit.atomic
def petition_extend(*, petition: Petition, actor: User, days: int, reason: str) -> Clock:
    """Art. 34: a 申诉求决 matter's period extended once, by at most 30 days, the reason told to the petitioner."""
    _may_handle(actor, petition, "只有信访接待人员可以办理延期。")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    reason = visible(reason)
    if petition.category != Category.REQUEST:
        raise ValidationError("延长办理期限只适用于申诉求决类事项（《信访工作条例》第三十四条）。")
    clock = handling_clock(petition)
    if petition.status != Status.ASSIGNED or clock is None:
        raise ValidationError("事项交办办理中才能延长办理期限。")
    extended = ClockEvent.objects.filter(
        clock__in=Clock.objects.filter(**Clock.of(petition), name__startswith=HANDLING_CLOCK), kind="extend"
    )
    if extended.exists():
        raise ValidationError("办理期限只能延长一次。")
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationError(f"延长期限不得超过 {MAX_EXTENSION_DAYS} 日。")
    if not reason:
        raise ValidationError("请填写延期理由（将告知信访人）。")
    return clock_extend(clock=clock, amount=days, reason=reason, actor=actor, calendar=WorkingCalendar.load())


@audit.atomic
def petitioner_complete(
    *,
    petition: Petition,
    petitioner: Petitioner,
    actor: User,
    name: str = "",
    township: Unit | None = None,
    village: Village | None = None,
    address: str = "",
) -> Petitioner:
    """Fill in a petitioner's missing name or address.

    Once everyone on the petition is known, art. 23's clock runs again (the time it waited does not count).
    """
    _may_handle(actor, petition, "只有信访接待人员可以补全信访人信息。")
    if not petition.parties.filter(petitioner=petitioner).exists():
        raise ValidationError("该信访人不在此信访事项中。")
    person = checked_person(
        Person(name or petitioner.name, "", "", township or petitioner.township, village or petitioner.village),
        "信访人",
    )
    petitioner = Petitioner.objects.select_for_update().get(pk=petitioner.pk)
    changed = []
    for field, value in (("name", person.name), ("township", person.township), ("village", person.village)):
        if value and getattr(petitioner, field) != value:
            setattr(petitioner, field, value)
            changed.append(field)
    if visible(address):
        petitioner.address = visible(address)[:200]
        changed.append("address")
    if not changed:
        raise ValidationError("请填写要补全的姓名或住址。")
    petitioner.save(update_fields=changed)
    if "name" in changed:  # the name is taken out of the indexed text of each of their petitions
        for theirs in petitioner.petitions.prefetch_related("petitioners"):
            entry_update(theirs)
    audit.record(actor=actor, action="petitioner.complete", obj=petition, data={"fields": changed})
    clock = clock_of(petition, NOTIFY_CLOCK)
    complete = all(p.name and (p.address or p.village_id or p.township_id) for p in petition.petitioners.all())
    if clock is not None and clock.paused_at is not None and complete:
        clock_resume(clock=clock, actor=actor, calendar=WorkingCalendar.load(), reason="信访人姓名、住址已补全")
    return petitioner


# Review and re-review (art. 35, 36) ---------------------------------------------------------------

REVIEW_CLOCKS: dict[str, str] = dict(REVIEW_CLOCK_NAMES)
REVIEW_RULE = Rule(ClockUnit.CALENDAR_DAYS, 30, warn_within=5, roll_holidays=True)  # answered within 30 days
REQUEST_WINDOW = Rule(ClockUnit.CALENDAR_DAYS, 30, roll_holidays=True)  # asked within 30 days of the opinion
FINAL_REFUSAL = (
    "该事项已经复核终结。信访人仍以同一事实和理由提出的，不再受理（《信访工作条例》第三十六条），"
    "请选择“不予受理”并写明理由。"
)


@audit.atomic
def petition_review_request(
    *,
    petition: Petition,
    actor: User,
    stage: str,
    body: Unit,
    reason: str,
    delivered_on: dt.date,
    requested_at: dt.datetime | None = None,
) -> Review:
    """Register the petitioner's request for review (复查) or re-review (复核) and send it to the body named.

    Only a 申诉求决 matter answered by a written opinion; asked within 30 days of receiving the opinion
    before it (a last day on a holiday runs to the next working day); the body answers within 30 days.
    """
    _may_handle(actor, petition, "只有信访接待人员可以登记复查、复核请求。")
    if stage not in REVIEW_CLOCKS:
        raise ValidationError("请选择复查或复核。")
    label = Stage(stage).label[:2]
    reason = visible(reason)
    now = timezone.now()
    requested_at = requested_at or now
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if petition.category != Category.REQUEST:
        raise ValidationError("复查、复核只适用于申诉求决类事项的处理意见（《信访工作条例》第三十五条、第三十六条）。")
    before = Stage.HANDLING if stage == Stage.REVIEW else Stage.REVIEW
    opinion = petition.replies.filter(stage=before).order_by("-at").first()
    if opinion is None:
        raise ValidationError(
            "尚无书面处理意见，不能请求复查。" if stage == Stage.REVIEW else "尚无复查意见，不能请求复核。"
        )
    if petition.reviews.filter(stage=stage).exists():
        raise ValidationError(f"该事项已请求过{label}。")
    if not reason:
        raise ValidationError(f"请填写{label}请求的理由。")
    if body.pk == opinion.unit_id:
        raise ValidationError(f"{body.name}出具了原意见，{label}应由其上一级机关办理。")
    calendar = WorkingCalendar.load()
    opinion_day = timezone.localtime(opinion.at, calendar.tz).date()
    asked_day = timezone.localtime(requested_at, calendar.tz).date()
    if requested_at > now + dt.timedelta(minutes=5):
        raise ValidationError("请求时间不能晚于现在。")
    if not opinion_day <= delivered_on <= asked_day:
        raise ValidationError(
            f"收到书面意见的日期应在出具意见（{opinion_day:%Y年%-m月%-d日}）与提出请求之间。".replace(" 0", " ")
        )
    window = REQUEST_WINDOW.due(dt.datetime.combine(delivered_on, dt.time(12), calendar.tz), calendar)
    if requested_at > window:
        raise ValidationError(
            f"{label}请求应自收到书面意见之日起 30 日内提出（至 {timezone.localtime(window, calendar.tz):%Y年%-m月%-d日}），"
            "现已超过（《信访工作条例》第三十五条、第三十六条）。"
        )
    PETITION_FLOW.apply(petition, stage, actor=actor, data={"body": body.pk}, reason=reason)
    review = Review.objects.create(
        petition=petition,
        stage=stage,
        requested_at=requested_at,
        delivered_on=delivered_on,
        reason=reason,
        body=body,
        registered_by=actor,
    )
    clock_start(
        obj=petition, name=REVIEW_CLOCKS[stage], rule=REVIEW_RULE, start=requested_at, actor=actor, calendar=calendar
    )
    inbox_done(key=item_key(petition, "rate"), by=actor)  # the callback is overtaken by the request
    inbox_done(key=item_key(petition, "rate", Stage.REVIEW), by=actor)
    inbox_put(
        recipients=without_recused(liaisons_of({body.pk}).get(body.pk, []), petition),
        key=item_key(petition, stage, body.pk),
        kind=InboxKind.TODO,
        category=f"信访事项待{label}",
        title=f"{petition.number} {petition.get_topic_display()}",
        note=f"30 日内出具{label}意见",
        url=reverse("petitions:detail", args=[petition.pk]),
    )
    return review


def current_review(petition: Petition) -> Review | None:
    """The review or re-review the petition is waiting on."""
    stage = {Status.REVIEW: Stage.REVIEW, Status.REREVIEW: Stage.REREVIEW}.get(Status(petition.status))
    return petition.reviews.filter(stage=stage).select_related("body").first() if stage else None


@audit.atomic
def petition_review_answer(
    *, petition: Petition, actor: User, text: str, uploads: Sequence[Upload] = (), now: dt.datetime | None = None
) -> Reply:
    """The review (or re-review) body's written opinion (复查意见 / 复核意见)."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    review = current_review(petition)
    if review is None:
        raise ValidationError("该事项不在复查或复核中。")
    if not can(actor, "petitions.reply") or actor.unit_id != review.body_id:
        raise ValidationError(f"只有{review.body.name}的联络员可以出具{review.get_stage_display()}意见。")
    _not_recused(actor, petition)
    text = visible(text)
    if not text:
        raise ValidationError(f"请填写{review.get_stage_display()}意见。")
    now = now or timezone.now()
    PETITION_FLOW.apply(petition, f"{review.stage}_answer", actor=actor, data={"attachments": len(uploads)})
    reply = Reply.objects.create(
        petition=petition, unit=review.body, author=actor, at=now, text=text, stage=review.stage
    )
    attach(reply, uploads, actor=actor)
    _stop(petition, REVIEW_CLOCKS[review.stage], actor, REPLY_STOP)
    inbox_done(key=item_key(petition, review.stage, review.body_id), by=actor)
    final = review.stage == Stage.REREVIEW
    inbox_put(
        recipients=_staff(petition),
        key=item_key(petition, "rate", review.stage),
        kind=InboxKind.TOREAD if final else InboxKind.TODO,
        category=f"信访{review.get_stage_display()}意见已出具",
        title=f"{petition.number} {petition.get_topic_display()}",
        note="复核终结，请将复核意见送达信访人" if final else "请将复查意见送达信访人并回访",
        url=reverse("petitions:detail", args=[petition.pk]),
    )
    return reply


@audit.atomic
def petition_hearing(*, petition: Petition, actor: User, start: bool, note: str = "") -> Clock:
    """A re-review's hearing (听证): its time is not counted in the 30 days (art. 36); the clock waits."""
    _may_handle(actor, petition, "只有信访接待人员可以登记听证。")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if petition.status != Status.REREVIEW:
        raise ValidationError("只有复核中的事项可以举行听证。")
    clock = clock_of(petition, REVIEW_CLOCKS[Stage.REREVIEW])
    if clock is None or clock.stopped_at is not None:
        raise ValidationError("复核期限不在计时。")
    note = visible(note)
    if start:
        if clock.paused_at is not None:
            raise ValidationError("听证已在进行，复核期限已暂停。")
        if not note:
            raise ValidationError("请填写听证安排（时间、地点、参加人员）。")
        PETITION_FLOW.apply(petition, "hearing", actor=actor, reason=note)
        return clock_pause(clock=clock, reason=f"{HEARING_PAUSE}：{note[:100]}", actor=actor)
    if clock.paused_at is None:
        raise ValidationError("没有进行中的听证。")
    PETITION_FLOW.apply(petition, "hearing_end", actor=actor, reason=note)
    return clock_resume(clock=clock, actor=actor, calendar=WorkingCalendar.load(), reason="听证结束")


# Leaders (包案, 呈批, 转督办) ---------------------------------------------------------------------------


def _leader(user: User | None) -> User:
    if user is None or not user.has_role(Role.LEADER):
        raise ValidationError("请选择县领导。")
    return user


@audit.atomic
def petition_lead(*, petition: Petition, actor: User, leader: User | None) -> Petition:
    """Record the leader in charge of the case (包案领导); they then see it, its petitioners included."""
    _may_handle(actor, petition, "只有信访接待人员可以登记包案领导。")
    leader = _leader(leader)
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not without_recused([leader], petition):
        raise ValidationError(f"{leader.full_name}已回避该事项。")
    if petition.lead_leader_id == leader.pk:
        raise ValidationError(f"{leader.full_name}已是该事项的包案领导。")
    before = petition.lead_leader_id
    Petition.objects.filter(pk=petition.pk).update(lead_leader=leader)
    petition.lead_leader = leader
    audit.record(actor=actor, action="petition.lead", obj=petition, data={"from": before, "to": leader.pk})
    inbox_put(
        recipients=[leader],
        key=item_key(petition, "lead", leader.pk),
        kind=InboxKind.TOREAD,
        category="信访包案",
        title=f"{petition.number} {petition.get_category_display()}·{petition.get_topic_display()}",
        note="您为该信访事项的包案领导",
        url=reverse("petitions:detail", args=[petition.pk]),
    )
    return petition


@audit.atomic
def petition_ask_leader(*, petition: Petition, actor: User, leader: User | None, request: str) -> Instruction:
    """Put a significant petition to a leader for instruction (呈领导批示)."""
    _may_handle(actor, petition, "只有信访接待人员可以呈报领导批示。")
    leader = _leader(leader)
    request = visible(request)
    if not request:
        raise ValidationError("请填写呈报意见（事项概况和拟办意见）。")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not without_recused([leader], petition):
        raise ValidationError(f"{leader.full_name}已回避该事项。")
    if petition.status == Status.FINAL:
        raise ValidationError("该事项已复核终结，不再呈报批示。")
    if petition.instructions.filter(leader=leader, instructed_at__isnull=True).exists():
        raise ValidationError(f"已呈{leader.full_name}批示，尚未批示，请勿重复呈报。")
    instruction = Instruction.objects.create(petition=petition, leader=leader, asked_by=actor, request=request)
    audit.record(actor=actor, action="petition.ask_leader", obj=petition, data={"leader": leader.pk})
    inbox_put(
        recipients=[leader],
        key=item_key(instruction, "instruct"),
        kind=InboxKind.TODO,
        category="信访事项请批示",
        title=f"{petition.number} {petition.get_category_display()}·{petition.get_topic_display()}",
        note=request[:150],
        url=reverse("petitions:detail", args=[petition.pk]),
    )
    return instruction


@audit.atomic
def petition_instruct(*, instruction: Instruction, actor: User, text: str, supervise: bool = False) -> Instruction:
    """The leader's instruction (批示).

    Asking for action sends it to supervision (待转督办); the office and the unit handling the matter are told.
    """
    text = visible(text)
    if not can(actor, "petitions.instruct") or actor.pk != instruction.leader_id:
        raise ValidationError("只有被呈报的领导可以批示。")
    _not_recused(actor, instruction.petition)
    if not text:
        raise ValidationError("请填写批示意见。")
    now = timezone.now()
    if not Instruction.objects.filter(pk=instruction.pk, instructed_at__isnull=True).update(
        text=text, instructed_at=now, supervise=supervise
    ):
        raise ValidationError("该事项您已批示。")
    instruction.refresh_from_db()
    petition = Petition.objects.select_for_update().get(pk=instruction.petition_id)
    audit.record(actor=actor, action="petition.instruct", obj=petition, data={"supervise": supervise})
    inbox_done(key=item_key(instruction, "instruct"), by=actor)
    label = f"{petition.number} {petition.get_topic_display()}"
    url = reverse("petitions:detail", args=[petition.pk])
    told = _staff(petition)
    if petition.handling_unit_id and petition.status == Status.ASSIGNED:
        told += without_recused(liaisons_of({petition.handling_unit_id}).get(petition.handling_unit_id, []), petition)
    inbox_put(
        recipients=told,
        key=item_key(instruction, "instructed"),
        kind=InboxKind.TOREAD,
        category="信访事项领导批示",
        title=label,
        note=f"{actor.full_name}批示：{text[:150]}",
        url=url,
    )
    if supervise and not petition.needs_supervision:
        Petition.objects.filter(pk=petition.pk).update(needs_supervision=True)
        inbox_put(
            recipients=users_with_role(Role.SUPERVISOR),
            key=item_key(petition, "supervise"),
            kind=InboxKind.TODO,
            category="待转督办",
            title=label,
            note=f"{actor.full_name}批示：{text[:150]}",
            url=reverse("supervision:new") + f"?petition={petition.pk}",
        )
    return instruction


def petition_supervision_opened(*, petition: Petition, actor: User, matter: str, not_accused: bool = False) -> None:
    """The seam for the supervision module: a matter now follows this petition's instruction.

    Once only (two supervisors at once: one matter); an accusation's material goes to units only once
    they are confirmed not the accused (art. 30).
    """
    if petition.category == Category.ACCUSATION and not not_accused:
        raise ValidationError(ACCUSED_CHECK)
    if not Petition.objects.filter(pk=petition.pk, needs_supervision=True).update(needs_supervision=False):
        raise ValidationError("该信访事项没有待转督办的批示（可能已由他人登记）。")
    Instruction.objects.filter(petition=petition, supervise=True, matter="").update(matter=matter)
    inbox_done(key=item_key(petition, "supervise"), by=actor)
    audit.record(actor=actor, action="petition.supervision_opened", obj=petition, data={"matter": matter})


# Order, contacts, stepping aside ------------------------------------------------------------------------


@audit.atomic
def petition_flag(*, petition: Petition, actor: User, conduct: str, note: str, at: dt.datetime) -> OrderFlag:
    """Record conduct art. 26 forbids. The matter and the petitioner's right to a reply are untouched."""
    _may_handle(actor, petition, "只有信访接待人员可以记录信访秩序情况。")
    note = visible(note)
    if conduct not in Conduct.values:
        raise ValidationError("请选择《信访工作条例》第二十六条所列的行为。")
    if not note:
        raise ValidationError("请如实记录发生的情况。")
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError("发生时间不能晚于现在。")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)  # a second click waits, then is refused
    if OrderFlag.objects.filter(petition=petition, conduct=conduct, note=note, recorded_by=actor).exists():
        raise ValidationError("这条记录已经保存过了。")
    flag = OrderFlag.objects.create(petition=petition, conduct=conduct, note=note, at=at, recorded_by=actor)
    audit.record(actor=actor, action="petition.flag", obj=petition, data={"conduct": conduct})
    return flag


@audit.atomic
def petition_contact(
    *,
    petition: Petition,
    actor: User,
    counterpart: str,
    unit: Unit | None,
    person: str,
    at: dt.datetime,
    note: str,
) -> Contact:
    """Record a contact with the county petition bureau, the township or another unit (联系对接)."""
    _may_handle(actor, petition, "只有信访接待人员可以记录联系情况。")
    note = visible(note)
    if counterpart not in Counterpart.values:
        raise ValidationError("请选择联系对象。")
    if counterpart != Counterpart.BUREAU and unit is None:
        raise ValidationError("请选择联系的乡镇或单位。")
    if counterpart == Counterpart.TOWNSHIP and unit is not None and unit.kind != UnitKind.TOWNSHIP:
        raise ValidationError(f"{unit.name}不是乡镇。")
    if not note:
        raise ValidationError("请填写联系内容。")
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError("联系时间不能晚于现在。")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)  # a second click waits, then is refused
    if Contact.objects.filter(petition=petition, counterpart=counterpart, note=note, recorded_by=actor).exists():
        raise ValidationError("这条联系记录已经保存过了。")
    contact = Contact.objects.create(
        petition=petition,
        counterpart=counterpart,
        unit=unit if counterpart != Counterpart.BUREAU else None,
        person=visible(person)[:50],
        at=at,
        note=note,
        recorded_by=actor,
    )
    audit.record(actor=actor, action="petition.contact", obj=petition, data={"counterpart": counterpart})
    return contact


@audit.atomic
def petition_recuse(*, petition: Petition, actor: User, user: User, reason: str) -> Recusal:
    """Art. 28: staff with a direct interest in the matter or the petitioner step aside.

    From then on the petition is out of their sight and hands (`petitions_for` leaves it out).
    """
    if not can(actor, "petitions.handle") and not actor.has_role(Role.DIRECTOR):
        raise ValidationError("只有信访接待人员或主任可以登记回避。")
    _not_recused(actor, petition)
    reason = visible(reason)
    if not reason:
        raise ValidationError("请填写回避理由（与信访事项或信访人的利害关系）。")
    if not user.has_role(Role.PETITION_OFFICER, Role.DIRECTOR, Role.LEADER, Role.LIAISON, Role.SUPERVISOR):
        raise ValidationError("该人员不接触信访事项，无需回避。")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)  # a second click waits, then is refused
    if Recusal.objects.filter(petition=petition, user=user).exists():
        raise ValidationError(f"{user.full_name}已回避该事项。")
    recusal = Recusal.objects.create(petition=petition, user=user, reason=reason[:200], recorded_by=actor)
    withdrawn = inbox_withdraw_about(recipient=user, objects=[petition, *petition.instructions.all()])
    audit.record(actor=actor, action="petition.recuse", obj=petition, data={"user": user.pk, "withdrawn": withdrawn})
    return recusal


# The petitioner's own enquiry and rating (art. 21) ----------------------------------------------------


def enquiry_find(*, number: str, code: str, address: str) -> tuple[Petition | None, str]:
    """The petition whose number and enquiry code the petitioner typed, under the login throttle.

    Returns the petition, or None and a Chinese message (the same for a wrong number and a wrong code).
    """
    parsed = parse_number(visible(number), SERIES)
    cleaned = re.sub(r"[^A-Z0-9]", "", visible(code).upper())
    wrong = "信访编号或查询码不正确，请核对告知书上的编号和查询码。"
    if parsed is None or len(cleaned) != 8:
        return None, wrong
    year, seq = parsed

    def check() -> Petition | None:
        return Petition.objects.filter(year=year, seq=seq, enquiry_index=blind_index("enquiry", cleaned)).first()

    # Counted per petition number: a code that opens one matter never clears the count of guesses at another.
    found, refused = guarded_attempt(scope=f"petition-enquiry:{year}-{seq}", address=address, check=check)
    return found, refused or ("" if found is not None else wrong)


@audit.atomic
def petition_rated_by_petitioner(*, petition: Petition, satisfaction: str) -> Petition:
    """The petitioner rates the written opinion themselves (art. 21); the matter closes as when staff record it."""
    if satisfaction not in (Satisfaction.SATISFIED, Satisfaction.PARTLY, Satisfaction.DISSATISFIED):
        raise ValidationError("请选择满意、基本满意或不满意。")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if petition.status not in (Status.REPLIED, Status.REVIEWED):
        raise ValidationError("该事项目前不在待评价状态。")
    PETITION_FLOW.apply(
        petition,
        "close",
        actor=None,
        reason="信访人自行评价",
        data={"satisfaction": satisfaction, "by": "petitioner"},
        satisfaction=satisfaction,
        rated_at=timezone.now(),
    )
    inbox_done(key=item_key(petition, "rate"), by=None)
    inbox_done(key=item_key(petition, "rate", Stage.REVIEW), by=None)
    return petition
