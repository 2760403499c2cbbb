"""Reads of notices, narrowed to who may see them inside the query: the list, the calling sheet, progress."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from shuniu.core.access import get_visible_or_404
from shuniu.core.models import Contact, Role, Unit, User
from shuniu.core.permissions import can
from shuniu.core.phones import phone_key, phone_keys
from shuniu.core.text import day_time
from shuniu.notices.models import UNREACHED, Attempt, Call, CallTopic, Change, Fact, Notice, Recipient, Scope, State

RETRYING = (State.NO_ANSWER, State.NOTIFIED, State.RECALL)  # states that may carry a retry time


def notices_for(user: User) -> QuerySet[Notice]:
    """The notices `user` may see: office staff all of them, a unit's liaison those sent to their unit."""
    if can(user, "notices.manage"):
        return Notice.objects.all()
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        return Notice.objects.filter(Exists(Recipient.objects.filter(notice=OuterRef("pk"), unit_id=user.unit_id)))
    return Notice.objects.none()


def notice_for(user: User, pk: object) -> Notice:
    """One notice the user may see (404 otherwise)."""
    return get_visible_or_404(notices_for(user).select_related("created_by"), pk)


def fact_values(notice: Notice) -> list[tuple[str, str, str]]:
    """The notice's key facts as (fact, label, value) in reading order, taken from its own fields."""
    labels = dict(Fact.choices)
    return [(fact, labels[fact], fact_value(notice, fact)) for fact in notice.facts if fact in labels]


def fact_value(notice: Notice, fact: str) -> str:
    """One key fact in the words it is read out in (11月30日（星期一）上午 9:00)."""
    if fact == Fact.TIME:
        return spoken_time(notice.starts_at)
    if fact == Fact.REPLY_BY:
        return spoken_time(notice.reply_by) if notice.reply_by else ""
    fields: dict[str, str] = {Fact.PLACE: notice.place, Fact.ATTENDEES: notice.attendees, Fact.BRING: notice.bring}
    return fields.get(fact, "")


WEEKDAYS = "一二三四五六日"


def spoken_time(moment: dt.datetime) -> str:
    """11月30日（星期一）上午 9:00 — as it is said on the phone, with the weekday to catch a wrong date."""
    local = timezone.localtime(moment)
    part = "上午" if local.hour < 12 else "下午"
    hour = local.hour if local.hour <= 12 else local.hour - 12
    return f"{local.month}月{local.day}日（星期{WEEKDAYS[local.weekday()]}）{part} {hour}:{local.minute:02d}"


def script(notice: Notice, caller: User) -> str:
    """What the caller reads out: polite and firm (有礼有节、不卑不亢), the facts filled in."""
    facts = "；".join(f"{label}：{value}" for _, label, value in fact_values(notice) if value)
    asked = "、".join(label for _, label, _ in fact_values(notice))
    return (
        f"您好！我是县委办公室{caller.full_name}。现电话通知：{notice.subject}。{facts}。"
        + (f"{notice.notes}。" if notice.notes else "")
        + f"请您记录一下，并把{asked}复述一遍，以便核对。谢谢您的配合！"
    )


def notice_list(user: User) -> QuerySet[Notice]:
    """Notices newest first, each with its counts (annotated: one query for the page)."""
    return (
        notices_for(user)
        .annotate(
            units=Count("recipients"),
            confirmed=Count("recipients", filter=Q(recipients__state=State.CONFIRMED)),
            retry_due=Count(
                "recipients", filter=Q(recipients__state__in=RETRYING, recipients__retry_at__lte=timezone.now())
            ),
        )
        .order_by("-starts_at", "-pk")
    )


@dataclass(frozen=True)
class Progress:
    """A notice's units by state, and the retries due now."""

    total: int
    by_state: dict[str, int]
    retry_due: int

    @property
    def confirmed(self) -> int:
        """Units confirmed."""
        return self.by_state.get(State.CONFIRMED, 0)

    @property
    def notified(self) -> int:
        """Units told, not yet confirmed."""
        return self.by_state.get(State.NOTIFIED, 0)

    @property
    def unreached(self) -> int:
        """Units not reached yet (failed ones apart)."""
        return sum(self.by_state.get(s, 0) for s in UNREACHED if s != State.FAILED)

    @property
    def failed(self) -> int:
        """Units that cannot be notified."""
        return self.by_state.get(State.FAILED, 0)

    @property
    def percent(self) -> int:
        """Confirmed, in percent."""
        return round(100 * self.confirmed / self.total) if self.total else 0


def progress(notice: Notice, now: dt.datetime | None = None) -> Progress:
    """Counts by state for the live view (one grouped query and one count)."""
    now = now or timezone.now()
    rows = Recipient.objects.filter(notice=notice)
    counts = Counter(dict(rows.values("state").annotate(n=Count("pk")).values_list("state", "n")))
    due = rows.filter(state__in=RETRYING, retry_at__lte=now).count()
    return Progress(total=sum(counts.values()), by_state=dict(counts), retry_due=due)


def sheet(user: User, notice: Notice) -> list[Recipient]:
    """The calling sheet: every unit on the notice (a liaison: their own only), its phones, its last call."""
    rows = notice.recipients.select_related("unit", "held_by")
    if not can(user, "notices.manage"):
        rows = rows.filter(unit_id=user.unit_id or 0)
    contacts = Contact.objects.order_by("sort_order", "name")
    attempts = Attempt.objects.select_related("by").order_by("at", "pk")
    return list(
        rows.prefetch_related(Prefetch("unit__contacts", queryset=contacts), Prefetch("attempts", queryset=attempts))
    )


def last_attempt(recipient: Recipient) -> Attempt | None:
    """The unit's latest call (its attempts prefetched in order by `sheet`)."""
    attempts = list(recipient.attempts.all())
    return attempts[-1] if attempts else None


def attempts_of(recipient: Recipient) -> QuerySet[Attempt]:
    """A unit's calls, oldest first, with their callers."""
    return recipient.attempts.select_related("by").order_by("at", "pk")


def changes_of(notice: Notice) -> QuerySet[Change]:
    """A notice's changes of time or place, by version."""
    return notice.changes.select_related("by").order_by("version")


def sheet_table(notice: Notice) -> list[list[object]]:
    """The 通知落实表's rows: each unit, its state, tries, last call, caller, who answered, errors, note."""
    rows: list[list[object]] = []
    for r in notice.recipients.select_related("unit").prefetch_related(
        Prefetch("attempts", queryset=Attempt.objects.select_related("by").order_by("at", "pk"))
    ):
        attempts = list(r.attempts.all())
        last = attempts[-1] if attempts else None
        errors = sum(a.errors for a in attempts)
        rows.append(
            [
                r.unit.name,
                r.get_state_display(),
                r.tries,
                day_time(r.last_at) if r.last_at else "",
                last.by.full_name if last else "",
                last.taken_by if last else "",
                f"{errors} 处" if errors else "",
                last.note if last else "",
            ]
        )
    return rows


def recipient_for(user: User, notice: Notice, pk: object) -> Recipient:
    """One unit of a notice the user may act on (staff: any; a liaison: their own unit's) — 404 otherwise."""
    rows = notice.recipients.select_related("unit", "notice", "held_by")
    if not can(user, "notices.manage"):
        rows = rows.filter(unit_id=user.unit_id if user.unit_id else 0)
    return get_visible_or_404(rows, pk)


def numbers_of(unit: Unit) -> list[tuple[str, str]]:
    """The unit's numbers to dial, the office line first: (label, number)."""
    found = [("单位电话", unit.phone)] if unit.phone else []
    for contact in unit.contacts.all():
        if contact.office_phone:
            found.append((f"{contact.name}（{contact.title or '办公电话'}）", contact.office_phone))
        if contact.mobile:
            found.append((f"{contact.name}（手机）", contact.mobile))
    seen: set[str] = set()
    unique = []
    for label, number in found:  # one line per number, the first label it came with
        if phone_key(number) not in seen:
            seen.add(phone_key(number))
            unique.append((label, number))
    return unique


def scopes() -> QuerySet[Scope]:
    """The office's saved sets of units (常用通知范围)."""
    return Scope.objects.prefetch_related("units")


def units_of_kind(kind: str) -> QuerySet[Unit]:
    """Every active unit of one kind (all townships, all departments)."""
    return Unit.objects.filter(is_active=True, kind=kind).order_by("sort_order", "name")


@dataclass(frozen=True)
class NoticeFigures:
    """What a notice's calling came to: how long to confirm everyone, retries, read-back errors caught."""

    units: int
    confirmed: int
    minutes_to_all: int | None  # from the notice to the last confirmation, when everyone confirmed
    retried: int  # units that needed more than one call
    errors: int  # facts read back wrong, caught on the phone
    fixed: int  # of those, corrected and read back right
    errors_units: Sequence[str]


def notice_figures(notice: Notice) -> NoticeFigures:
    """One notice's figures (its rows only)."""
    rows = list(notice.recipients.select_related("unit").prefetch_related("attempts"))
    confirmed = [r for r in rows if r.state == State.CONFIRMED and r.confirmed_at]
    minutes = None
    if rows and len(confirmed) == len(rows):
        last = max(r.confirmed_at for r in confirmed if r.confirmed_at)
        minutes = int((last - notice.created_at).total_seconds() // 60)
    errors = [(r.unit.name, a.errors) for r in rows for a in r.attempts.all() if a.errors]
    fixed = sum(
        1
        for r in rows
        for a in r.attempts.all()
        for said in a.readback.values()
        if not said.get("right") and said.get("fixed")
    )
    return NoticeFigures(
        units=len(rows),
        confirmed=len(confirmed),
        minutes_to_all=minutes,
        retried=sum(1 for r in rows if r.tries > 1),
        errors=sum(n for _, n in errors),
        fixed=fixed,
        errors_units=list(dict.fromkeys(name for name, _ in errors)),
    )


# Incoming calls ----------------------------------------------------------------------------------------


def unit_of_number(number: str) -> tuple[Unit, str] | None:
    """The directory's unit (and the person, when it is theirs) whose number this is, however it is written."""
    key = phone_key(number)
    if not key:
        return None
    for unit in Unit.objects.filter(is_active=True).exclude(phone=""):
        if key in phone_keys(unit.phone):
            return unit, ""
    for contact in Contact.objects.select_related("unit").filter(unit__is_active=True):
        if key in phone_keys(contact.office_phone) + phone_keys(contact.mobile):
            return contact.unit, contact.name
    return None


def calls_for(user: User) -> QuerySet[Call]:
    """The incoming calls `user` may see: office staff all of them; nobody else any.

    A call that became a petition carries a petitioner's name, number and matter: only those who see
    petitioners (petition staff, the director) see it; the rest of the office does not.
    """
    if not can(user, "calls.view"):
        return Call.objects.none()
    if user.has_role(Role.PETITION_OFFICER, Role.DIRECTOR):
        return Call.objects.all()
    return Call.objects.filter(petition__isnull=True)


def call_for(user: User, pk: object) -> Call:
    """One call the user may see (404 otherwise)."""
    return get_visible_or_404(
        calls_for(user).select_related("unit", "handler", "instructed_by", "matter", "petition"), pk
    )


def call_list(user: User) -> QuerySet[Call]:
    """Calls, newest first (an index)."""
    return calls_for(user).select_related("unit", "handler").order_by("-at", "-pk")


def earlier_calls(user: User, number: str, *, limit: int = 5) -> list[Call]:
    """A caller's earlier calls, as soon as their number is typed (by the number's key, an index)."""
    key = phone_key(number)
    if not key:
        return []
    return list(calls_for(user).filter(number_key=key).select_related("unit").order_by("-at")[:limit])


@dataclass
class CallFigureRow:
    """One unit's (or kind's) incoming calls in a period, and their callbacks."""

    key: str
    calls: int = 0
    callbacks: int = 0  # calls that owed a callback
    on_time: int = 0  # of those, called back by the time owed

    @property
    def on_time_rate(self) -> float | None:
        """回电按时率."""
        return self.on_time / self.callbacks if self.callbacks else None


CALL_DIMENSIONS = {"unit": ("来电单位", "unit__name"), "topic": ("类别", "topic")}


def call_figures(user: User, *, start: dt.datetime, end: dt.datetime, by: str = "unit") -> list[CallFigureRow]:
    """Calls received in [start, end) by unit or by kind: one grouped query over the period's rows."""
    label_field = CALL_DIMENSIONS.get(by, CALL_DIMENSIONS["unit"])[1]
    rows = (
        calls_for(user)
        .filter(at__gte=start, at__lt=end)
        .values(label_field)
        .annotate(
            n=Count("pk"),
            owed=Count(
                "pk",
                filter=Q(callback_due__lt=timezone.now()) | Q(called_back_at__isnull=False, callback_due__isnull=False),
            ),
            kept=Count("pk", filter=Q(callback_due__isnull=False, called_back_at__lte=F("callback_due"))),
        )
        .order_by("-n", label_field)
    )
    names = dict(CallTopic.choices) if by == "topic" else {}
    return [
        CallFigureRow(
            key=str(names.get(r[label_field], r[label_field]) or "外单位或个人"),
            calls=r["n"],
            callbacks=r["owed"],
            on_time=r["kept"],
        )
        for r in rows
    ]
