"""Command line: simulate, check, generate, bench (see ROUTING.md). Exit code 2 on bad input."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from shuniu.routing import bench
from shuniu.routing.check import metrics, violations
from shuniu.routing.generate import Options, generate, hard
from shuniu.routing.jsonio import load_plan, load_scenario, plan_to_dict, scenario_to_dict
from shuniu.routing.model import RoutingError
from shuniu.routing.simulate import POLICIES, simulate


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RoutingError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise RoutingError(f"{path}: not UTF-8 text") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shuniu.routing", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_sim = sub.add_parser("simulate", help="replay a scenario online and print the plan carried out")
    p_sim.add_argument("scenario")
    p_sim.add_argument("--policy", choices=POLICIES, default="planner")
    p_check = sub.add_parser("check", help="feasibility and metrics of a plan")
    p_check.add_argument("scenario")
    p_check.add_argument("plan")
    p_gen = sub.add_parser("generate", help="a generated month of a county office")
    p_gen.add_argument("--seed", type=int, default=1)
    p_gen.add_argument("--start", default="2026-03-02", help="first day (a Monday is usual)")
    p_gen.add_argument("--days", type=int, default=28)
    p_gen.add_argument("--leaders", type=int, default=12)
    p_gen.add_argument("--docs-per-day", type=float, default=25.0)
    p_gen.add_argument("--trip-rate", type=float, default=0.06)
    p_gen.add_argument("--classified", type=float, default=0.2)
    p_gen.add_argument("--holiday-week", action="store_true")
    p_gen.add_argument("--hard", action="store_true", help="the harder month of ROUTING.md")
    sub.add_parser("bench", help="B0, B1, planner and the lower bound on generated months")
    args = parser.parse_args(argv)
    try:
        if args.command == "simulate":
            scenario = load_scenario(_read(args.scenario))
            plan = simulate(scenario, args.policy)
            json.dump(plan_to_dict(plan, scenario.offset_minutes), sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        elif args.command == "check":
            scenario = load_scenario(_read(args.scenario))
            plan = load_plan(_read(args.plan))
            problems = violations(scenario, plan)
            report: dict[str, object] = {"feasible": not problems, "violations": problems}
            if not problems:
                report["metrics"] = metrics(scenario, plan).as_dict()
            json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
            return 0 if not problems else 1
        elif args.command == "generate":
            try:
                start = dt.date.fromisoformat(args.start)
            except ValueError:
                raise RoutingError(f"--start {args.start!r} is not a date like 2026-03-02") from None
            if args.days < 1 or args.leaders < 1 or args.leaders > 15 or args.docs_per_day < 0:
                raise RoutingError("--days ≥ 1, 1 ≤ --leaders ≤ 15 and --docs-per-day ≥ 0")
            options = (
                hard(args.seed)
                if args.hard
                else Options(
                    seed=args.seed,
                    start=start,
                    days=args.days,
                    leaders=args.leaders,
                    docs_per_day=args.docs_per_day,
                    trip_rate=args.trip_rate,
                    classified=args.classified,
                    holiday_week=args.holiday_week,
                )
            )
            json.dump(scenario_to_dict(generate(options)), sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            bench.run()
    except RoutingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
