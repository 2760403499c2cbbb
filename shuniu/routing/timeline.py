"""A leader's free time: availability windows minus readings already placed."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable


class FreeTime:
    """Sorted, disjoint free intervals [start, end) in minutes, with earliest-fit and reservation.

    A reading must lie inside one window; reservations only ever split intervals, so every free
    interval stays inside a single window and "fits in an interval" means "fits in a window".
    """

    __slots__ = ("ends", "starts")

    def __init__(self, intervals: Iterable[tuple[int, int]] = ()) -> None:
        pairs = [(s, e) for s, e in intervals if e > s]
        self.starts = [s for s, _ in pairs]
        self.ends = [e for _, e in pairs]

    def copy(self) -> FreeTime:
        clone = FreeTime()
        clone.starts = self.starts.copy()
        clone.ends = self.ends.copy()
        return clone

    def earliest(self, ready: int, duration: int) -> int | None:
        """The earliest start ≥ ready of a `duration`-minute reading, or None if none is left."""
        index = bisect_right(self.ends, ready)
        starts, ends = self.starts, self.ends
        for i in range(index, len(ends)):
            begin = starts[i] if starts[i] > ready else ready
            if begin + duration <= ends[i]:
                return begin
        return None

    def between(self, lo: int, hi: int) -> tuple[tuple[int, int], ...]:
        """The free intervals meeting [lo, hi], clipped to it."""
        first = bisect_right(self.ends, lo)
        last = bisect_left(self.starts, hi)
        if first >= last:
            return ()
        starts, ends = self.starts[first:last], self.ends[first:last]
        # Only the first may begin before lo and only the last end after hi: the intervals are disjoint.
        if starts[0] < lo:
            starts[0] = lo
        if ends[-1] > hi:
            ends[-1] = hi
        return tuple(zip(starts, ends, strict=True))

    def free_at(self, moment: int) -> tuple[int, int] | None:
        """The free interval containing `moment`, if any."""
        index = bisect_right(self.starts, moment) - 1
        if index >= 0 and self.ends[index] > moment:
            return self.starts[index], self.ends[index]
        return None

    def next_start(self, moment: int) -> int | None:
        """The first moment ≥ `moment` that is free."""
        inside = self.free_at(moment)
        if inside is not None:
            return moment
        index = bisect_right(self.starts, moment)
        return self.starts[index] if index < len(self.starts) else None

    def reserve(self, start: int, end: int) -> None:
        """Take [start, end) out of the free time; it must lie inside one free interval."""
        starts, ends = self.starts, self.ends
        index = bisect_right(starts, start) - 1
        if index < 0 or ends[index] < end:
            raise ValueError("reservation outside free time")
        if starts[index] < start:
            if end < ends[index]:
                starts.insert(index + 1, end)
                ends.insert(index + 1, ends[index])
            ends[index] = start
        elif end < ends[index]:
            starts[index] = end
        else:
            del starts[index], ends[index]

    def drop_before(self, moment: int) -> None:
        """Forget free time that ends before `moment` (it can never be used again)."""
        index = bisect_right(self.ends, moment)
        if index:
            del self.starts[:index]
            del self.ends[:index]
