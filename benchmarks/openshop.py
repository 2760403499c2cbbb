"""The planner on published open-shop instances: total completion time against the optimum.

Run:  .venv/bin/python benchmarks/openshop.py               the table, with the stored reference values
      .venv/bin/python benchmarks/openshop.py --search 20000  also the planner with the improvement search
                                                              (that many plans decoded, routing/search.py)
      .venv/bin/pip install -e '.[bench]'                    OR-Tools, for the benchmark only
      .venv/bin/python benchmarks/openshop.py --solve [--limit 60]   recompute benchmarks/openshop/reference.json

Taillard's 4×4, 5×5 and 7×7 instances (benchmarks/openshop/SOURCE.md) become routing scenarios: a job
is a document, a machine a leader, a processing time a reading in minutes; one copy per document, all
documents at time 0, every leader always available, no handoff, no copy delay. That is the open shop
O||ΣCj, whose optimum a constraint solver finds (CP-SAT proves the small ones in seconds). The table
gives, per instance, the placement's alone (no improvement search), the planner's at its default search
(`routing.search.DEFAULT`, what the app runs) and rule B1's total completion time, the reference, their ratios,
and per size the geometric mean; every plan is checked for feasibility first. Also the lower bound the
month figures use (`routing.bounds.lower_bound`) against the reference, so a reader can tell the
planner's share of "× bound" from the bound's. No assertions.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shuniu.routing.bounds import lower_bound
from shuniu.routing.check import violations
from shuniu.routing.model import Document, Leader, Plan, Scenario
from shuniu.routing.planner import simulate_planner
from shuniu.routing.search import NONE, Budget
from shuniu.routing.simulate import simulate

HERE = Path(__file__).resolve().parent / "openshop"
REFERENCE = HERE / "reference.json"
START = 29_520_000  # a Monday's midnight, in minutes since the epoch; any moment would do
HORIZON = 1_000_000


def read(path: Path) -> list[list[int]]:
    """An instance: each job's processing time on each machine."""
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    jobs, machines = int(lines[0][0]), int(lines[0][1])
    times = [[int(x) for x in line] for line in lines[1 : jobs + 1]]
    if any(len(row) != machines for row in times):
        raise ValueError(f"{path.name}: every job needs {machines} times")
    return times


def scenario(times: list[list[int]]) -> Scenario:
    machines = len(times[0])
    leaders = tuple(Leader(f"M{m}", f"M{m}", m + 1, ((START, START + HORIZON),)) for m in range(machines))
    documents = tuple(
        Document(
            f"J{j}",
            START,
            "平件",
            START + HORIZON,
            tuple(leader.id for leader in leaders),
            tuple((f"M{m}", minutes) for m, minutes in enumerate(row)),
            (),
            1,
        )
        for j, row in enumerate(times)
    )
    return Scenario(START, 480, 0, 0, leaders, documents)


def total(plan: Plan) -> int:
    return sum(document.done - START for document in plan.documents)


def solve(times: list[list[int]], limit: float) -> tuple[int, bool]:
    """CP-SAT's best total completion time within `limit` seconds, and whether it is proven optimal."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    horizon = sum(sum(row) for row in times)
    by_machine: list[list[cp_model.IntervalVar]] = [[] for _ in times[0]]
    completions = []
    for j, row in enumerate(times):
        done = model.new_int_var(0, horizon, f"C{j}")
        ops = []
        for m, minutes in enumerate(row):
            start = model.new_int_var(0, horizon, f"s{j}_{m}")
            interval = model.new_fixed_size_interval_var(start, minutes, f"o{j}_{m}")
            ops.append(interval)
            by_machine[m].append(interval)
            model.add(done >= start + minutes)
        model.add_no_overlap(ops)
        completions.append(done)
    for intervals in by_machine:
        model.add_no_overlap(intervals)
    model.minimize(sum(completions))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError("CP-SAT found no schedule")
    return int(solver.objective_value), status == cp_model.OPTIMAL


def instance_order(path: Path) -> tuple[int, int]:
    """ta4x4_2os before ta4x4_10os: by size, then number."""
    size, number = path.stem.split("_")
    return int(size[2:].split("x")[0]), int(number.removesuffix("os"))


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solve", action="store_true", help="recompute the reference values with CP-SAT")
    parser.add_argument("--limit", type=float, default=60, help="CP-SAT's seconds per instance")
    parser.add_argument("--search", type=int, default=0, help="plans the improvement search decodes (0: none)")
    args = parser.parse_args()
    paths = sorted(HERE.glob("instances/*.txt"), key=instance_order)
    reference = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
    if args.solve:
        for path in paths:
            began = time.perf_counter()
            best, optimal = solve(read(path), args.limit)
            reference[path.stem] = {
                "value": best,
                "optimal": optimal,
                "seconds": round(time.perf_counter() - began, 1),
            }
            print(
                f"  {path.stem}: {best}{' (optimal)' if optimal else ''} in {reference[path.stem]['seconds']} s",
                flush=True,
            )
        REFERENCE.write_text(json.dumps(reference, indent=1, sort_keys=True) + "\n")
    policies = ["placement", "planner", "B1"] + (["search"] if args.search else [])
    print(
        f"{'instance':<14}"
        + "".join(f"{p:>10}" for p in policies)
        + f"{'reference':>11}"
        + "".join(f"{p + '×':>11}" for p in policies)
        + f"{'bound×':>8}{'planner s':>10}"
        + (f"{'search s':>10}" if args.search else "")
    )
    budget = Budget(evaluations=args.search, placements=args.search * 1000)
    sizes: dict[str, dict[str, list[float]]] = {}
    for path in paths:
        times = read(path)
        problem = scenario(times)
        plans = {policy: simulate(problem, policy) for policy in ("planner", "B1")}
        plans["placement"] = simulate_planner(problem, NONE)
        if args.search:
            began = time.perf_counter()
            plans["search"] = replace(simulate_planner(problem, budget), seconds=time.perf_counter() - began)
        for policy, plan in plans.items():
            broken = violations(problem, plan)
            if broken:
                raise RuntimeError(f"{path.stem} {policy}: {broken[:3]}")
        ref = reference.get(path.stem)
        value: int | None = int(ref["value"]) if ref else None
        bound = lower_bound(problem) * 60 * len(times)  # the bound of the mean (hours), as a total in minutes
        totals = {policy: total(plans[policy]) for policy in policies}
        row = sizes.setdefault(path.stem.split("_")[0], {policy: [] for policy in [*policies, "bound"]})
        if value:
            for policy in policies:
                row[policy].append(totals[policy] / value)
            row["bound"].append(bound / value)
        mark = "" if not ref else ("*" if ref["optimal"] else "~")
        ratios = "".join(f"{totals[p] / value if value else float('nan'):>11.3f}" for p in policies)
        print(
            f"{path.stem:<14}"
            + "".join(f"{totals[p]:>10}" for p in policies)
            + f"{(str(value) + mark) if value else '—':>11}{ratios}"
            + f"{(bound / value) if value else float('nan'):>8.3f}{plans['planner'].seconds:>10.2f}"
            + (f"{plans['search'].seconds:>10.2f}" if args.search else "")
        )
    print("geometric mean (worst instance)")
    for size, row in sizes.items():
        if row["planner"]:
            print(
                f"  {size:<6} "
                + "   ".join(f"{p} {geomean(row[p]):.3f} ({max(row[p]):.3f})" for p in policies)
                + f"   bound {geomean(row['bound']):.3f}"
            )
    print("reference: * proven optimal by CP-SAT, ~ best found within the time limit")


if __name__ == "__main__":
    main()
