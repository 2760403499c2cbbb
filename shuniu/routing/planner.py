"""The planner: every copy of every document planned against the leaders' free time, online.

The replay advances from one document arrival to the next. Readings whose start has passed are
fixed; everything else is planned again at each arrival, with only what is known by then.

Documents are placed one at a time, each into the free time the ones before it left; a document's
remaining readers are assigned to its copies by earliest finish, with a one-step rollout (try each
first move, complete greedily, keep the best) while the choice is small enough. What matters is the
order in which documents are placed:

1. urgent documents that would otherwise miss a due time they could make, by due time ("promoted";
   when the greedy placement still leaves one late, `exact.route_by` searches for an on-time route);
2. documents that were "boosted" (below);
3. the rest by an estimate of their finish: the finish they could reach alone, plus the longest
   delay that the queues at their readers will cause. Each leader's queue is estimated by the
   modified-due-date rule (at time t read the document with the smallest max(due, t + minutes),
   where due is when the document needs this reading to stay on its own schedule): shortest first
   among the documents that are already late, earliest due among the rest.

A document whose planned finish lies more than a day beyond what it could still reach if placed first
(typically: its last reader leaves on a trip, or the holidays begin, just before its turn) is tried
ahead of the others; the trial is kept when the sum of the planned finishes of all documents known
drops. Within a document, an order of its readers that would leave one of them no window is passed over;
a document for which every order tried does so in its turn is placed ahead of the others (`_plan_all`).
Reading times are known, so a plan carried out never surprises the planner: only an arrival is
new information. Each document remembers its recent placements and the free time each probed, so the
many documents an arrival does not touch are not placed again from scratch.

After the placement, each replan improves the plan by a search over the order of single readings
(`search.py`), within a budget counted in plans and readings (`SEARCH`, `search.DEFAULT` unless given).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from shuniu.routing.exact import Unknown, route_by
from shuniu.routing.model import Document, DocumentPlan, Plan, RoutingError, Scenario, Visit
from shuniu.routing.search import DEFAULT, Budget, improve
from shuniu.routing.timeline import FreeTime

ROLLOUT_LIMIT = 7  # remaining readers up to which the one-step rollout is used (and a dead-end order passed over)
BOOST_REGRET = 24 * 60  # minutes a document's planned finish may lie beyond its best before a trial
BOOST_TRIALS = 3  # trials at most per arrival
NEVER = 1 << 62
# placements remembered per document: placed first, in the plan in hand, in each trial
MEMOS = 2 + BOOST_TRIALS
PRUNE = True  # the rollout skips a first move that cannot beat the best so far (the same plan, sooner)
NO_WINDOW = -1  # plan_document's fit: the reader has no window left from there on
SEARCH = DEFAULT  # the improvement search per replan (search.py); search.NONE turns it off
CARRY = True  # a replan's search also starts from the list the last one kept


@dataclass(frozen=True)
class _Memo:
    """A plan_document call: its inputs, where it probed each reader's free time, what it saw there."""

    inputs: tuple[object, ...]
    probed: dict[str, tuple[int, int]]
    seen: dict[str, tuple[tuple[int, int], ...]]
    result: tuple[tuple[Visit, ...], ...]


@dataclass(eq=False)
class _State:
    doc: Document
    copies: int
    preds: dict[str, tuple[str, ...]]
    fixed: list[list[Visit]]
    planned: list[list[Visit]] = field(default_factory=list)
    alone: int = 0  # the earliest finish with the leaders' time as it was on arrival
    alone_starts: dict[str, int] = field(default_factory=dict)  # each reading's start in that plan
    reachable: bool = False  # an urgent document that could make its due time, alone, on arrival
    promoted: bool = False  # an urgent document that would miss its due time otherwise
    boosted: bool = False  # a document placed ahead of the others because that lowered the sum
    ahead: int = 0  # within one _plan_all: found no window even when boosted, so before the boosted (last found first)
    rejected_at: int = 0  # its planned finish when a boost was last tried and not kept
    memos: list[_Memo] = field(default_factory=list)  # the last MEMOS placements computed, the latest first

    def rank(self, delay: int) -> tuple[int, int, int, int, str]:
        d = self.doc
        if self.promoted:
            return (0, d.due, self.alone, d.arrival, d.id)
        if self.ahead:
            return (1, -self.ahead, self.alone, d.arrival, d.id)
        if self.boosted:
            return (1, 0, self.alone, d.arrival, d.id)
        return (2, 0, self.alone + delay, d.arrival, d.id)

    def copy_ready(self, now: int, handoff: int, copy_minutes: int) -> list[int]:
        """When each copy can begin its next reading."""
        ready = []
        for k, visits in enumerate(self.fixed):
            at = visits[-1].end + handoff if visits else self.doc.arrival + k * copy_minutes + handoff
            ready.append(max(at, now))
        return ready

    def fixed_readers(self) -> dict[str, Visit]:
        return {v.leader: v for copy in self.fixed for v in copy}

    def finish(self, planned: list[list[Visit]]) -> int:
        return max((v.end for copy in (*self.fixed, *planned) for v in copy), default=0)


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
    copy_free = state.copy_ready(now, handoff, copy_minutes)
    remaining = [r for r in doc.readers if r not in done]
    # The result depends only on these inputs and on the free time each reader had from `now` on
    # where it was probed: the same free time there gives the same plan, even at a later `now`
    # (the rollout is the expensive part, and most documents keep their plan from one arrival to
    # the next; a boost trial's placement or the one placed first does not push out the plan in hand).
    inputs = (tuple(t if t > now else None for t in copy_free), tuple(sorted(ends.items())))
    for memo in state.memos:
        if memo.inputs == inputs and all(
            free[r].between(max(lo, now), hi) == memo.seen[r] for r, (lo, hi) in memo.probed.items()
        ):
            return [list(visits) for visits in memo.result]
    preds = state.preds
    cache: dict[str, dict[int, int]] = {reader: {} for reader in remaining}  # per reader: ready → start
    probes: dict[str, list[int]] = {}
    about = {reader: (minutes[reader], cache[reader], preds[reader]) for reader in remaining}  # one lookup in the loops

    def fit(reader: str, ready: int) -> int:
        """The earliest start ≥ ready of this reader's reading, or NO_WINDOW; memoised, the span probed noted.

        Where no window was found, the span runs to the end of the horizon: the memo's plan then holds only
        while all of the reader's free time from `ready` on is as it was.
        """
        start = cache[reader].get(ready)
        if start is None:
            found = free[reader].earliest(ready, minutes[reader])
            start = cache[reader][ready] = NO_WINDOW if found is None else found
            end = NEVER if found is None else found + minutes[reader]
            span = probes.get(reader)
            if span is None:
                probes[reader] = [ready, end]
            else:
                if ready < span[0]:
                    span[0] = ready
                if end > span[1]:
                    span[1] = end
        return start

    def released(reader: str, en: dict[str, int]) -> int | None:
        """When the readers this one must follow are done (0 if none), or None while one of them is not."""
        after = 0
        for p in preds[reader]:
            end = en.get(p)
            if end is None:
                return None
            if end > after:
                after = end
        return after

    def moves(left: list[str], cf: list[int], en: dict[str, int]) -> list[tuple[int, int, str, int]]:
        """Every next visit (end, start, reader, copy), best first; one per distinct ready time."""
        options = []
        for reader in left:
            after = released(reader, en) if preds[reader] else 0
            if after is None:
                continue
            seen_ready: set[int] = set()
            for k, ready_k in enumerate(cf):
                ready = ready_k if ready_k > after else after
                if ready in seen_ready:
                    continue
                seen_ready.add(ready)
                start = fit(reader, ready)
                if start != NO_WINDOW:
                    options.append((start + minutes[reader], start, reader, k))
        options.sort()
        return options

    def greedy(left: list[str], cf: list[int], en: dict[str, int]) -> tuple[int, int]:
        """(finish, sum of ends) of the document completed by the visit that ends first, again and again.

        (NEVER, NEVER) if that leaves a reader no window. `left` is not empty; `left`, `cf` and `en` are
        changed (the rollout passes copies).
        """
        while len(left) > 1:
            best_end, best = NEVER, (0, "", 0)
            for reader in left:
                length, known, follows = about[reader]
                after = 0
                if follows:
                    released_at = released(reader, en)
                    if released_at is None:
                        continue
                    after = released_at
                for k, ready_k in enumerate(cf):
                    ready = ready_k if ready_k > after else after
                    start = known.get(ready)
                    if start is None:
                        start = fit(reader, ready)
                    if start == NO_WINDOW:
                        continue
                    end = start + length
                    if end < best_end or (end == best_end and (start, reader, k) < best):
                        best_end, best = end, (start, reader, k)
            if best_end == NEVER:
                return NEVER, NEVER
            _, reader, k = best
            en[reader] = best_end
            cf[k] = best_end + handoff
            left.remove(reader)
        return last(left[0], cf, en)

    def last(reader: str, cf: list[int], en: dict[str, int]) -> tuple[int, int]:
        """`greedy`'s last step (one reader left): the copy where it ends first, without the loop's bookkeeping."""
        length, known, follows = about[reader]
        after = released(reader, en) if follows else 0
        if after is None:
            return NEVER, NEVER
        best_end = NEVER
        for ready_k in cf:
            ready = ready_k if ready_k > after else after
            start = known.get(ready)
            if start is None:
                start = fit(reader, ready)
            if start != NO_WINDOW and start + length < best_end:
                best_end = start + length
        if best_end == NEVER:
            return NEVER, NEVER
        done_by = max(en.values(), default=0)
        return (best_end if best_end > done_by else done_by), sum(en.values()) + best_end

    def bound(left: list[str], cf: list[int], en: dict[str, int]) -> tuple[int, int]:
        """No more than `greedy`'s (finish, sum of ends): each reader left read at its earliest from the time
        the soonest copy is free, or once its predecessors are done if they all are.

        A copy's ready time only grows from there, a done predecessor's end does not change, and a later
        ready never gives an earlier start; (NEVER, NEVER) means `greedy` finds no window either. The free
        time is read through `fit`, so the probed spans cover what a move passed over depended on, and the
        memo's plan holds wherever it did.
        """
        first = min(cf)
        finish, total = max(en.values(), default=0), sum(en.values())
        for reader in left:
            length, known, follows = about[reader]
            ready = first
            if follows:
                after = released(reader, en)
                if after is not None and after > ready:
                    ready = after
            start = known.get(ready)
            if start is None:
                start = fit(reader, ready)
            if start == NO_WINDOW:
                return NEVER, NEVER
            end = start + length
            if end > finish:
                finish = end
            total += end
        return finish, total

    plan: list[list[Visit]] = [[] for _ in range(state.copies)]
    while remaining:
        options = moves(remaining, copy_free, ends)
        if not options:
            free_to_read = [r for r in remaining if released(r, ends) is not None]
            if free_to_read:
                reader = free_to_read[0]
                raise RoutingError(
                    f"document {doc.id}: leader {reader} has no window left in the horizon "
                    f"for a {minutes[reader]}-minute reading"
                )
            raise RoutingError(f"document {doc.id}: order constraints leave no reader to visit")
        best = options[0]
        if len(options) > 1 and 1 < len(remaining) <= ROLLOUT_LIMIT:
            best_score = (math.inf, math.inf)
            for option in options:
                end, _, reader, k = option
                if PRUNE and end > best_score[0]:
                    break  # this finish and every later option's is beyond the best so far
                cf = list(copy_free)
                cf[k] = end + handoff
                en = dict(ends)
                en[reader] = end
                left = [r for r in remaining if r != reader]
                if PRUNE and bound(left, cf, en) >= best_score:
                    continue
                score = greedy(left, cf, en)
                if score < best_score:
                    best_score, best = score, option
        end, start, reader, k = best
        plan[k].append(Visit(reader, start, end))
        ends[reader] = end
        copy_free[k] = end + handoff
        remaining.remove(reader)
    probed = {r: (lo, hi) for r, (lo, hi) in probes.items()}
    seen = {r: free[r].between(lo, hi) for r, (lo, hi) in probed.items()}
    state.memos = [_Memo(inputs, probed, seen, tuple(tuple(visits) for visits in plan)), *state.memos[: MEMOS - 1]]
    return plan


def on_time(
    state: _State, free: dict[str, FreeTime], now: int, handoff: int, copy_minutes: int
) -> list[list[Visit]] | None:
    """New visits that finish the document by its due time in this free time, if any (exact search)."""
    minutes = state.doc.minutes

    def fit(reader: str, ready: int) -> int | None:
        return free[reader].earliest(ready, minutes[reader])

    ends = {r: v.end for r, v in state.fixed_readers().items()}
    try:
        return route_by(state.doc, fit, state.copy_ready(now, handoff, copy_minutes), ends, handoff, state.doc.due)
    except Unknown:
        return None


def queue_delays(states: list[_State], free: dict[str, FreeTime], now: int) -> dict[int, int]:
    """Per document (by id()), the longest delay the queues at its readers are estimated to cause.

    Each leader's unread readings are sequenced by the modified-due-date rule from `now` in the
    leader's free time; a reading's due is when the document needs it to finish no later than alone.
    """
    queues: dict[str, list[tuple[int, int, int, int, _State]]] = {}
    for index, state in enumerate(states):
        done = state.fixed_readers()
        minutes = state.doc.minutes
        for reader in state.doc.readers:
            if reader in done:
                continue
            release = max(now, state.alone_starts.get(reader, now))
            due = max(state.alone, release + minutes[reader])
            queues.setdefault(reader, []).append((release, minutes[reader], due, index, state))
    delay: dict[int, int] = {}
    for leader, jobs in queues.items():
        jobs.sort(key=lambda job: (job[0], job[3]))
        # The rule picks the least (max(due, t + minutes), minutes, index). A reading already late
        # (due ≤ t + minutes) ranks by minutes: heap `late`; the others rank by due: heap `by_due`,
        # and move to `late` once t passes due − minutes (heap `slack`).
        late: list[tuple[int, int, int]] = []
        slack: list[tuple[int, int]] = []
        by_due: list[tuple[int, int, int, int]] = []
        waiting: set[int] = set()
        t, i, pending = now, 0, 0
        while i < len(jobs) or pending:
            if not pending and t < jobs[i][0]:
                t = jobs[i][0]
            while i < len(jobs) and jobs[i][0] <= t:
                _, length, due, index, _ = jobs[i]
                if due <= t + length:
                    heapq.heappush(late, (length, index, i))
                else:
                    heapq.heappush(slack, (due - length, i))
                    heapq.heappush(by_due, (due, length, index, i))
                    waiting.add(i)
                pending += 1
                i += 1
            while slack and slack[0][0] <= t:
                _, j = heapq.heappop(slack)
                if j in waiting:
                    waiting.discard(j)
                    heapq.heappush(late, (jobs[j][1], jobs[j][3], j))
            while by_due and by_due[0][3] not in waiting:
                heapq.heappop(by_due)
            if late and (not by_due or (t + late[0][0], late[0][0], late[0][1]) < by_due[0][:3]):
                _, _, j = heapq.heappop(late)
            else:
                _, _, _, j = heapq.heappop(by_due)
                waiting.discard(j)
            pending -= 1
            _, length, due, _, owner = jobs[j]
            start = free[leader].earliest(t, length)
            t = (t if start is None else start) + length
            key = id(owner)
            delay[key] = max(delay.get(key, 0), t - due)
    return delay


class OnlinePlanner:
    def __init__(
        self, scenario: Scenario, free: dict[str, FreeTime] | None = None, search: Budget | None = None
    ) -> None:
        """`free`: the leaders' free time to start from (default: their windows); `search`: per replan
        (default: `SEARCH`, read when the planner is made)."""
        self.scenario = scenario
        self.search = search if search is not None else SEARCH
        self.base = free if free is not None else {leader.id: FreeTime(leader.windows) for leader in scenario.leaders}
        self.active: list[_State] = []
        self.finished: list[_State] = []
        self.kept: list[tuple[str, str]] = []  # the last search's list of readings, (document, reader)

    def _new_state(self, doc: Document) -> _State:
        copies = min(doc.max_copies, len(doc.readers))
        return _State(doc, copies, doc.preds, [[] for _ in range(copies)])

    def _plan_first(self, state: _State, now: int) -> list[list[Visit]]:
        """The document placed before every other one: the best it can still do."""
        return plan_document(state, self.base, now, self.scenario.handoff, self.scenario.copy_minutes)

    def prepare(self, state: _State, now: int) -> None:
        """A newcomer: the finish it could reach alone, and whether an urgent one can make its due."""
        alone = self._plan_first(state, now)
        state.alone = state.finish(alone)
        state.alone_starts = {v.leader: v.start for copy in alone for v in copy}
        if state.doc.urgent:
            handoff, copy_minutes = self.scenario.handoff, self.scenario.copy_minutes
            state.reachable = (
                state.alone <= state.doc.due or on_time(state, self.base, now, handoff, copy_minutes) is not None
            )

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

    def _plan_all(
        self, now: int, boosted: set[int], promoted: set[int], delay: dict[int, int]
    ) -> tuple[tuple[int, int], dict[int, list[list[Visit]]], set[int]]:
        """Plan every active document in order; promote urgent ones that would miss a reachable due.

        `promoted`: the documents promoted already (placed first); `delay`: the replan's `queue_delays`.

        A document that finds no window left when its turn comes (the readers it must follow pushed past
        the last window of another) is boosted, added to `boosted`, and the order tried again; if it finds
        none even then, it goes before the boosted ones; only one that finds none there either is an error.
        Returns (urgent late, sum of finishes), the plans and the promoted documents (by id()).
        """
        handoff, copy_minutes = self.scenario.handoff, self.scenario.copy_minutes
        promoted = set(promoted)
        ahead: dict[int, int] = {}
        while True:
            for state in self.active:
                state.promoted, state.boosted = id(state) in promoted, id(state) in boosted
                state.ahead = ahead.get(id(state), 0)
            order = sorted(self.active, key=lambda s: s.rank(max(0, delay.get(id(s), 0))))
            free = {lid: ft.copy() for lid, ft in self.base.items()}
            plans: dict[int, list[list[Visit]]] = {}
            stuck = False
            for state in order:
                try:
                    plan = plan_document(state, free, now, handoff, copy_minutes)
                except RoutingError:
                    if state.promoted or state.ahead:
                        raise
                    if state.boosted:
                        ahead[id(state)] = len(ahead) + 1
                    boosted.add(id(state))
                    stuck = True
                    break
                if state.promoted and state.finish(plan) > state.doc.due:
                    plan = on_time(state, free, now, handoff, copy_minutes) or plan
                plans[id(state)] = plan
                for visits in plan:
                    for visit in visits:
                        free[visit.leader].reserve(visit.start, visit.end)
            if stuck:
                continue
            finish = {id(s): s.finish(plans[id(s)]) for s in self.active}
            late = [s for s in self.active if s.reachable and id(s) not in promoted and finish[id(s)] > s.doc.due]
            if not late:
                break
            promoted |= {id(s) for s in late}
        urgent_late = sum(1 for s in self.active if s.doc.urgent and finish[id(s)] > s.doc.due)
        return (urgent_late, sum(finish.values())), plans, promoted

    def replan(self, now: int, newcomers: list[_State]) -> None:
        """Plan every document not yet done again, then try boosting the ones that lose most."""
        self.active.extend(newcomers)
        boosted = {id(s) for s in self.active if s.boosted}
        delay = queue_delays(self.active, self.base, now)  # the same for every order tried below
        score, plans, promoted = self._plan_all(now, boosted, {id(s) for s in self.active if s.promoted}, delay)
        by_id = {id(s): s for s in self.active}
        regrets = []
        for state in self.active:
            key = id(state)
            if key in promoted or key in boosted:
                continue
            planned = state.finish(plans[key])
            if planned - state.alone <= BOOST_REGRET or planned <= state.rejected_at:
                continue
            regret = planned - state.finish(self._plan_first(state, now))
            if regret > BOOST_REGRET:
                regrets.append((-regret, state.doc.id, key))
        regrets.sort()
        for _, _, key in regrets[:BOOST_TRIALS]:
            tried = boosted | {key}
            try:
                trial = self._plan_all(now, tried, promoted, delay)  # from the plan in hand, not a rejected trial
            except RoutingError:  # ahead of the others, it leaves one of them no window: not kept
                trial = ((NEVER, NEVER), plans, promoted)
            if trial[0] < score:
                boosted = tried
                score, plans, promoted = trial
            else:
                state = by_id[key]
                state.rejected_at = state.finish(plans[key])
        if self.search.evaluations:
            handoff, copy_minutes = self.scenario.handoff, self.scenario.copy_minutes
            found = improve(
                self.active,
                [plans[id(s)] for s in self.active],
                score,
                self.base,
                now,
                handoff,
                copy_minutes,
                self.search,
                self._carried(plans) if CARRY else None,
            )
            if found is not None:
                plans = {id(s): plan for s, plan in zip(self.active, found[1], strict=True)}
                self.kept = [(self.active[i].doc.id, reader) for i, reader in found[2]]
            else:
                self.kept = []
        for state in self.active:
            state.planned = plans[id(state)]
            state.promoted, state.boosted, state.ahead = id(state) in promoted, id(state) in boosted, 0

    def _carried(self, plans: dict[int, list[list[Visit]]]) -> list[tuple[int, str]] | None:
        """The last search's list of readings, those not yet begun, then the newcomers' (by their planned
        start); None when the last replan's search found nothing better than the planner."""
        if not self.kept:
            return None
        index = {s.doc.id: i for i, s in enumerate(self.active)}
        carried = [
            (index[doc], reader)
            for doc, reader in self.kept
            if doc in index and reader in self._unfixed(self.active[index[doc]])
        ]
        seen = set(carried)
        rest = sorted(
            (v.start, s.doc.id, v.leader, i)
            for i, s in enumerate(self.active)
            for copy in plans[id(s)]
            for v in copy
            if (i, v.leader) not in seen
        )
        return carried + [(i, reader) for _, _, reader, i in rest]

    @staticmethod
    def _unfixed(state: _State) -> set[str]:
        """The readers who have not yet begun reading the document."""
        return set(state.doc.readers) - set(state.fixed_readers())

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
                self.prepare(state, now)
            self.replan(now, batch)
        self.advance(math.inf)
        plans = []
        for state in self.finished:
            copies = tuple(tuple(copy) for copy in state.fixed if copy)
            plans.append(DocumentPlan(state.doc.id, copies))
        plans.sort(key=lambda p: p.id)
        return Plan(tuple(plans), policy="planner")


def simulate_planner(scenario: Scenario, search: Budget | None = None) -> Plan:
    return OnlinePlanner(scenario, search=search).run()
