"""The online replay of ROUTING.md with a chosen policy."""

from __future__ import annotations

import time
from dataclasses import replace

from shuniu.routing.baselines import simulate_baseline
from shuniu.routing.model import Plan, RoutingError, Scenario
from shuniu.routing.planner import simulate_planner

POLICIES = ("planner", "B0", "B1")


def simulate(scenario: Scenario, policy: str = "planner") -> Plan:
    """Replay the scenario in time order under `policy`; the plan that was carried out."""
    began = time.perf_counter()
    if policy == "planner":
        plan = simulate_planner(scenario)
    elif policy in ("B0", "B1"):
        plan = simulate_baseline(scenario, policy)
    else:
        raise RoutingError(f"unknown policy {policy!r} (choose from {', '.join(POLICIES)})")
    return replace(plan, seconds=time.perf_counter() - began)
