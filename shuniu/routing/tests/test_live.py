"""Planning from the present state, as the documents module asks for it."""

from shuniu.routing.live import LiveCopy, LiveDocument, plan_live

from .scenarios import BASE, document, leaders

NINE = BASE + 9 * 60


def test_free_copies_reach_readers_after_a_handoff_and_respect_order() -> None:
    doc = document("7", NINE, ["L01", "L02", "L03"], before=[("L01", "L02")], max_copies=2)
    plan = plan_live(leaders(3), [LiveDocument(doc, (), (LiveCopy(), LiveCopy()))], NINE, 10)
    visits = {v.leader: v for route in plan.routes["7"] for v in route}
    assert set(visits) == {"L01", "L02", "L03"}
    assert min(v.start for v in visits.values()) >= NINE + 10
    assert visits["L02"].start >= visits["L01"].end
    assert plan.done("7") == max(v.end for v in visits.values())


def test_a_copy_on_a_desk_keeps_its_reader_first() -> None:
    doc = document("8", NINE, ["L01", "L02"], max_copies=1)
    plan = plan_live(leaders(2), [LiveDocument(doc, (), (LiveCopy("L02", NINE),))], NINE, 10)
    route = plan.routes["8"][0]
    assert [v.leader for v in route] == ["L02", "L01"]
    assert route[0].start == NINE
    assert route[1].start >= route[0].end + 10


def test_signed_readers_are_not_planned_again() -> None:
    doc = document("9", NINE, ["L01", "L02"], before=[("L01", "L02")], max_copies=1)
    plan = plan_live(leaders(2), [LiveDocument(doc, (("L01", NINE - 30),), (LiveCopy(),))], NINE, 10)
    assert [v.leader for v in plan.routes["9"][0]] == ["L02"]


def test_two_documents_share_a_leader_without_overlap_urgent_first() -> None:
    slow = document("1", NINE, ["L01"], minutes=60)
    fast = document("2", NINE + 1, ["L01"], minutes=10, urgency="特急", due_hours=2)
    plan = plan_live(
        leaders(1), [LiveDocument(slow, (), (LiveCopy(),)), LiveDocument(fast, (), (LiveCopy(),))], NINE, 10
    )
    first, second = plan.routes["2"][0][0], plan.routes["1"][0][0]
    assert first.end <= second.start  # the urgent one reads first, no overlap


def test_an_overdue_urgent_document_with_every_copy_on_a_desk() -> None:
    doc = document("3", NINE - 120, ["L01", "L02"], urgency="特急", due_hours=1, max_copies=2)
    copies = (LiveCopy("L01", NINE), LiveCopy("L02", NINE))
    plan = plan_live(leaders(2), [LiveDocument(doc, (), copies)], NINE, 10)
    assert [[v.leader for v in route] for route in plan.routes["3"]] == [["L01"], ["L02"]]
