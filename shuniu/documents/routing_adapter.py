"""The one place where circulation asks "where does this copy go next?" — answered by the planner.

This module converts the documents in circulation (signed readings, copies on desks or on their way)
and the leaders' availability (the schedules module) into `shuniu.routing` types, asks the routing
engine's planner for the best continuation from now, stores each copy's planned route and each
document's predicted completion, and answers with the next reader of a copy. Nothing else in the app
knows the engine's types. A copy leaving a desk follows its stored route; the worker replans after
every change that moved a copy (outside the write's transaction, so no write waits for planning) and
every few minutes, which also picks up schedule changes. A write plans itself (once) only when the
stored routes cannot answer: a newly approved document, a route run out while readers wait.

Should the engine fail (say, a reader with no office time left in the horizon), the answer falls back
to rule B1 of ROUTING.md, the essay's rules by hand, so the office never stalls.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from shuniu.core.models import User
from shuniu.core.workcal import CalendarNotCovered, WorkingCalendar
from shuniu.documents.models import Copy, CopyState, Document, Reading, Status, Urgency
from shuniu.routing.live import LiveCopy, LiveDocument, LivePlan, plan_live
from shuniu.routing.model import Document as RoutingDocument
from shuniu.routing.model import Leader, RoutingError
from shuniu.schedules.selectors import availability

log = logging.getLogger("shuniu.routing")
HANDOFF = dt.timedelta(minutes=10)
HORIZON = dt.timedelta(days=21)
LATER = dt.timedelta(minutes=30)
URGENCY_LABEL = {Urgency.FLASH: "特急", Urgency.URGENT: "加急", Urgency.NORMAL: "平件"}


def read_minutes(document: Document) -> int:
    """How long a leader needs for the document: a few minutes plus two a page, at most an hour."""
    return max(5, min(60, 3 + 2 * document.pages))


def copies_to_make(document: Document, copies_allowed: int, readers: int) -> int:
    """The planner sends every document as all the copies allowed, up to one per reader."""
    return max(1, min(copies_allowed, readers))


def _minute(moment: dt.datetime) -> int:
    return int(moment.timestamp() // 60)


def _moment(minute: int) -> dt.datetime:
    return timezone.localtime(dt.datetime.fromtimestamp(minute * 60, tz=dt.UTC))


def _windows(
    leader: User, start: dt.datetime, end: dt.datetime, calendar: WorkingCalendar
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The leader's availability; near a year whose holidays nobody has entered yet, up to its start.

    Circulation must not stop in late December because next year's schedule is not published: the
    plan then simply does not look past 31 December (the admin's workbench asks for the new year).
    """
    try:
        return availability(leader, start, end, calendar=calendar)
    except CalendarNotCovered as exc:
        year_start = dt.datetime(exc.year, 1, 1, tzinfo=timezone.get_current_timezone())
        if year_start <= start:
            return []
        return availability(leader, start, year_start, calendar=calendar)


def next_available(leader: User, start: dt.datetime, calendar: WorkingCalendar) -> dt.datetime | None:
    """When the leader can next read, from `start` (None: not within the planning horizon)."""
    windows = _windows(leader, start, start + HORIZON, calendar)
    return max(windows[0][0], start) if windows else None


@dataclass(frozen=True)
class Redirection:
    """A copy on its way to a reader who is away, and the waiting reading it could go to instead."""

    copy: int
    away: int  # the reader it was going to
    reading: int  # the reading it goes to instead
    to: int  # that reading's reader


def redirections(now: dt.datetime, leaders: Collection[int] | None = None) -> list[Redirection]:
    """Copies on their way (待送) to a leader who is away while another reader is there sooner (rule 3).

    Read and planned outside any write: the caller carries the copies elsewhere in a short transaction
    that checks nothing moved meanwhile. A reader back within half an hour keeps the copy, and so does
    one whose next office time is no more than half an hour after the other's (no shuffling at night,
    when everyone is out until the morning); so does a reader whose desk someone keeps (委托).
    `leaders`: only copies on their way to these (None: to anyone).
    """
    from shuniu.documents.selectors import delegated_desks

    going = Copy.objects.filter(
        state=CopyState.TO_DELIVER, document__status=Status.CIRCULATING, destination__isnull=False
    )
    if leaders is not None:
        going = going.filter(destination__in=leaders)
    copies = list(going.exclude(destination__in=delegated_desks(now)).select_related("document", "destination"))
    if not copies:
        return []
    calendar = WorkingCalendar.load()
    free: dict[int, dt.datetime | None] = {}

    def next_free(leader: User) -> dt.datetime | None:
        if leader.pk not in free:
            free[leader.pk] = next_available(leader, now + HANDOFF, calendar)
        return free[leader.pk]

    away_now = []
    for copy in sorted(copies, key=lambda c: c.pk):
        there = next_free(copy.destination) if copy.destination is not None else None
        if there is None or there > now + LATER:
            away_now.append((copy, there))
    if not away_now:
        return []
    # One what-if plan with these copies free: the stored routes count on them reaching their absent readers.
    planning = Planning(now, freeing=[c.pk for c, _ in away_now])
    found = []
    taken: set[int] = set()
    for copy, there in away_now:
        away = copy.destination
        if away is None:
            continue
        instead = next_destination(copy, now, planning=planning, skip={away.pk}, fresh=True)
        if instead is None or instead.pk in taken:
            continue
        sooner = next_free(instead.leader)
        if sooner is None or (there is not None and there <= sooner + LATER):
            continue
        taken.add(instead.pk)
        found.append(Redirection(copy.pk, away.pk, instead.pk, instead.leader_id))
    return found


def _circulating() -> list[Document]:
    return list(
        Document.objects.filter(status=Status.CIRCULATING)
        .prefetch_related(
            Prefetch(
                "readings", queryset=Reading.objects.select_related("leader__leader_profile").order_by("position")
            ),
            Prefetch("copies", queryset=Copy.objects.order_by("number")),
            "order_constraints",
        )
        .order_by("pk")
    )


def _snapshot(
    documents: list[Document], now: dt.datetime, free: Collection[int] = ()
) -> tuple[tuple[Leader, ...], list[LiveDocument]]:
    calendar = WorkingCalendar.load()
    people: dict[int, User] = {}
    for document in documents:
        for reading in document.readings.all():
            people[reading.leader_id] = reading.leader
    leaders = tuple(
        Leader(
            str(pk),
            person.full_name,
            getattr(getattr(person, "leader_profile", None), "rank", 10_000),
            tuple((_minute(a), _minute(b)) for a, b in _windows(person, now, now + HORIZON, calendar)),
        )
        for pk, person in sorted(people.items())
    )
    lives = []
    for document in documents:
        readings = list(document.readings.all())
        minutes = read_minutes(document)
        due = document.deadline or document.received_at + dt.timedelta(days=5)
        engine_doc = RoutingDocument(
            str(document.pk),
            _minute(document.received_at),
            URGENCY_LABEL[Urgency(document.urgency)],
            _minute(due),
            tuple(str(r.leader_id) for r in readings),
            tuple((str(r.leader_id), minutes) for r in readings),
            tuple((str(o.first_id), str(o.then_id)) for o in document.order_constraints.all()),
            max(1, len(document.copies.all())),
        )
        signed = tuple((str(r.leader_id), _minute(r.signed_at)) for r in readings if r.signed_at)
        unsigned = {r.leader_id for r in readings if r.signed_at is None}
        copies = []
        for copy in document.copies.all():
            if copy.pk not in free and copy.state == CopyState.ON_DESK and copy.holder_id in unsigned:
                copies.append(LiveCopy(str(copy.holder_id), max(_minute(copy.since), _minute(now))))
            elif copy.pk not in free and copy.state == CopyState.TO_DELIVER and copy.destination_id in unsigned:
                copies.append(LiveCopy(str(copy.destination_id), max(_minute(copy.since + HANDOFF), _minute(now))))
            else:
                copies.append(LiveCopy())
        if not copies:
            copies.append(LiveCopy())
        lives.append(LiveDocument(engine_doc, signed, tuple(copies)))
    return leaders, lives


def replan(
    now: dt.datetime | None = None, *, free: Collection[int] = (), only_copies: Collection[int] | None = None
) -> LivePlan | None:
    """Plan every document in circulation from now; store routes and predicted completions.

    Called by the worker after every change (`replan_after_commit`) and every few minutes, outside
    any write transaction: reading the office's state and planning take no lock; only the short
    bulk update at the end writes (rows in primary-key order, as every writer of several copies).
    A service calls it (through `Planning`) only when a copy's stored route cannot answer, with
    ``only_copies`` the copies it holds (the one it moves; every copy of a document it approves): only
    their routes are written, and every other stored route and prediction is left to the worker, so
    a business transaction never waits for a copy another write holds.
    """
    now = now or timezone.now()
    documents = _circulating()
    if not documents:
        return LivePlan({})
    leaders, lives = _snapshot(documents, now, set(free))
    try:
        plan = plan_live(leaders, lives, _minute(now), int(HANDOFF.total_seconds() // 60))
    except RoutingError as exc:
        log.warning("路线规划失败，按 B1 规则传阅：%s", exc)
        return None
    changed_copies = []
    changed_documents = []
    for document in documents:
        routes = plan.routes.get(str(document.pk), ())
        for copy, route in zip(document.copies.all(), routes, strict=False):
            if only_copies is not None and copy.pk not in only_copies:
                continue
            copy.route = [
                {"leader": int(v.leader), "start": _moment(v.start).isoformat(), "end": _moment(v.end).isoformat()}
                for v in route
            ]
            changed_copies.append(copy)
        if only_copies is None or {c.pk for c in document.copies.all()} <= set(only_copies):  # approval holds all
            done = plan.done(str(document.pk))
            document.predicted_done = _moment(done) if done is not None else None
            changed_documents.append(document)
    with transaction.atomic():
        Copy.objects.bulk_update(sorted(changed_copies, key=lambda c: c.pk), ["route"])
        Document.objects.bulk_update(sorted(changed_documents, key=lambda d: d.pk), ["predicted_done"])
    return plan


def _queue_replan() -> None:
    """Ask the worker to replan. A queue that cannot be reached (Redis stopped) costs nothing but time:
    the write has committed, and the worker's five-minute refresh replans anyway once it is back."""
    from shuniu.documents.tasks import replan_circulation

    try:
        replan_circulation(time.time())
    except Exception:  # the office's work must not fail on the queue
        log.warning("无法把重新规划交给后台（队列不可用）；后台恢复后的定时刷新会补上。", exc_info=True)


class Planning:
    """What one service call knows of the plan: the stored routes, and at most one fresh plan.

    A copy leaving a desk goes on along its stored route; only when that route cannot answer (a new
    copy, a route run out while readers wait for a copy still in the office) does the call plan — once, whatever number
    of copies it moves.
    """

    def __init__(self, now: dt.datetime, *, holding: Collection[int] = (), freeing: Collection[int] = ()) -> None:
        self.now = now
        self.holding = set(holding)  # copies the call has locked or made: the only routes it may write
        self.freeing = set(freeing)  # copies on their way the call may send elsewhere: planned as free
        self.planned = False
        self._plan: LivePlan | None = None
        self._queued = False

    def replan_after_commit(self) -> None:
        """Bring the stored plan up to date once the call's transaction has committed (in the worker).

        Called for every copy the service moves; queued once per call.
        """
        if not self._queued:
            transaction.on_commit(_queue_replan)
            self._queued = True

    def plan(self, free_copy: int) -> LivePlan | None:
        if not self.planned:
            # A plan that frees copies on their way is a what-if (where could they go instead?): it writes
            # no route, and the caller replans once it has moved them.
            only = set() if self.freeing else {free_copy, *self.holding}
            self._plan = replan(self.now, free={free_copy, *self.freeing}, only_copies=only)
            self.planned = True
        return self._plan


def _unassigned(document: Document) -> dict[int, Reading]:
    return {
        r.leader_id: r
        for r in document.readings.select_related("leader__leader_profile")
        if r.signed_at is None and r.copy_id is None
    }


def _along(route: Iterable[int], open_readings: dict[int, Reading], eligible: set[int]) -> tuple[bool, Reading | None]:
    """The first open reading on `route`: (True, it) if its reader may read now, (True, None) to wait
    for their predecessors in the office, (False, None) if the route holds no open reading."""
    for leader in route:
        reading = open_readings.get(leader)
        if reading is not None:
            return True, (reading if leader in eligible else None)
    return False, None


def next_destination(
    copy: Copy, now: dt.datetime, *, planning: Planning, skip: set[int] | None = None, fresh: bool = False
) -> Reading | None:
    """The reading this copy (leaving a desk or the office at `now`) should go to, or None to wait.

    Answered from the copy's stored route where it can be; otherwise (or `fresh`: the stored routes
    were planned around a reader who is no longer there) from one fresh plan per call.
    """
    open_readings = {k: v for k, v in _unassigned(copy.document).items() if not skip or k not in skip}
    if not open_readings:
        return None
    eligible = {r.leader_id for r in eligible_readers(copy.document)}
    if not planning.planned and not fresh:
        found, reading = _along((visit["leader"] for visit in copy.route or ()), open_readings, eligible)
        if found:
            return reading
        out = copy.document.copies.exclude(pk=copy.pk).filter(state__in=(CopyState.ON_DESK, CopyState.TO_DELIVER))
        claimed = {visit["leader"] for other in out for visit in other.route or ()}
        if set(open_readings) <= claimed:
            return None  # every reader left is on the way of a copy already out of the office
    plan = planning.plan(copy.pk)
    if plan is None:
        return _b1_next(copy.document, now, skip=skip)
    numbers = list(copy.document.copies.order_by("number").values_list("pk", flat=True))
    routes = plan.routes.get(str(copy.document_id), ())
    index = numbers.index(copy.pk)
    route = routes[index] if index < len(routes) else ()
    return _along((int(visit.leader) for visit in route), open_readings, eligible)[1]


def planned_start(copy: Copy) -> dt.datetime | None:
    """When the copy's next planned reading starts (for the delivery list's runs)."""
    if copy.route:
        return dt.datetime.fromisoformat(copy.route[0]["start"])
    return None


def is_for_later(copy: Copy, now: dt.datetime) -> tuple[bool, dt.datetime | None]:
    start = planned_start(copy)
    return (start is not None and start > now + LATER), start


# Rule B1 by hand: the fallback when the engine cannot plan.
def _rank(leader: User) -> int:
    profile = getattr(leader, "leader_profile", None)
    return profile.rank if profile is not None else 10_000


def eligible_readers(document: Document) -> list[Reading]:
    readings = list(document.readings.select_related("leader__leader_profile"))
    signed = {r.leader_id for r in readings if r.signed_at is not None}
    preds: dict[int, set[int]] = {}
    for first_id, then_id in document.order_constraints.values_list("first_id", "then_id"):
        preds.setdefault(then_id, set()).add(first_id)
    return [
        r for r in readings if r.signed_at is None and r.copy_id is None and preds.get(r.leader_id, set()) <= signed
    ]


def _b1_next(document: Document, now: dt.datetime, *, skip: set[int] | None = None) -> Reading | None:
    candidates = [r for r in eligible_readers(document) if not skip or r.leader_id not in skip]
    if not candidates:
        return None
    arrive = now + HANDOFF
    calendar = WorkingCalendar.load()

    def soonest(reading: Reading) -> tuple[dt.datetime, int, int]:
        windows = _windows(reading.leader, arrive, arrive + HORIZON, calendar)
        start = windows[0][0] if windows else arrive + HORIZON
        return max(start, arrive), _rank(reading.leader), reading.leader_id

    return min(candidates, key=soonest)


@dataclass(frozen=True)
class Forecast:
    """When a proposed document would finish circulating if approved now, one way of sending it."""

    label: str
    copies: int
    done: dt.datetime | None

    def late(self, deadline: dt.datetime | None) -> bool:
        return deadline is not None and (self.done is None or self.done > deadline)


def forecast(document: Document, copies: int, now: dt.datetime | None = None) -> list[Forecast]:
    """Before approving: the plan's completion as proposed, and with what might help.

    Plans the office's circulation with this document added as it is proposed (`copies` copies),
    then with one more copy (up to one per reader), then without the reading order; the director
    sees them side by side when the first is later than the document's 办理时限.
    """
    now = now or timezone.now()
    proposed = (
        Document.objects.filter(pk=document.pk)
        .prefetch_related(
            Prefetch(
                "readings", queryset=Reading.objects.select_related("leader__leader_profile").order_by("position")
            ),
            Prefetch("copies", queryset=Copy.objects.none()),
            "order_constraints",
        )
        .get()
    )
    readers = len(proposed.readings.all())
    if not readers:
        return []
    leaders, lives = _snapshot([*_circulating(), proposed], now)
    others, mine = lives[:-1], lives[-1].document
    copies = max(1, min(copies, readers))
    options = [("按当前拟办", copies, mine.before)]
    if copies < readers:
        options.append((f"增加到 {copies + 1} 份", copies + 1, mine.before))
    if mine.before:
        options.append(("不限定阅文先后", copies, ()))
    results = []
    for label, n, before in options:
        engine_doc = replace(mine, max_copies=n, before=before)
        live = LiveDocument(engine_doc, (), tuple(LiveCopy() for _ in range(n)))
        try:
            plan = plan_live(leaders, [*others, live], _minute(now), int(HANDOFF.total_seconds() // 60))
        except RoutingError:
            return []
        done = plan.done(engine_doc.id)
        results.append(Forecast(label, n, _moment(done) if done is not None else None))
    return results
