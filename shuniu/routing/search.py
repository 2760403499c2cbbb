"""Improving a plan one reading at a time: simulated annealing over the order in which readings are placed.

The planner places whole documents one after another, each as well as it can in the time the ones
before it left. That is good for the document placed first and blind to what its readings cost the
others. This search works on single readings instead. A plan is read as a list of (document, reader)
readings; a list decodes into a plan by placing each reading, in list order, at the earliest start
that its document allows (a copy free, the readers it must follow done) and that fits a gap in the
reader's free time — the copy chosen is the one that can start soonest. Every plan in which no reading
could start earlier without moving another is the decoding of some list, so searching lists searches
such plans.

The search starts from the planner's own plan (its readings by start) and moves one reading to another
place in the list; a move that lowers (urgent documents late, sum of finishes) is kept, a worse one
sometimes, less often as the budget runs out (simulated annealing). The plan kept is the best decoded,
and only if it beats the planner's. The budget counts decoded plans and placed readings, never
seconds, and the random choices come from a seeded generator: the same input gives the same plan.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shuniu.routing.model import Visit
from shuniu.routing.timeline import FreeTime

if TYPE_CHECKING:
    from shuniu.routing.planner import _State

Score = tuple[int, int]  # (urgent documents late, sum of planned finishes)


@dataclass(frozen=True)
class Budget:
    """How much search one replan may do: whichever limit is met first.

    `evaluations`: plans decoded; `placements`: readings placed over all of them (a plan of n readings
    costs n), so a replan with many documents in circulation decodes fewer plans. `temperature`: the
    starting temperature as a share of the mean remaining circulation time.
    """

    evaluations: int = 0
    placements: int = 0
    temperature: float = 0.1
    seed: int = 1

    def plans(self, readings: int) -> int:
        return min(self.evaluations, self.placements // max(1, readings))


NONE = Budget()


class _Decoder:
    """Turns a list of readings into a plan, in the free time left by fixed readings."""

    def __init__(
        self, states: list[_State], free: dict[str, FreeTime], now: int, handoff: int, copy_minutes: int
    ) -> None:
        self.states = states
        self.free = free
        self.handoff = handoff
        self.minutes = [s.doc.minutes for s in states]
        self.preds = [s.preds for s in states]
        self.ready = [s.copy_ready(now, handoff, copy_minutes) for s in states]
        self.ends = [{r: v.end for r, v in s.fixed_readers().items()} for s in states]
        self.fixed_finish = [s.finish([]) for s in states]
        self.urgent = [s.doc.urgent for s in states]
        self.due = [s.doc.due for s in states]

    def decode(self, readings: list[tuple[int, str]]) -> tuple[Score, list[list[list[Visit]]]] | None:
        """The plan of this list and its score; None if a reading finds no window left."""
        free = {leader: ft.copy() for leader, ft in self.free.items()}
        ready = [list(r) for r in self.ready]
        ends = [dict(e) for e in self.ends]
        plans: list[list[list[Visit]]] = [[[] for _ in r] for r in self.ready]
        waiting: dict[int, list[str]] = {}
        handoff = self.handoff

        def place(i: int, reader: str) -> bool:
            done = ends[i]
            preds = self.preds[i][reader]
            if preds and any(p not in done for p in preds):
                waiting.setdefault(i, []).append(reader)
                return True
            after = max((done[p] for p in preds), default=0)
            length = self.minutes[i][reader]
            ft = free[reader]
            best: tuple[int, int, int] | None = None
            for k, at in enumerate(ready[i]):
                start = ft.earliest(at if at > after else after, length)
                if start is not None and (best is None or (start, -at) < best[:2]):
                    best = (start, -at, k)
            if best is None:
                return False
            start, _, k = best
            ft.reserve(start, start + length)
            plans[i][k].append(Visit(reader, start, start + length))
            done[reader] = start + length
            ready[i][k] = start + length + handoff
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
        return (late, total), plans


def improve(
    states: list[_State],
    plans: list[list[list[Visit]]],
    score: Score,
    free: dict[str, FreeTime],
    now: int,
    handoff: int,
    copy_minutes: int,
    budget: Budget,
) -> tuple[Score, list[list[list[Visit]]]] | None:
    """A better plan than `plans` (scored `score`) within the budget, or None."""
    readings = sorted(
        (visit.start, visit.end, states[i].doc.id, visit.leader, i)
        for i, plan in enumerate(plans)
        for copy in plan
        for visit in copy
    )
    count = len(readings)
    evaluations = budget.plans(count)
    if count < 2 or evaluations <= 0:
        return None
    decoder = _Decoder(states, free, now, handoff, copy_minutes)
    order = [(i, reader) for _, _, _, reader, i in readings]
    first = decoder.decode(order)
    if first is None:
        return None
    current, _ = first
    best: tuple[Score, list[list[list[Visit]]]] | None = first if first[0] < score else None
    rng = random.Random(budget.seed)  # noqa: S311 - a search, not a secret: seeded so plans repeat
    # The mean remaining circulation time sets the scale of a worse move worth trying.
    start_temperature = budget.temperature * max(1, current[1] - now * len(states)) / len(states)
    for step in range(evaluations):
        i, j = rng.randrange(count), rng.randrange(count - 1)
        candidate = order.copy()
        candidate.insert(j if j < i else j + 1, candidate.pop(i))
        result = decoder.decode(candidate)
        if result is None or result[0][0] > current[0]:
            continue
        value = result[0]
        temperature = start_temperature * (1 - step / evaluations)
        worse = value[1] - current[1]
        if value[0] < current[0] or worse <= 0 or (temperature > 0 and rng.random() < math.exp(-worse / temperature)):
            order, current = candidate, value
            if value < (best[0] if best is not None else score):
                best = result
    return best
