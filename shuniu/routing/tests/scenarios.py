"""Small hand-made and random scenarios for the engine's tests."""

from __future__ import annotations

from hypothesis import strategies as st

from shuniu.routing.jsonio import parse_time
from shuniu.routing.model import Document, Leader, Plan, Scenario

DAY = 24 * 60
BASE = parse_time("2026-03-02T00:00:00+08:00", "test")[0]  # a Monday


def office_windows(days: int = 10, gaps: dict[int, tuple[int, int]] | None = None) -> tuple[tuple[int, int], ...]:
    """08:30–12:00 and 14:30–18:00 on weekdays; `gaps` maps a day to an absent (start, end) in minutes."""
    windows = []
    for day in range(days):
        if day % 7 >= 5:
            continue
        for a, b in ((8 * 60 + 30, 12 * 60), (14 * 60 + 30, 18 * 60)):
            start, end = BASE + day * DAY + a, BASE + day * DAY + b
            if gaps and day in gaps:
                g0, g1 = BASE + day * DAY + gaps[day][0], BASE + day * DAY + gaps[day][1]
                if g0 > start:
                    windows.append((start, min(end, g0)))
                if g1 < end:
                    windows.append((max(start, g1), end))
                continue
            windows.append((start, end))
    return tuple(w for w in windows if w[1] > w[0])


def leaders(count: int, days: int = 10) -> tuple[Leader, ...]:
    return tuple(Leader(f"L{i + 1:02d}", f"领导{i + 1}", i + 1, office_windows(days)) for i in range(count))


def document(
    doc_id: str,
    arrival: int,
    readers: list[str],
    *,
    minutes: int = 10,
    urgency: str = "平件",
    due_hours: int = 48,
    before: list[tuple[str, str]] | None = None,
    max_copies: int = 1,
) -> Document:
    return Document(
        doc_id,
        arrival,
        urgency,
        arrival + due_hours * 60,
        tuple(readers),
        tuple((r, minutes) for r in readers),
        tuple(before or ()),
        max_copies,
    )


def scenario(docs: list[Document], count: int = 4, days: int = 10) -> Scenario:
    return Scenario(BASE, 480, 10, 5, leaders(count, days), tuple(sorted(docs, key=lambda d: (d.arrival, d.id))))


@st.composite
def random_scenarios(draw: st.DrawFn) -> Scenario:
    count = draw(st.integers(min_value=1, max_value=5))
    ids = [f"L{i + 1:02d}" for i in range(count)]
    people = []
    for i, lid in enumerate(ids):
        gaps = draw(
            st.dictionaries(
                st.integers(min_value=0, max_value=9),
                st.tuples(
                    st.integers(min_value=8 * 60, max_value=17 * 60), st.integers(min_value=30, max_value=600)
                ).map(lambda t: (t[0], t[0] + t[1])),
                max_size=4,
            )
        )
        people.append(Leader(lid, lid, i + 1, office_windows(12, gaps)))
    docs = []
    for n in range(draw(st.integers(min_value=1, max_value=12))):
        readers = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=count, unique=True))
        before = []
        if len(readers) > 1 and draw(st.booleans()):
            before = [(readers[0], r) for r in readers[1:]]
        arrival = BASE + draw(st.integers(min_value=0, max_value=4 * DAY))
        docs.append(
            Document(
                f"D{n:03d}",
                arrival,
                draw(st.sampled_from(["特急", "加急", "平件"])),
                arrival + draw(st.integers(min_value=60, max_value=3 * DAY)),
                tuple(readers),
                tuple((r, draw(st.integers(min_value=1, max_value=45))) for r in readers),
                tuple(before),
                draw(st.integers(min_value=1, max_value=4)),
            )
        )
    docs.sort(key=lambda d: (d.arrival, d.id))
    return Scenario(BASE, 480, draw(st.integers(0, 15)), draw(st.integers(0, 10)), tuple(people), tuple(docs))


def cut(month: Scenario, t: int) -> Scenario:
    """The month as known at time t: the documents that arrived by then."""
    return Scenario(
        month.start,
        month.offset_minutes,
        month.handoff,
        month.copy_minutes,
        month.leaders,
        tuple(d for d in month.documents if d.arrival <= t),
    )


def begun_before(plan: Plan, t: int) -> list[tuple[str, int, str, int, int]]:
    """Every visit of `plan` that starts before t: (document, copy, leader, start, end), sorted."""
    return sorted(
        (doc.id, k, v.leader, v.start, v.end)
        for doc in plan.documents
        for k, copy in enumerate(doc.copies)
        for v in copy
        if v.start < t
    )
