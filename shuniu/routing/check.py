"""Feasibility of a plan against its scenario (every violation named) and the metrics of ROUTING.md."""

from __future__ import annotations

import itertools
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from shuniu.routing.model import DocumentPlan, Plan, Scenario


@dataclass(frozen=True)
class Metrics:
    documents: int
    mean_hours: float
    p95_hours: float
    max_hours: float
    urgent: int
    urgent_on_time: int
    on_time: int

    @property
    def urgent_share(self) -> float:
        return self.urgent_on_time / self.urgent if self.urgent else 1.0

    @property
    def on_time_share(self) -> float:
        return self.on_time / self.documents if self.documents else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "mean_hours": round(self.mean_hours, 3),
            "p95_hours": round(self.p95_hours, 3),
            "max_hours": round(self.max_hours, 3),
            "urgent_documents": self.urgent,
            "urgent_on_time": self.urgent_on_time,
            "urgent_on_time_share": round(self.urgent_share, 4),
            "on_time": self.on_time,
            "on_time_share": round(self.on_time_share, 4),
        }


def violations(scenario: Scenario, plan: Plan) -> list[str]:
    """Every way the plan breaks the rules of ROUTING.md; [] when it is feasible."""
    problems: list[str] = []
    leaders = scenario.leader_map()
    window_starts = {lid: [s for s, _ in leader.windows] for lid, leader in leaders.items()}
    planned: dict[str, DocumentPlan] = {}
    for doc_plan in plan.documents:
        if doc_plan.id in planned:
            problems.append(f"document {doc_plan.id}: appears more than once in the plan")
        planned[doc_plan.id] = doc_plan
    known = {doc.id for doc in scenario.documents}
    for doc_id in planned.keys() - known:
        problems.append(f"document {doc_id}: not in the scenario")
    by_leader: dict[str, list[tuple[int, int, str]]] = {lid: [] for lid in leaders}
    for doc in scenario.documents:
        found = planned.get(doc.id)
        if found is None:
            problems.append(f"document {doc.id}: missing from the plan")
            continue
        doc_plan = found
        where = f"document {doc.id}"
        if not 1 <= len(doc_plan.copies) <= doc.max_copies:
            problems.append(f"{where}: {len(doc_plan.copies)} copies, allowed 1 to {doc.max_copies}")
        minutes = doc.minutes
        ends: dict[str, int] = {}
        starts: dict[str, int] = {}
        for k, copy in enumerate(doc_plan.copies):
            if not copy:
                problems.append(f"{where} copy {k}: visits nobody")
            earliest = doc.arrival + k * scenario.copy_minutes + scenario.handoff
            for visit in copy:
                vwhere = f"{where} copy {k} visit to {visit.leader}"
                if visit.leader not in minutes:
                    problems.append(f"{vwhere}: {visit.leader} is not a reader")
                    continue
                if visit.leader in ends:
                    problems.append(f"{vwhere}: {visit.leader} is visited more than once")
                ends[visit.leader], starts[visit.leader] = visit.end, visit.start
                if visit.end - visit.start < minutes[visit.leader]:
                    problems.append(
                        f"{vwhere}: lasts {visit.end - visit.start} min, reading needs {minutes[visit.leader]}"
                    )
                if visit.start < earliest:
                    problems.append(f"{vwhere}: starts before the copy can be there (handoff or copy time)")
                leader = leaders.get(visit.leader)
                if leader is not None:
                    i = bisect_right(window_starts[visit.leader], visit.start) - 1
                    if i < 0 or leader.windows[i][1] < visit.end:
                        problems.append(f"{vwhere}: not inside one availability window")
                    by_leader[visit.leader].append((visit.start, visit.end, doc.id))
                earliest = visit.end + scenario.handoff
        for reader in doc.readers:
            if reader not in ends:
                problems.append(f"{where}: reader {reader} is never visited")
        for a, b in doc.before:
            if a in ends and b in starts and ends[a] > starts[b]:
                problems.append(f"{where}: {a} must finish before {b} starts")
    for lid, visits in by_leader.items():
        visits.sort()
        for (_, e1, d1), (s2, _, d2) in itertools.pairwise(visits):
            if s2 < e1:
                problems.append(f"leader {lid}: readings of {d1} and {d2} overlap")
    return problems


def metrics(scenario: Scenario, plan: Plan) -> Metrics:
    done = {doc_plan.id: doc_plan.done for doc_plan in plan.documents if any(doc_plan.copies)}
    hours: list[float] = []
    urgent = urgent_on_time = on_time = 0
    for doc in scenario.documents:
        finish = done[doc.id]
        hours.append((finish - doc.arrival) / 60)
        if finish <= doc.due:
            on_time += 1
        if doc.urgent:
            urgent += 1
            urgent_on_time += finish <= doc.due
    ordered = sorted(hours)
    n = len(ordered)
    p95 = ordered[max(0, -(-95 * n // 100) - 1)] if n else 0.0
    return Metrics(n, sum(hours) / n if n else 0.0, p95, ordered[-1] if n else 0.0, urgent, urgent_on_time, on_time)
