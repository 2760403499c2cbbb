"""The improvement search on the nine generated months: the planner alone against its default search.

Run:  .venv/bin/python benchmarks/routing_search.py            (two processes; about 3 minutes here)
      .venv/bin/python benchmarks/routing_search.py --spread   also the planner's own spread
      .venv/bin/python benchmarks/routing_search.py --hard 5 16   hard seeds 5 to 16 instead
      .venv/bin/python benchmarks/routing_search.py --shifts 6   instead: each month 0 to 6 minutes later

For each month (the bench's five and typical 4–5, hard 3–4), the mean circulation time of the planner
with the search off (`search.NONE`), then at the default budget (`search.DEFAULT`) with three seeds of the
search's generator (seed 1 is the default), and the seconds of the whole online month at the default.
`--spread` adds the planner alone with four small changes of its own constants (boost trials 2 and 4
instead of 3, the rollout limit 6 and 8 instead of 7): how far a month's mean moves when nothing but a
detail of the placement changes, so a reader can tell a gain from the month's own sensitivity. Every plan
is checked for feasibility; a run the planner cannot finish inside the generated leaders' windows (a
RoutingError) shows as a dash. `--shifts N` instead replays each month N + 1 times, every arrival and due
time 0, 1, …, N minutes later (the leaders' time unchanged), alone and at the default: months as alike as
that, to tell what a month's figure owes to its exact minutes. No assertions: the figures go into the
README.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shuniu.routing import planner
from shuniu.routing.check import metrics, violations
from shuniu.routing.generate import Options, generate, hard
from shuniu.routing.model import RoutingError
from shuniu.routing.search import DEFAULT, NONE

MONTHS: list[tuple[str, Options]] = [
    *((f"typical {seed}", Options(seed=seed)) for seed in range(1, 6)),
    *((f"hard {seed}", hard(seed)) for seed in range(1, 5)),
]
SEEDS = (1, 2, 3)
CHANGES = (("BOOST_TRIALS", 2), ("BOOST_TRIALS", 4), ("ROLLOUT_LIMIT", 6), ("ROLLOUT_LIMIT", 8))


def one(
    months: list[tuple[str, Options]], month: int, seed: int | None, change: tuple[str, int] | None, shift: int = 0
) -> tuple[float, float]:
    """The month's mean hours and the planner's seconds: at the default with this seed, or alone (None);
    NaN where the planner cannot finish the month inside the leaders' windows. `shift`: every document
    arrives (and is due) that many minutes later."""
    if change is not None:
        setattr(planner, *change)  # a process of its own: the change ends with the task
    scenario = generate(months[month][1])
    if shift:
        later = tuple(replace(d, arrival=d.arrival + shift, due=d.due + shift) for d in scenario.documents)
        scenario = replace(scenario, documents=later)
    began = time.perf_counter()
    try:
        plan = planner.simulate_planner(scenario, NONE if seed is None else replace(DEFAULT, seed=seed))
    except RoutingError:
        return math.nan, math.nan
    seconds = time.perf_counter() - began
    problems = violations(scenario, plan)
    if problems:
        raise RuntimeError(f"{months[month][0]}: {problems[0]}")
    return metrics(scenario, plan).mean_hours, seconds


def cell(value: float, spec: str) -> str:
    """A column of nine: the value, or a dash for a run the planner could not finish."""
    return f"{'—' if math.isnan(value) else format(value, spec):>9}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spread", action="store_true", help="also the planner alone with small changes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hard", type=int, nargs=2, metavar=("FIRST", "LAST"), help="hard seeds FIRST to LAST instead")
    parser.add_argument("--shifts", type=int, metavar="N", help="instead: each month 0 to N minutes later")
    args = parser.parse_args()
    months = MONTHS if not args.hard else [(f"hard {s}", hard(s)) for s in range(args.hard[0], args.hard[1] + 1)]
    if args.shifts is not None:
        shifted(months, args.shifts, args.workers)
        return
    tasks: list[tuple[list[tuple[str, Options]], int, int | None, tuple[str, int] | None]] = []
    for m in range(len(months)):
        tasks += [(months, m, None, None), *((months, m, seed, None) for seed in SEEDS)]
        if args.spread:
            tasks += [(months, m, None, change) for change in CHANGES]
    with ProcessPoolExecutor(args.workers, max_tasks_per_child=1) as pool:
        found = list(pool.map(one, *zip(*tasks, strict=True)))
    results = {task[1:]: value for task, value in zip(tasks, found, strict=True)}
    head = f"{'month':<11}{'planner':>9}{'default':>9}" + "".join(f"{f'seed {s}':>9}" for s in SEEDS[1:])
    head += f"{'change':>9}{'seconds':>9}{'(alone)':>9}" + (
        f"{'spread of the planner alone':>30}" if args.spread else ""
    )
    print(head)
    for m, (name, _) in enumerate(months):
        alone, alone_seconds = results[(m, None, None)]
        searched = [results[(m, seed, None)][0] for seed in SEEDS]
        line = f"{name:<11}" + "".join(cell(value, ".3f") for value in (alone, *searched))
        line += cell((searched[0] - alone) / alone, "+.2%")
        line += cell(results[(m, SEEDS[0], None)][1], ".1f") + cell(alone_seconds, ".1f")
        if args.spread:
            spread = [value for change in CHANGES if not math.isnan(value := results[(m, None, change)][0])]
            line += f"{f'{min(spread):.3f}–{max(spread):.3f}' if spread else '—':>30}"
        print(line, flush=True)
    print(f"default: {DEFAULT}; change: the default (seed {SEEDS[0]}) against the planner alone")


def shifted(months: list[tuple[str, Options]], last: int, workers: int) -> None:
    """Each month 0 to `last` minutes later, alone and at the default: means, ranges, shifts shortened."""
    shifts = range(last + 1)
    tasks = [(months, m, seed, None, k) for m in range(len(months)) for seed in (None, SEEDS[0]) for k in shifts]
    with ProcessPoolExecutor(workers, max_tasks_per_child=1) as pool:
        found = list(pool.map(one, *zip(*tasks, strict=True)))
    hours = {(task[1], task[2], task[4]): value[0] for task, value in zip(tasks, found, strict=True)}
    print(f"{'month':<11}{'planner alone: mean (range)':>32}{'default: mean (range)':>32}{'change':>9}  shorter")
    for m, (name, _) in enumerate(months):
        alone = [hours[(m, None, k)] for k in shifts]
        searched = [hours[(m, SEEDS[0], k)] for k in shifts]
        if any(math.isnan(value) for value in (*alone, *searched)):
            print(f"{name:<11}{'—':>32}{'—':>32}")
            continue
        line = f"{name:<11}"
        for values in (alone, searched):
            line += f"{f'{statistics.mean(values):.3f} ({min(values):.3f}–{max(values):.3f})':>32}"
        line += cell(statistics.mean(searched) / statistics.mean(alone) - 1, "+.2%")
        line += f"  on {sum(b < a for a, b in zip(alone, searched, strict=True))} of {len(alone)}"
        print(line, flush=True)
    print(f"every arrival and due time 0–{last} minutes later; default: seed {SEEDS[0]}; change: of the means")


if __name__ == "__main__":
    main()
