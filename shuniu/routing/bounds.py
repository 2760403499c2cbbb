"""A lower bound on the mean circulation time that any plan (online or not) can reach.

Two valid bounds, combined leader by leader:

(a) each document alone: no other document competes for the leaders. Its readers are relaxed to
    read in parallel, as the order constraints allow (each reading at the earliest fit in the
    reader's windows); single-copy documents are solved exactly by a DP over subsets of readers;
    with fewer copies than readers, some copy visits at least ⌈n/c⌉ readers one after another, and
    the cheapest such chain (DP, windows included) bounds the document too.
(b) leader load: each document is given to one reader (the most loaded, or the one it waits for
    longest alone: both partitions are tried, the better bound kept); on each leader,
    the preemptive shortest-remaining-time schedule inside the windows completes at least as many
    readings by any moment as any other schedule, and a document ends no earlier than its reading
    there.

For the documents given to one leader, C_d ≥ max(a_d, c_d); pairing the sorted (a) with SRPT's sorted
completions bounds Σ max(a_d, c_d) from below. Summing over leaders bounds Σ C, hence the mean.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable

from shuniu.routing.calendar import Windows
from shuniu.routing.model import Document, RoutingError, Scenario

EXACT_LIMIT = 9  # readers up to which the subset DPs run


def _fit(windows: Windows, doc: Document, reader: str, ready: int, minutes: int) -> int:
    start = windows.earliest_fit(ready, minutes)
    if start is None:
        raise RoutingError(f"document {doc.id}: leader {reader} has no window left in the horizon")
    return start


def parallel_bound(doc: Document, windows: dict[str, Windows], ready: int) -> tuple[int, dict[str, int]]:
    """Every reader on a copy of their own, as early as windows and order constraints allow."""
    minutes = doc.minutes
    preds: dict[str, list[str]] = {r: [] for r in doc.readers}
    for a, b in doc.before:
        preds[b].append(a)
    start: dict[str, int] = {}
    end: dict[str, int] = {}
    pending = list(doc.readers)
    while pending:
        for reader in list(pending):
            if all(p in end for p in preds[reader]):
                after = max([ready, *(end[p] for p in preds[reader])])
                start[reader] = _fit(windows[reader], doc, reader, after, minutes[reader])
                end[reader] = start[reader] + minutes[reader]
                pending.remove(reader)
    return max(end.values()), start


def chain_bound(
    doc: Document, windows: dict[str, Windows], ready: int, handoff: int, length: int, ordered: bool
) -> int:
    """The earliest finish of one copy visiting `length` readers in a row (all of them if ordered)."""
    readers = list(doc.readers)
    n = len(readers)
    minutes = doc.minutes
    pred_mask = [0] * n
    if ordered:
        index = {r: i for i, r in enumerate(readers)}
        for a, b in doc.before:
            pred_mask[index[b]] |= 1 << index[a]
    best: dict[tuple[int, int], int] = {}
    frontier: dict[tuple[int, int], int] = {}
    for i, reader in enumerate(readers):
        if pred_mask[i] == 0:
            s = _fit(windows[reader], doc, reader, ready, minutes[reader])
            frontier[(1 << i, i)] = s + minutes[reader]
    for _ in range(1, length):
        best = frontier
        frontier = {}
        for (mask, _last), finish in best.items():
            for j, reader in enumerate(readers):
                if mask >> j & 1 or (pred_mask[j] & mask) != pred_mask[j]:
                    continue
                s = _fit(windows[reader], doc, reader, finish + handoff, minutes[reader])
                key = (mask | 1 << j, j)
                value = s + minutes[reader]
                if value < frontier.get(key, 1 << 62):
                    frontier[key] = value
    return min(frontier.values())


def document_alone(doc: Document, scenario: Scenario, windows: dict[str, Windows]) -> tuple[int, dict[str, int]]:
    """(a): the earliest this document could be done with the leaders to itself."""
    ready = doc.arrival + scenario.handoff
    finish, starts = parallel_bound(doc, windows, ready)
    n = len(doc.readers)
    copies = min(doc.max_copies, n)
    if copies < n:
        length = -(-n // copies)
        if n <= EXACT_LIMIT:
            finish = max(finish, chain_bound(doc, windows, ready, scenario.handoff, length, ordered=copies == 1))
        else:
            shortest = sorted(doc.minutes.values())[:length]
            finish = max(finish, ready + sum(shortest) + (length - 1) * scenario.handoff)
    return finish, starts


def srpt_completions(jobs: list[tuple[int, int]], windows: Windows) -> list[int]:
    """Completion times (ascending) of preemptive SRPT of (release, minutes) jobs run inside the windows.

    SRPT completes at least as many jobs by any moment as any other schedule, so its k-th completion
    is a lower bound of the k-th completion of every schedule, preemptive or not.
    """
    jobs = sorted(jobs)
    heap: list[int] = []
    done: list[int] = []
    i = 0
    w = 0
    starts, ends = windows.starts, windows.ends
    time = jobs[0][0] if jobs else 0
    while i < len(jobs) or heap:
        if not heap and time < jobs[i][0]:
            time = jobs[i][0]
        while i < len(jobs) and jobs[i][0] <= time:
            heapq.heappush(heap, jobs[i][1])
            i += 1
        while w < len(ends) and ends[w] <= time:
            w += 1
        if w == len(ends):
            raise RoutingError("leader has no window left in the horizon")
        if time < starts[w]:
            time = starts[w]
            continue
        remaining = heapq.heappop(heap)
        horizon = ends[w]
        if i < len(jobs):
            horizon = min(horizon, jobs[i][0])
        run = min(remaining, horizon - time)
        time += run
        if run == remaining:
            done.append(time)
        else:
            heapq.heappush(heap, remaining - run)
    return done


def _partition_bound(
    scenario: Scenario,
    windows: dict[str, Windows],
    alone: dict[str, tuple[int, dict[str, int]]],
    choose: Callable[[Document], str],
) -> int:
    """Σ C bound for one partition of the documents among their readers."""
    alone_by_leader: dict[str, list[int]] = defaultdict(list)
    jobs: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc in scenario.documents:
        finish, starts = alone[doc.id]
        leader = choose(doc)
        alone_by_leader[leader].append(finish)
        jobs[leader].append((starts[leader], doc.minutes[leader]))
    total = 0
    for leader, finishes in alone_by_leader.items():
        # Each document ends no earlier than alone (a) nor than its reading at this leader (b):
        # Σ max(a_d, c_d) ≥ Σ a_d + Σ_k max(0, c_(k) − a_(k)), pairing both sorted (max(0, c − a)
        # is Monge, and the k-th completion is at least SRPT's k-th).
        finishes.sort()
        completions = srpt_completions(jobs[leader], windows[leader])
        total += sum(finishes) + sum(max(0, c - a) for c, a in zip(completions, finishes, strict=True))
    return total


def lower_bound(scenario: Scenario) -> float:
    """A lower bound of the mean circulation time, in hours (the better of two partitions)."""
    if not scenario.documents:
        return 0.0
    windows = {leader.id: Windows(leader.windows) for leader in scenario.leaders}
    load: dict[str, int] = defaultdict(int)
    for doc in scenario.documents:
        for reader, minutes in doc.read_minutes:
            load[reader] += minutes
    alone = {doc.id: document_alone(doc, scenario, windows) for doc in scenario.documents}

    def most_loaded(doc: Document) -> str:
        return max(doc.readers, key=lambda r: (load[r], r))

    def latest_alone(doc: Document) -> str:
        starts = alone[doc.id][1]
        return max(doc.readers, key=lambda r: (starts[r] + doc.minutes[r], load[r], r))

    total = max(_partition_bound(scenario, windows, alone, rule) for rule in (most_loaded, latest_alone))
    arrivals = sum(doc.arrival for doc in scenario.documents)
    return (total - arrivals) / len(scenario.documents) / 60
