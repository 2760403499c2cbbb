"""`python -m shuniu.routing bench`: B0, B1 and the planner against the lower bound."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from shuniu.routing.bounds import document_alone, lower_bound
from shuniu.routing.calendar import Windows
from shuniu.routing.check import metrics, violations
from shuniu.routing.exact import Unknown, route_by
from shuniu.routing.generate import TYPICAL, Options, generate, hard
from shuniu.routing.model import Plan, Scenario
from shuniu.routing.simulate import simulate

SCENARIOS: list[tuple[str, Options]] = [
    ("typical seed 1", TYPICAL),
    ("typical seed 2", Options(seed=2)),
    ("typical seed 3", Options(seed=3)),
    ("hard seed 1", hard(1)),
    ("hard seed 2", hard(2)),
]


@dataclass(frozen=True)
class Row:
    scenario: str
    policy: str
    mean: float
    p95: float
    maximum: float
    urgent: str
    urgent_possible: str
    on_time: float
    ratio: float
    seconds: float


def last_readers(plan: Plan) -> dict[str, str]:
    """Per document, the reader whose reading ended last in the plan."""
    return {doc.id: max((v for copy in doc.copies for v in copy), key=lambda v: v.end).leader for doc in plan.documents}


def urgent_possible(scenario: Scenario) -> set[str]:
    """Urgent documents that could be done by their due time at all (alone, with the leaders free).

    Decided by the exact search; where it runs out of budget, the relaxed bound (a) decides, which
    may count a document as possible that is not (never the other way round).
    """
    windows = {leader.id: Windows(leader.windows) for leader in scenario.leaders}
    possible = set()
    for doc in scenario.documents:
        if not doc.urgent or document_alone(doc, scenario, windows)[0] > doc.due:
            continue
        minutes = doc.minutes

        def fit(reader: str, ready: int, minutes: dict[str, int] = minutes) -> int | None:
            return windows[reader].earliest_fit(ready, minutes[reader])

        ready = [
            doc.arrival + k * scenario.copy_minutes + scenario.handoff
            for k in range(min(doc.max_copies, len(doc.readers)))
        ]
        try:
            if route_by(doc, fit, ready, {}, scenario.handoff, doc.due) is None:
                continue
        except Unknown:
            pass
        possible.add(doc.id)
    return possible


def run(scenarios: list[tuple[str, Options]] | None = None, out: Callable[[str], None] = print) -> list[Row]:
    rows: list[Row] = []
    header = (
        f"{'scenario':<15} {'docs':>5} {'policy':<8} {'mean h':>7} {'p95 h':>7} {'max h':>7} "
        f"{'urgent on time':>15} {'of possible':>12} {'all on time':>11} {'× bound':>8} {'seconds':>8}"
    )
    out(header)
    out("-" * len(header))
    for name, options in scenarios or SCENARIOS:
        scenario = generate(options)
        plans = {policy: simulate(scenario, policy) for policy in ("B0", "B1", "planner")}
        began = time.perf_counter()
        # Any partition gives a valid bound: also try each document's last reader in each plan.
        hints = tuple(last_readers(plan) for plan in plans.values())
        bound = lower_bound(scenario, hints)
        bound_seconds = time.perf_counter() - began
        possible = urgent_possible(scenario)
        for policy in ("B0", "B1", "planner"):
            plan = plans[policy]
            problems = violations(scenario, plan)
            if problems:
                raise AssertionError(f"{policy} on {name}: {problems[0]}")
            m = metrics(scenario, plan)
            done = {p.id: p.done for p in plan.documents}
            docs = {d.id: d for d in scenario.documents}
            on_time_possible = sum(1 for d in possible if done[d] <= docs[d].due)
            row = Row(
                name,
                policy,
                m.mean_hours,
                m.p95_hours,
                m.max_hours,
                f"{m.urgent_on_time}/{m.urgent}",
                f"{on_time_possible}/{len(possible)}",
                m.on_time_share,
                m.mean_hours / bound if bound else 0.0,
                plan.seconds,
            )
            rows.append(row)
            out(
                f"{name:<15} {m.documents:>5} {policy:<8} {row.mean:>7.2f} {row.p95:>7.2f} {row.maximum:>7.1f} "
                f"{row.urgent:>15} {row.urgent_possible:>12} {row.on_time:>11.1%} {row.ratio:>8.3f} {row.seconds:>8.2f}"
            )
        out(
            f"{name:<15} {len(scenario.documents):>5} {'bound':<8} {bound:>7.2f} {'':>7} {'':>7} {'':>15} {'':>12} "
            f"{'':>11} {1:>8.3f} {bound_seconds:>8.2f}"
        )
    return rows
