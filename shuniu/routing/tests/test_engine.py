"""The engine alone: feasibility, online behaviour, determinism, edge cases, the bound."""

from __future__ import annotations

import ast
import itertools
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from shuniu.routing.bounds import lower_bound
from shuniu.routing.check import metrics, violations
from shuniu.routing.generate import Options, generate
from shuniu.routing.model import Document, DocumentPlan, RoutingError, Scenario
from shuniu.routing.simulate import POLICIES, simulate

from .scenarios import BASE, DAY, begun_before, cut, document, random_scenarios, scenario

PACKAGE = Path(__file__).resolve().parent.parent


def test_the_package_imports_nothing_outside_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"shuniu"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in allowed or (top == "shuniu" and not name.startswith("shuniu.routing")):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


@pytest.mark.parametrize("policy", POLICIES)
def test_a_generated_month_is_feasible_for_every_policy(policy: str) -> None:
    month = generate(Options(seed=7, days=10, docs_per_day=20))
    plan = simulate(month, policy)
    assert violations(month, plan) == []


def test_the_planner_beats_b1_and_b1_beats_b0_on_a_month() -> None:
    month = generate(Options(seed=11, days=14))
    means = {policy: metrics(month, simulate(month, policy)).mean_hours for policy in POLICIES}
    bound = lower_bound(month)
    assert bound <= means["planner"] < means["B1"] < means["B0"]


@pytest.mark.parametrize("policy", POLICIES)
def test_runs_are_identical(policy: str) -> None:
    month = generate(Options(seed=3, days=7))
    assert simulate(month, policy) == simulate(month, policy)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("day", [2, 5])
def test_online_visits_before_t_do_not_depend_on_later_arrivals(policy: str, day: int) -> None:
    month = generate(Options(seed=5, days=10))
    t = month.start + day * DAY + 11 * 60 + 7
    full = simulate(month, policy)
    part = simulate(cut(month, t), policy)

    assert begun_before(full, t) == begun_before(part, t)
    assert begun_before(part, t)  # the cut leaves something to compare


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_scenarios())
def test_every_policy_is_feasible_and_above_the_bound(month: Scenario) -> None:
    bound = lower_bound(month)
    for policy in POLICIES:
        plan = simulate(month, policy)
        assert violations(month, plan) == [], policy
        assert metrics(month, plan).mean_hours >= bound - 1e-9, policy


class TestEdgeCases:
    def plan(self, docs: list[Document], count: int = 4, policy: str = "planner") -> DocumentPlan:
        month = scenario(docs, count)
        plan = simulate(month, policy)
        assert violations(month, plan) == []
        return plan.documents[0]

    @pytest.mark.parametrize("policy", POLICIES)
    def test_one_reader(self, policy: str) -> None:
        doc = self.plan([document("D1", BASE + 9 * 60, ["L02"])], policy=policy)
        assert [[v.leader for v in c] for c in doc.copies] == [["L02"]]

    @pytest.mark.parametrize("policy", POLICIES)
    def test_a_chain_through_all_readers(self, policy: str) -> None:
        readers = ["L04", "L02", "L03", "L01"]
        chain = list(itertools.pairwise(readers))
        doc = self.plan([document("D1", BASE + 9 * 60, readers, before=chain, max_copies=4)], policy=policy)
        visits = sorted((v for c in doc.copies for v in c), key=lambda v: v.start)
        assert [v.leader for v in visits] == readers

    @pytest.mark.parametrize("policy", POLICIES)
    def test_one_copy_twelve_readers(self, policy: str) -> None:
        readers = [f"L{i:02d}" for i in range(1, 13)]
        doc = self.plan([document("D1", BASE + 9 * 60, readers, max_copies=1)], count=12, policy=policy)
        assert len(doc.copies) == 1
        assert len(doc.copies[0]) == 12

    def test_several_copies_go_out_in_parallel(self) -> None:
        readers = ["L01", "L02", "L03"]
        doc = self.plan([document("D1", BASE + 9 * 60, readers, max_copies=3)])
        assert len(doc.copies) == 3
        assert doc.done <= BASE + 9 * 60 + 10 + 10 + 10  # all three read at once

    @pytest.mark.parametrize("policy", POLICIES)
    def test_a_reader_with_no_window_left_is_a_clear_error(self, policy: str) -> None:
        late = BASE + 9 * DAY + 17 * 60  # the last window of the horizon closes at 18:00
        month = scenario([document("D9", late, ["L03"], minutes=90)])
        with pytest.raises(RoutingError, match=r"document D9: leader L03 has no window left"):
            simulate(month, policy)
