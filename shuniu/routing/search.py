"""Improving a plan one reading at a time: simulated annealing over the order in which readings are placed.

The planner places whole documents one after another, each as well as it can in the time the ones
before it left. That is good for the document placed first and blind to what its readings cost the
others. This search works on single readings instead. A plan is read as a list of (document, reader)
readings; a list decodes into a plan by placing each reading, in list order, at the earliest start
that its document allows (the readers it must follow done, and a gap in a copy's round — before the
copy's other readings too, handoffs kept) and that fits a gap in the reader's free time; the copy
chosen is the one that can start soonest. With one copy, every plan in which no reading could start
earlier without moving another is the decoding of some list; with several, the rule that picks the copy
leaves out the plans that would use another copy at the same start. (Letting a
reading fill a gap in its copy's round, not only follow the round's last reading, lowered the 7×7
open-shop figures from 1.051 to 1.038 at 20,000 plans in a like-for-like trial.)

The search starts from the planner's own plan (its readings by start) and moves one reading to another
place in the list; a move that lowers (urgent documents late, sum of finishes) is kept, a worse one
sometimes, less often as the budget runs out (simulated annealing). The plan kept is the best decoded,
and only if it beats the planner's by a margin (`Budget.margin`). The budget counts decoded plans and
placed readings, never seconds, and the random choices come from a seeded generator: the same input
gives the same plan. The planner searches at every replan, at `DEFAULT` unless told otherwise.
"""

from __future__ import annotations

import math
import random
from bisect import insort
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shuniu.routing.model import Visit
from shuniu.routing.timeline import FreeTime

if TYPE_CHECKING:
    from shuniu.routing.planner import _State

Score = tuple[int, int]  # (urgent documents late, sum of planned finishes)
Rounds = list[list[list[tuple[int, int, str]]]]  # per document, per copy: (start, end, reader) by start


@dataclass(frozen=True)
class Budget:
    """How much search one replan may do: whichever limit is met first.

    `evaluations`: plans decoded; `placements`: readings placed over all of them (a plan of n readings
    costs n), so a replan with many documents in circulation decodes fewer plans. `fewest`: a replan
    with room for fewer plans than this searches not at all (a few random moves among a hundred readings
    change the plan by chance more than they improve it). `temperature`: the starting temperature as a
    share of the mean remaining circulation time; it falls geometrically to a hundredth of that by the
    last plan. `margin`: the searched plan replaces the planner's only when it has fewer urgent documents
    late, or as many and shortens the remaining circulation (the sum, over the documents known, of their
    finish less now) by at least this share; a smaller gain is within what the next arrivals change anyway,
    and each changed plan is a changed route for the office.
    """

    evaluations: int = 0
    placements: int = 0
    temperature: float = 0.05
    seed: int = 1
    fewest: int = 0
    margin: float = 0.0

    def plans(self, readings: int) -> int:
        """How many plans a replan of `readings` readings may decode (0: no search)."""
        room = min(self.evaluations, self.placements // max(1, readings))
        return room if room >= self.fewest else 0


NONE = Budget()
# The planner's default (planner.SEARCH), measured on the nine generated months (README): eight shorter,
# the ninth (hard seed 4, whose replans mostly hold over 100 readings, so are not searched) the same.
DEFAULT = Budget(evaluations=1000, placements=5000, temperature=0.02, seed=1, fewest=50, margin=0.002)
COOLING = 0.01  # the last plan's temperature, as a share of the first's


class _Decoder:
    """Turns a list of readings into a plan, in the free time left by fixed readings."""

    def __init__(
        self, states: list[_State], free: dict[str, FreeTime], now: int, handoff: int, copy_minutes: int
    ) -> None:
        self.free = free
        self.handoff = handoff
        self.minutes = [s.doc.minutes for s in states]
        self.preds = [s.preds for s in states]
        self.ready = [s.copy_ready(now, handoff, copy_minutes) for s in states]
        self.ends = [{r: v.end for r, v in s.fixed_readers().items()} for s in states]
        self.fixed_finish = [s.finish([]) for s in states]
        self.urgent = [s.doc.urgent for s in states]
        self.due = [s.doc.due for s in states]

    def decode(self, readings: list[tuple[int, str]]) -> tuple[Score, Rounds] | None:
        """The score of this list's plan and each copy's round in it; None if a reading finds no window left."""
        free = {leader: ft.copy() for leader, ft in self.free.items()}
        ends = [dict(e) for e in self.ends]
        busy: Rounds = [[[] for _ in r] for r in self.ready]
        waiting: dict[int, list[str]] = {}
        handoff = self.handoff

        def fit(ft: FreeTime, spans: list[tuple[int, int, str]], ready: int, length: int) -> tuple[int, int] | None:
            """The earliest start ≥ ready free at the reader and in a gap of the copy's round (handoffs kept),
            and when the copy is free before it."""
            start: int | None = ready
            while start is not None:
                start = ft.earliest(start, length)
                if start is None:
                    return None
                before = ready
                for s, e, _ in spans:
                    if e + handoff <= start:
                        if e + handoff > before:
                            before = e + handoff
                        continue
                    if s >= start + length + handoff:
                        return start, before
                    start = e + handoff  # the copy is elsewhere then: after that reading
                    break
                else:
                    return start, before
            return None

        all_preds, all_minutes, all_ready = self.preds, self.minutes, self.ready

        def place(i: int, reader: str) -> bool:
            done = ends[i]
            after = 0
            for p in all_preds[i][reader]:
                end = done.get(p)
                if end is None:  # a reader it must follow is not placed yet: placed after them
                    waiting.setdefault(i, []).append(reader)
                    return True
                if end > after:
                    after = end
            length = all_minutes[i][reader]
            ft = free[reader]
            best: tuple[int, int, int] | None = None
            for k, at in enumerate(all_ready[i]):
                found = fit(ft, busy[i][k], at if at > after else after, length)
                # The copy that can start soonest; of two, the one that waited least for it.
                if found is not None and (best is None or (found[0], -found[1]) < best[:2]):
                    best = (found[0], -found[1], k)
            if best is None:
                return False
            start, _, k = best
            ft.reserve(start, start + length)
            insort(busy[i][k], (start, start + length, reader))
            done[reader] = start + length
            held = waiting.get(i)
            if held:
                waiting[i] = []
                for other in held:
                    if not place(i, other):
                        return False
            return True

        for i, reader in readings:
            if not place(i, reader):
                return None
        if any(waiting.values()):
            return None
        late = total = 0
        for i, finish in enumerate(self.fixed_finish):
            finish = max([finish, *ends[i].values()])
            total += finish
            if self.urgent[i] and finish > self.due[i]:
                late += 1
        return (late, total), busy


def improve(
    states: list[_State],
    plans: list[list[list[Visit]]],
    score: Score,
    free: dict[str, FreeTime],
    now: int,
    handoff: int,
    copy_minutes: int,
    budget: Budget,
    carried: list[tuple[int, str]] | None = None,
) -> tuple[Score, list[list[list[Visit]]], list[tuple[int, str]]] | None:
    """A better plan than `plans` (scored `score`) within the budget, with its list of readings; or None.

    `carried`: the list the last replan's search kept (its readings not yet begun, then the newcomers'),
    tried as a start beside the planner's plan, so a replan does not lose what the one before it found.
    """
    count = sum(len(copy) for plan in plans for copy in plan)
    evaluations = budget.plans(count)
    if count < 2 or evaluations <= 0:
        return None
    readings = sorted(
        (visit.start, visit.end, states[i].doc.id, visit.leader, i)
        for i, plan in enumerate(plans)
        for copy in plan
        for visit in copy
    )
    decoder = _Decoder(states, free, now, handoff, copy_minutes)
    order = [(i, reader) for _, _, _, reader, i in readings]
    first = decoder.decode(order)
    if first is None:
        return None
    if carried is not None and sorted(carried) == sorted(order):
        kept = decoder.decode(carried)
        if kept is not None and kept[0] < first[0]:
            order, first = carried, kept
    current, _ = first
    best: tuple[Score, Rounds] | None = first if first[0] < score else None
    best_order = order
    rng = random.Random(budget.seed)  # noqa: S311 - a search, not a secret: seeded so plans repeat
    # The mean remaining circulation time sets the scale of a worse move worth trying.
    remaining = max(1, score[1] - now * len(states))
    start_temperature = budget.temperature * max(1, current[1] - now * len(states)) / len(states)
    for step in range(evaluations):
        i, j = rng.randrange(count), rng.randrange(count - 1)
        candidate = order.copy()
        candidate.insert(j if j < i else j + 1, candidate.pop(i))
        result = decoder.decode(candidate)
        if result is None or result[0][0] > current[0]:
            continue
        value = result[0]
        temperature = start_temperature * COOLING ** (step / evaluations)
        worse = value[1] - current[1]
        if value[0] < current[0] or worse <= 0 or (temperature > 0 and rng.random() < math.exp(-worse / temperature)):
            order, current = candidate, value
            if value < (best[0] if best is not None else score):
                best, best_order = result, candidate
    if best is None or (best[0][0] == score[0] and score[1] - best[0][1] < budget.margin * remaining):
        return None
    plan = [[[Visit(r, s, e) for s, e, r in spans] for spans in copies] for copies in best[1]]
    return best[0], plan, best_order
