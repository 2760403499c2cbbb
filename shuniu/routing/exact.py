"""Can one document still be done by a deadline? An exact search, for the few that need one.

The planner places a document by a greedy rule with a one-step rollout; for an urgent document
that this leaves late, `route_by` searches every way of giving the remaining readers to the copies:
readers are placed in the order of their start times, each at its earliest fit after its copy's
previous visit and its predecessors (starting later never helps a later reading), so the search is
complete. Branches ending past the deadline are cut, and states already known to fail are
remembered. Each route found tightens the deadline to just before its finish, so the search ends
with the earliest finish. A budget of visited states keeps it bounded: past it, the best route
found so far is the answer, or "unknown" if there is none yet.
"""

from __future__ import annotations

from collections.abc import Callable

from shuniu.routing.model import Document, Visit

Fit = Callable[[str, int], int | None]  # (reader, ready) -> earliest start, None if no window left


class Unknown(Exception):
    """The search ran out of budget before it could answer."""


def route_by(
    doc: Document,
    fit: Fit,
    copy_ready: list[int],
    ends: dict[str, int],
    handoff: int,
    deadline: int,
    budget: int = 20_000,
) -> list[list[Visit]] | None:
    """New visits per copy finishing every unread reader by `deadline` as early as possible, or None.

    `copy_ready` is when each copy can start its next reading; `ends` the end of each reading
    already done. Raises Unknown when the budget is spent before any route is found.
    """
    minutes = doc.minutes
    preds = doc.preds
    remaining = frozenset(r for r in doc.readers if r not in ends)
    if not remaining:
        return [[] for _ in copy_ready] if max(ends.values(), default=0) <= deadline else None
    failed: set[tuple[object, ...]] = set()  # stays true as the deadline tightens
    visited = 0
    limit = deadline
    best: list[tuple[int, Visit]] | None = None

    def search(left: frozenset[str], ready: tuple[int, ...], done: dict[str, int]) -> list[tuple[int, Visit]] | None:
        nonlocal visited
        if not left:
            return []
        relevant = tuple(sorted((r, done[r]) for r in done if any(r in preds[x] for x in left)))
        key = (left, tuple(sorted(ready)), relevant)
        if key in failed:
            return None
        visited += 1
        if visited > budget:
            raise Unknown(doc.id)
        options = []
        for reader in sorted(left):
            if any(p not in done for p in preds[reader]):
                continue
            after = max((done[p] for p in preds[reader]), default=0)
            tried: set[int] = set()
            for k, at in enumerate(ready):
                if at in tried:  # copies ready at the same moment are interchangeable
                    continue
                tried.add(at)
                start = fit(reader, max(at, after))
                if start is not None and start + minutes[reader] <= limit:
                    options.append((start + minutes[reader], start, reader, k))
        for end, start, reader, k in sorted(options):
            later = list(ready)
            later[k] = end + handoff
            rest = search(left - {reader}, tuple(later), {**done, reader: end})
            if rest is not None:
                return [(k, Visit(reader, start, end)), *rest]
        failed.add(key)
        return None

    while True:
        try:
            found = search(remaining, tuple(copy_ready), dict(ends))
        except Unknown:
            if best is None:
                raise
            break
        if found is None:
            break
        best = found
        limit = max(visit.end for _, visit in found) - 1
    if best is None:
        return None
    found = best
    plan: list[list[Visit]] = [[] for _ in copy_ready]
    for k, visit in found:
        plan[k].append(visit)
    return plan
