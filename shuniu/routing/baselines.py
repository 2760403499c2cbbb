"""The baselines of ROUTING.md, replayed as an office would live them: B0 (paper) and B1 (the essay's rules).

Both share the desk model: a copy lies on a leader's desk; a leader at a free moment inside a window
reads the first document on the desk that fits in what is left of the window, or waits for the next
window. B0 sends one copy through the readers in rank order (as the order constraints allow) and
leaves it on an absent leader's desk; B1 orders desks by urgency then arrival, sends urgent
documents as several copies, and sends each copy on to an eligible reader who is in when it arrives.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from shuniu.routing.calendar import Windows
from shuniu.routing.model import Document, DocumentPlan, Plan, RoutingError, Scenario, Visit

URGENCY_ORDER = {"特急": 0, "加急": 1, "平件": 2}
# Events at the same minute: readings end first (freeing leaders and copies), then copies arrive on
# desks, then documents arrive or copies come off the copier, then leaders look at their desks.
READ_END, DESK_ARRIVAL, DOC_ARRIVAL, COPY_READY, WAKE = range(5)


@dataclass(eq=False)
class _Copy:
    doc: _Doc
    index: int
    route: list[str] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)


@dataclass(eq=False)
class _Doc:
    doc: Document
    minutes: dict[str, int]
    preds: dict[str, tuple[str, ...]]
    unassigned: set[str]
    finished: dict[str, int] = field(default_factory=dict)
    copies: list[_Copy] = field(default_factory=list)
    waiting: list[_Copy] = field(default_factory=list)


@dataclass(frozen=True)
class _Event:
    leader: str
    copy: _Copy | None
    doc: Document | None


def rank_order(doc: Document, rank: dict[str, int]) -> list[str]:
    """Readers in rank order, adjusted only as the order constraints require (Kahn, lowest rank first)."""
    indegree = dict.fromkeys(doc.readers, 0)
    successors: dict[str, list[str]] = {r: [] for r in doc.readers}
    for a, b in doc.before:
        indegree[b] += 1
        successors[a].append(b)
    ready = [(rank[r], r) for r in doc.readers if indegree[r] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, reader = heapq.heappop(ready)
        order.append(reader)
        for nxt in successors[reader]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                heapq.heappush(ready, (rank[nxt], nxt))
    return order


class DeskSimulation:
    def __init__(self, scenario: Scenario, policy: str) -> None:
        if policy not in ("B0", "B1"):
            raise RoutingError(f"unknown baseline policy {policy!r}")
        self.scenario = scenario
        self.policy = policy
        self.rank = {leader.id: leader.rank for leader in scenario.leaders}
        self.windows = {leader.id: Windows(leader.windows) for leader in scenario.leaders}
        self.desks: dict[str, list[tuple[tuple[int, ...], _Copy]]] = {lid: [] for lid in self.rank}
        self.busy_until = dict.fromkeys(self.rank, -1)
        self.wakes: set[tuple[int, str]] = set()
        self.events: list[tuple[int, int, int, _Event]] = []
        self.seq = 0
        self.docs: list[_Doc] = []

    def push(
        self, time: int, kind: int, *, leader: str = "", copy: _Copy | None = None, doc: Document | None = None
    ) -> None:
        self.seq += 1
        heapq.heappush(self.events, (time, kind, self.seq, _Event(leader, copy, doc)))

    def run(self) -> Plan:
        for doc in self.scenario.documents:
            self.push(doc.arrival, DOC_ARRIVAL, doc=doc)
        while self.events:
            time, kind, _, event = heapq.heappop(self.events)
            if kind == DOC_ARRIVAL and event.doc is not None:
                self.arrive(event.doc, time)
            elif kind == COPY_READY and event.copy is not None:
                self.dispatch(event.copy, time)
            elif kind == DESK_ARRIVAL and event.copy is not None:
                self.place(event.leader, event.copy, time)
                self.try_start(event.leader, time)
            elif kind == READ_END and event.copy is not None:
                copy = event.copy
                copy.doc.finished[event.leader] = time
                self.busy_until[event.leader] = -1
                self.dispatch(copy, time)
                waiting, copy.doc.waiting = copy.doc.waiting, []
                for other in waiting:
                    self.dispatch(other, time)
                self.try_start(event.leader, time)
            elif kind == WAKE:
                self.wakes.discard((time, event.leader))
                self.try_start(event.leader, time)
        return self.result()

    def arrive(self, doc: Document, time: int) -> None:
        state = _Doc(doc, doc.minutes, doc.preds, set(doc.readers))
        self.docs.append(state)
        urgent_copies = min(doc.max_copies, len(doc.readers)) if doc.urgent else 1
        copies = 1 if self.policy == "B0" else urgent_copies
        for k in range(copies):
            copy = _Copy(state, k)
            if self.policy == "B0":
                copy.route = rank_order(doc, self.rank)
            state.copies.append(copy)
            self.push(time + k * self.scenario.copy_minutes, COPY_READY, copy=copy)

    def dispatch(self, copy: _Copy, time: int) -> None:
        """The copy leaves a desk (or the office) at `time`: send it to its next reader, if any."""
        doc = copy.doc
        arrive = time + self.scenario.handoff
        if self.policy == "B0":
            if copy.route:
                reader = copy.route.pop(0)
                doc.unassigned.discard(reader)
                self.push(arrive, DESK_ARRIVAL, leader=reader, copy=copy)
            return
        eligible = [r for r in doc.unassigned if all(p in doc.finished for p in doc.preds[r])]
        if not eligible:
            if doc.unassigned:
                doc.waiting.append(copy)
            return
        present = [r for r in eligible if self.windows[r].containing(arrive) is not None]
        if present:
            reader = min(present, key=lambda r: (self.rank[r], r))
        else:
            starts = {r: self.windows[r].next_start(arrive) for r in eligible}
            reachable = [r for r in eligible if starts[r] is not None]
            if not reachable:
                raise RoutingError(f"document {doc.doc.id}: leader {min(eligible)} has no window left in the horizon")
            reader = min(reachable, key=lambda r: (starts[r], self.rank[r], r))
        doc.unassigned.discard(reader)
        self.push(arrive, DESK_ARRIVAL, leader=reader, copy=copy)

    def place(self, leader: str, copy: _Copy, time: int) -> None:
        if self.policy == "B0":
            key: tuple[int, ...] = (time, self.seq)
        else:
            key = (URGENCY_ORDER[copy.doc.doc.urgency], copy.doc.doc.arrival, time, self.seq)
        self.desks[leader].append((key, copy))
        self.desks[leader].sort(key=lambda item: item[0])

    def try_start(self, leader: str, time: int) -> None:
        if self.busy_until[leader] > time or not self.desks[leader]:
            return
        window = self.windows[leader].containing(time)
        if window is None:
            wake = self.windows[leader].next_start(time)
        else:
            left = window[1] - time
            desk = self.desks[leader]
            for i, (_, copy) in enumerate(desk):
                minutes = copy.doc.minutes[leader]
                if minutes <= left:
                    del desk[i]
                    copy.visits.append(Visit(leader, time, time + minutes))
                    self.busy_until[leader] = time + minutes
                    self.push(time + minutes, READ_END, leader=leader, copy=copy)
                    return
            wake = self.windows[leader].next_start(window[1])
        if wake is not None and (wake, leader) not in self.wakes:
            self.wakes.add((wake, leader))
            self.push(wake, WAKE, leader=leader)

    def result(self) -> Plan:
        for leader, desk in self.desks.items():
            if desk:
                _, copy = desk[0]
                raise RoutingError(
                    f"document {copy.doc.doc.id}: leader {leader} has no window left in the horizon "
                    f"for a {copy.doc.minutes[leader]}-minute reading"
                )
        plans = []
        for state in self.docs:
            copies = tuple(tuple(c.visits) for c in state.copies if c.visits)
            plans.append(DocumentPlan(state.doc.id, copies))
        plans.sort(key=lambda p: p.id)
        return Plan(tuple(plans), policy=self.policy)


def simulate_baseline(scenario: Scenario, policy: str) -> Plan:
    return DeskSimulation(scenario, policy).run()
