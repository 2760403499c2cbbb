"""A lower bound on the mean circulation time that any plan (online or not) can reach.

Two valid bounds, combined leader by leader:

(a) each document alone: no other document competes for the leaders. Its readers are relaxed to
    read in parallel, as the order constraints allow (each reading at the earliest fit in the
    reader's windows); single-copy documents are solved exactly by a DP over subsets of readers;
    with fewer copies than readers, some copy visits at least ⌈n/c⌉ readers one after another, and
    the cheapest such chain (DP, windows included) bounds the document too.
(b) leader load: each document is given to one reader (the most loaded, the one it waits for
    longest alone, or a hint; the best start is then improved by moving documents between their
    readers while the bound rises — any partition is valid); on each leader,
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
    preds = doc.preds
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


class _Partition:
    """Documents given to one reader each, with the bound of every leader's part kept up to date."""

    def __init__(
        self,
        scenario: Scenario,
        windows: dict[str, Windows],
        alone: dict[str, tuple[int, dict[str, int]]],
        choose: Callable[[Document], str],
    ) -> None:
        self.windows, self.alone = windows, alone
        self.docs = {doc.id: doc for doc in scenario.documents}
        self.owner = {doc.id: choose(doc) for doc in scenario.documents}
        self.parts: dict[str, set[str]] = defaultdict(set)
        for doc_id, leader in self.owner.items():
            self.parts[leader].add(doc_id)
        self.values = {leader: self.part_bound(leader, ids) for leader, ids in self.parts.items()}

    def part_bound(self, leader: str, ids: set[str]) -> int:
        """Σ C bound of one leader's part.

        Each document ends no earlier than alone (a) nor than its reading at this leader (b):
        Σ max(a_d, c_d) ≥ Σ a_d + Σ_k max(0, c_(k) − a_(k)), pairing both sorted (max(0, c − a) is
        Monge, and the k-th completion is at least SRPT's k-th).
        """
        if not ids:
            return 0
        finishes = sorted(self.alone[i][0] for i in ids)
        jobs = [(self.alone[i][1][leader], self.docs[i].minutes[leader]) for i in ids]
        completions = srpt_completions(jobs, self.windows[leader])
        return sum(finishes) + sum(max(0, c - a) for c, a in zip(completions, finishes, strict=True))

    @property
    def total(self) -> int:
        return sum(self.values.values())

    def improve(self, sweeps: int = 2) -> None:
        """Move documents to other readers while that raises the bound (any partition is valid)."""
        for _ in range(sweeps):
            for doc_id, doc in self.docs.items():
                for reader in doc.readers:
                    current = self.owner[doc_id]
                    if reader == current:
                        continue
                    old_ids, new_ids = self.parts[current] - {doc_id}, self.parts[reader] | {doc_id}
                    old_value, new_value = self.part_bound(current, old_ids), self.part_bound(reader, new_ids)
                    if old_value + new_value > self.values[current] + self.values.get(reader, 0):
                        self.parts[current], self.parts[reader] = old_ids, new_ids
                        self.values[current], self.values[reader] = old_value, new_value
                        self.owner[doc_id] = reader


def lower_bound(scenario: Scenario, hints: tuple[dict[str, str], ...] = ()) -> float:
    """A lower bound of the mean circulation time, in hours (the best of several partitions).

    Any partition of the documents among their readers gives a valid bound, so `hints` may name,
    per document, a reader to try (say, the one that finished it last in some plan).
    """
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

    def follow(hint: dict[str, str]) -> Callable[[Document], str]:
        def rule(doc: Document) -> str:
            reader = hint.get(doc.id)
            return reader if reader in doc.readers else most_loaded(doc)

        return rule

    rules: list[Callable[[Document], str]] = [most_loaded, latest_alone, *(follow(hint) for hint in hints)]
    best = max((_Partition(scenario, windows, alone, rule) for rule in rules), key=lambda p: p.total)
    best.improve()
    total = best.total
    arrivals = sum(doc.arrival for doc in scenario.documents)
    return (total - arrivals) / len(scenario.documents) / 60
