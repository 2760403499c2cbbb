"""The planner: every copy of every document planned against the leaders' free time, online.

The replay advances from one document arrival to the next. Readings whose start has passed are
fixed; everything else may be replanned. Documents are planned one at a time in priority order
(特急, 加急, 平件; then due time; then arrival), each placed into the free time the documents before it
left. A document's remaining readers are assigned to its copies by earliest finish, with a one-step
rollout (try each first move, complete greedily, keep the best) while the choice is small enough.

Reading times are known, so a plan carried out never surprises the planner: only an arrival is new
information, and only documents of lower priority than the newcomer need planning again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from shuniu.routing.model import Document, DocumentPlan, Plan, RoutingError, Scenario, Visit
from shuniu.routing.timeline import FreeTime

URGENCY_ORDER = {"特急": 0, "加急": 1, "平件": 2}
ROLLOUT_LIMIT = 7  # remaining readers up to which the one-step rollout is used


@dataclass(eq=False)
class _State:
    doc: Document
    copies: int
    preds: dict[str, tuple[str, ...]]
    fixed: list[list[Visit]]
    planned: list[list[Visit]] = field(default_factory=list)
    alone: int = 0  # the earliest finish with the leaders' time as it was on arrival
    promoted: bool = False  # an urgent document that would miss its due time otherwise

    @property
    def key(self) -> tuple[int, int, int, int, str]:
        d = self.doc
        if self.promoted:
            return (0, d.due, self.alone, d.arrival, d.id)
        return (1, 0, self.alone, d.arrival, d.id)

    def fixed_readers(self) -> dict[str, Visit]:
        return {v.leader: v for copy in self.fixed for v in copy}


def plan_document(
    state: _State,
    free: dict[str, FreeTime],
    now: int,
    handoff: int,
    copy_minutes: int,
) -> list[list[Visit]]:
    """Assign the document's unfixed readers to copies and times; returns the new visits per copy."""
    doc = state.doc
    minutes = doc.minutes
    done = state.fixed_readers()
    ends: dict[str, int] = {r: v.end for r, v in done.items()}
    copy_free = []
    for k in range(state.copies):
        visits = state.fixed[k]
        ready = visits[-1].end + handoff if visits else doc.arrival + k * copy_minutes + handoff
        copy_free.append(max(ready, now))
    remaining = [r for r in doc.readers if r not in done]
    cache: dict[tuple[str, int], int | None] = {}

    def fit(reader: str, ready: int) -> int:
        key = (reader, ready)
        if key not in cache:
            cache[key] = free[reader].earliest(ready, minutes[reader])
        start = cache[key]
        if start is None:
            raise RoutingError(
                f"document {doc.id}: leader {reader} has no window left in the horizon "
                f"for a {minutes[reader]}-minute reading"
            )
        return start

    def moves(left: list[str], cf: list[int], en: dict[str, int]) -> list[tuple[int, int, str, int, int]]:
        options = []
        for reader in left:
            if any(p not in en for p in state.preds[reader]):
                continue
            after = max((en[p] for p in state.preds[reader]), default=0)
            seen_ready: set[int] = set()
            for k, ready_k in enumerate(cf):
                ready = max(ready_k, after)
                if ready in seen_ready:
                    continue
                seen_ready.add(ready)
                start = fit(reader, ready)
                options.append((start + minutes[reader], start, reader, k, ready_k))
        options.sort(key=lambda o: (o[0], o[1], o[2], o[3]))
        return options

    def greedy(left: list[str], cf: list[int], en: dict[str, int]) -> tuple[int, int]:
        left, cf, en = list(left), list(cf), dict(en)
        while left:
            end, _, reader, k, _ = moves(left, cf, en)[0]
            en[reader] = end
            cf[k] = end + handoff
            left.remove(reader)
        finish = max(en.values(), default=0)
        return finish, sum(en.values())

    plan: list[list[Visit]] = [[] for _ in range(state.copies)]
    while remaining:
        options = moves(remaining, copy_free, ends)
        if not options:
            raise RoutingError(f"document {doc.id}: order constraints leave no reader to visit")
        best = options[0]
        if len(remaining) > 1 and len(remaining) <= ROLLOUT_LIMIT:
            best_score = (math.inf, math.inf)
            for option in options:
                end, _, reader, k, _ = option
                cf = list(copy_free)
                cf[k] = end + handoff
                en = dict(ends)
                en[reader] = end
                score = greedy([r for r in remaining if r != reader], cf, en)
                if score < best_score:
                    best_score, best = score, option
        end, start, reader, k, _ = best
        plan[k].append(Visit(reader, start, end))
        ends[reader] = end
        copy_free[k] = end + handoff
        remaining.remove(reader)
    return plan


class OnlinePlanner:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.base = {leader.id: FreeTime(leader.windows) for leader in scenario.leaders}
        self.active: list[_State] = []
        self.finished: list[_State] = []

    def _new_state(self, doc: Document) -> _State:
        preds: dict[str, list[str]] = {r: [] for r in doc.readers}
        for a, b in doc.before:
            preds[b].append(a)
        copies = min(doc.max_copies, len(doc.readers))
        return _State(doc, copies, {r: tuple(p) for r, p in preds.items()}, [[] for _ in range(copies)])

    def advance(self, now: float) -> None:
        """Fix every planned reading that has started before `now`."""
        still: list[_State] = []
        for state in self.active:
            for k, visits in enumerate(state.planned):
                keep = []
                for visit in visits:
                    if visit.start < now:
                        state.fixed[k].append(visit)
                        self.base[visit.leader].reserve(visit.start, visit.end)
                    else:
                        keep.append(visit)
                state.planned[k] = keep
            if any(state.planned[k] for k in range(state.copies)) or len(state.fixed_readers()) < len(
                state.doc.readers
            ):
                still.append(state)
            else:
                self.finished.append(state)
        self.active = still
        if now != math.inf:
            for free in self.base.values():
                free.drop_before(int(now))

    def replan(self, now: int, newcomers: list[_State]) -> None:
        """Plan the newcomers and every document of lower priority than the first of them.

        Documents go in order of the earliest finish they could reach alone (the ones that can be
        done soonest first: least slack is wasted). An urgent document that would then miss its due
        time, though it could make it, is promoted ahead of the others for good, and the plan redone.
        """
        cut = min(state.key for state in newcomers)
        self.active.extend(newcomers)
        while True:
            self.active.sort(key=lambda s: s.key)
            free = {lid: ft.copy() for lid, ft in self.base.items()}
            for state in self.active:
                if state.key < cut:
                    plan = state.planned
                else:
                    plan = plan_document(state, free, now, self.scenario.handoff, self.scenario.copy_minutes)
                    state.planned = plan
                for visits in plan:
                    for visit in visits:
                        free[visit.leader].reserve(visit.start, visit.end)
            late = [
                s
                for s in self.active
                if s.doc.urgent
                and not s.promoted
                and s.alone <= s.doc.due
                and max((v.end for copy in s.fixed + s.planned for v in copy), default=0) > s.doc.due
            ]
            if not late:
                return
            for state in late:
                state.promoted = True
            cut = min(state.key for state in late)

    def run(self) -> Plan:
        docs = list(self.scenario.documents)
        i = 0
        while i < len(docs):
            now = docs[i].arrival
            batch = []
            while i < len(docs) and docs[i].arrival == now:
                batch.append(self._new_state(docs[i]))
                i += 1
            self.advance(now)
            for state in batch:
                alone = plan_document(state, self.base, now, self.scenario.handoff, self.scenario.copy_minutes)
                state.alone = max(v.end for copy in alone for v in copy)
            self.replan(now, batch)
        self.advance(math.inf)
        plans = []
        for state in self.finished:
            copies = tuple(tuple(copy) for copy in state.fixed if copy)
            plans.append(DocumentPlan(state.doc.id, copies))
        plans.sort(key=lambda p: p.id)
        return Plan(tuple(plans), policy="planner")


def simulate_planner(scenario: Scenario) -> Plan:
    return OnlinePlanner(scenario).run()
