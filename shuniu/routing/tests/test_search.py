"""The improvement search over readings: feasible, never worse than the planner's own plan, deterministic."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings

from shuniu.routing.check import violations
from shuniu.routing.generate import Options, generate
from shuniu.routing.model import Document, Leader, Plan, Scenario, Visit
from shuniu.routing.planner import OnlinePlanner, _State, simulate_planner
from shuniu.routing.search import NONE, Budget, improve
from shuniu.routing.timeline import FreeTime

from .scenarios import BASE, DAY, begun_before, cut, random_scenarios

SEARCH = Budget(evaluations=400, placements=100_000)

# Taillard's first 4×4 open-shop instance (benchmarks/openshop): four documents, four leaders always in.
TA4X4_1 = ((34, 2, 54, 61), (15, 89, 70, 9), (38, 19, 28, 87), (95, 7, 34, 29))


def open_shop(times: tuple[tuple[int, ...], ...]) -> Scenario:
    leaders = tuple(Leader(f"M{m}", f"M{m}", m + 1, ((BASE, BASE + 10_000),)) for m in range(len(times[0])))
    documents = tuple(
        Document(
            f"J{j}",
            BASE,
            "平件",
            BASE + 10_000,
            tuple(leader.id for leader in leaders),
            tuple((f"M{m}", minutes) for m, minutes in enumerate(row)),
            (),
            1,
        )
        for j, row in enumerate(times)
    )
    return Scenario(BASE, 480, 0, 0, leaders, documents)


def score(scenario: Scenario, plan: Plan) -> tuple[int, int]:
    due = {d.id: d.due for d in scenario.documents if d.urgent}
    late = sum(1 for p in plan.documents if p.id in due and p.done > due[p.id])
    return late, sum(p.done for p in plan.documents)


def test_a_replan_with_room_for_too_few_plans_searches_not_at_all() -> None:
    """`fewest`: the budget's plans for a replan, none where fewer than that many fit."""
    budget = Budget(evaluations=1000, placements=5000, fewest=50)
    assert [budget.plans(n) for n in (4, 50, 100, 101, 400)] == [1000, 100, 50, 0, 0]
    assert Budget(evaluations=1000, placements=5000).plans(400) == 12
    shop = open_shop(TA4X4_1)  # sixteen readings: 312 plans fit, unless 400 are asked for
    assert simulate_planner(shop, replace(SEARCH, placements=5000, fewest=400)) == simulate_planner(shop, NONE)
    assert simulate_planner(shop, replace(SEARCH, placements=5000, fewest=300)) != simulate_planner(shop, NONE)


def test_a_plan_shorter_by_less_than_the_margin_is_not_taken() -> None:
    """`margin`: the searched plan must shorten the remaining circulation by that share, or the planner's stays."""
    shop = open_shop(TA4X4_1)  # one replan, at BASE
    alone, searched = simulate_planner(shop, NONE), simulate_planner(shop, SEARCH)
    gain = (score(shop, alone)[1] - score(shop, searched)[1]) / (score(shop, alone)[1] - BASE * len(shop.documents))
    assert gain > 0
    assert simulate_planner(shop, replace(SEARCH, margin=gain * 0.99)) == searched
    assert simulate_planner(shop, replace(SEARCH, margin=gain * 1.01)) == alone


def test_the_search_finds_a_shorter_plan_than_the_placement_alone() -> None:
    shop = open_shop(TA4X4_1)
    alone, searched = simulate_planner(shop, NONE), simulate_planner(shop, SEARCH)
    assert violations(shop, searched) == []
    assert score(shop, searched) < score(shop, alone)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_scenarios())
def test_one_replan_is_feasible_and_never_worse(month: Scenario) -> None:
    """Everything known at once (a single replan): the search only ever replaces a plan by a better one."""
    batch = replace(month, documents=tuple(replace(d, arrival=BASE) for d in month.documents))
    alone, searched = simulate_planner(batch, NONE), simulate_planner(batch, SEARCH)
    assert violations(batch, searched) == []
    assert score(batch, searched) <= score(batch, alone)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_scenarios())
def test_the_same_input_gives_the_same_plan(month: Scenario) -> None:
    """Arrivals over days: every replan searched, around visits already fixed — the same plan twice, feasible."""
    plan = simulate_planner(month, SEARCH)
    assert plan == simulate_planner(month, SEARCH)
    assert violations(month, plan) == []


def test_visits_before_t_do_not_depend_on_later_arrivals_with_the_search_on() -> None:
    """The engine's online cut (test_engine), with a search at every replan: what began before t stays."""
    month = generate(Options(seed=5, days=10))
    t = month.start + 5 * DAY + 11 * 60 + 7
    small = Budget(evaluations=30, placements=5_000)
    full, part = simulate_planner(month, small), simulate_planner(cut(month, t), small)

    assert begun_before(full, t) == begun_before(part, t)
    assert begun_before(part, t)
    assert full != simulate_planner(month, NONE)  # the search did change something


def test_a_replan_starts_again_from_the_list_the_last_search_kept() -> None:
    """The search's list outlives its replan: the next one is offered its readings not yet begun, then the newcomers'."""
    shop = open_shop(TA4X4_1)
    later = tuple(replace(d, id=f"L{d.id}", arrival=BASE + 30) for d in shop.documents[:2])
    planner = OnlinePlanner(replace(shop, documents=shop.documents + later), search=SEARCH)
    first = [planner._new_state(d) for d in shop.documents]
    for state in first:
        planner.prepare(state, BASE)
    planner.replan(BASE, first)
    assert planner.kept  # the 4×4 search finds a better list than the placement (the test above)
    planner.advance(BASE + 30)
    newcomers = [planner._new_state(d) for d in later]
    for state in newcomers:
        planner.prepare(state, BASE + 30)
    planner.active.extend(newcomers)
    plans = {id(s): s.planned if s not in newcomers else planner._plan_first(s, BASE + 30) for s in planner.active}
    carried = planner._carried(plans)
    assert carried is not None
    begun = {(s.doc.id, r) for s in planner.active for r in s.fixed_readers()}
    kept_not_begun = [
        (d, r) for d, r in planner.kept if (d, r) not in begun and any(s.doc.id == d for s in planner.active)
    ]
    names = [(planner.active[i].doc.id, reader) for i, reader in carried]
    assert names[: len(kept_not_begun)] == kept_not_begun
    assert {d for d, _ in names[len(kept_not_begun) :]} == {"LJ0", "LJ1"}
    unplanned = sorted((planner.active[i].doc.id, r) for i, s in enumerate(planner.active) for r in planner._unfixed(s))
    assert sorted(names) == unplanned


def test_a_plan_with_fewer_urgent_documents_late_is_taken_whatever_the_margin() -> None:
    """The margin weighs only the remaining circulation: an urgent document brought back on time always counts."""
    leader = Leader("M0", "M0", 1, ((BASE, BASE + 1000),))
    note = Document("N", BASE, "平件", BASE + 1000, ("M0",), (("M0", 30),), (), 1)

    def searched(urgency: str) -> tuple[int, int] | None:
        short = Document("U", BASE, urgency, BASE + 20, ("M0",), (("M0", 10),), (), 1)
        states = [_State(doc, 1, {"M0": ()}, [[]]) for doc in (note, short)]
        plans = [[[Visit("M0", BASE, BASE + 30)]], [[Visit("M0", BASE + 30, BASE + 40)]]]  # the note first
        late = 1 if short.urgent else 0
        found = improve(
            states,
            plans,
            (late, 2 * BASE + 70),
            {"M0": FreeTime(leader.windows)},
            now=BASE,
            handoff=0,
            copy_minutes=0,
            budget=replace(SEARCH, margin=1.0),
        )
        return None if found is None else found[0]

    assert searched("特急") == (0, 2 * BASE + 50)  # U read first: on time, though no margin could be met
    assert searched("平件") is None  # the same plan, but only shorter: held back by the margin
