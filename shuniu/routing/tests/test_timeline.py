"""A leader's free time against a set of minutes: reservations, and the free time between two moments."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuniu.routing.timeline import FreeTime


def minutes_of(free: FreeTime) -> set[int]:
    return {m for s, e in zip(free.starts, free.ends, strict=True) for m in range(s, e)}


@settings(deadline=None)
@given(st.lists(st.integers(1, 30), min_size=2, max_size=12), st.data())
def test_a_reservation_takes_exactly_its_minutes_out_of_the_free_time(cuts: list[int], data: st.DataObject) -> None:
    """A reservation inside a free interval removes just those minutes, leaving every interval non-empty,
    sorted and apart."""
    bounds = list(itertools.accumulate(cuts))
    intervals = list(itertools.pairwise(bounds))[::2]  # every other gap: disjoint intervals, none empty
    free = FreeTime(intervals)
    minutes = minutes_of(free)
    for _ in range(data.draw(st.integers(1, 4))):
        if not free.starts:
            break
        index = data.draw(st.integers(0, len(free.starts) - 1))
        lo, hi = free.starts[index], free.ends[index]
        start = data.draw(st.integers(lo, hi - 1))
        end = data.draw(st.integers(start + 1, hi))
        free.reserve(start, end)
        minutes -= set(range(start, end))
        assert minutes_of(free) == minutes
        assert all(s < e for s, e in zip(free.starts, free.ends, strict=True))
        assert all(e < s for e, s in zip(free.ends, free.starts[1:], strict=False))


@pytest.mark.parametrize(
    ("start", "end"),
    [(0, 5), (25, 30), (15, 25), (40, 50)],
    ids=["before the first interval", "in a gap", "across two intervals", "after the last"],
)
def test_a_reservation_outside_the_free_time_is_refused_and_changes_nothing(start: int, end: int) -> None:
    free = FreeTime([(10, 20), (30, 40)])
    with pytest.raises(ValueError, match="outside free time"):
        free.reserve(start, end)
    assert (free.starts, free.ends) == ([10, 30], [20, 40])


def runs(minutes: set[int]) -> list[tuple[int, int]]:
    """The set of minutes as its maximal runs [start, end)."""
    found: list[tuple[int, int]] = []
    for m in sorted(minutes):
        if found and found[-1][1] == m:
            found[-1] = (found[-1][0], m + 1)
        else:
            found.append((m, m + 1))
    return found


@settings(deadline=None)
@given(st.lists(st.integers(1, 30), min_size=2, max_size=12), st.integers(0, 200), st.integers(1, 200))
def test_the_free_time_between_two_moments_is_its_minutes_there(cuts: list[int], lo: int, length: int) -> None:
    bounds = list(itertools.accumulate(cuts))
    free = FreeTime(list(itertools.pairwise(bounds))[::2])  # apart: every run of minutes is one interval
    hi = lo + length
    assert list(free.between(lo, hi)) == runs({m for m in minutes_of(free) if lo <= m < hi})
