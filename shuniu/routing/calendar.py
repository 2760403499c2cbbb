"""Questions about a leader's availability windows."""

from __future__ import annotations

from bisect import bisect_right


class Windows:
    """A leader's sorted, disjoint availability windows."""

    __slots__ = ("ends", "starts")

    def __init__(self, windows: tuple[tuple[int, int], ...]) -> None:
        self.starts = [s for s, _ in windows]
        self.ends = [e for _, e in windows]

    def containing(self, moment: int) -> tuple[int, int] | None:
        i = bisect_right(self.starts, moment) - 1
        if i >= 0 and self.ends[i] > moment:
            return self.starts[i], self.ends[i]
        return None

    def next_start(self, moment: int) -> int | None:
        """`moment` itself if it is inside a window, else the start of the next window."""
        if self.containing(moment) is not None:
            return moment
        i = bisect_right(self.starts, moment)
        return self.starts[i] if i < len(self.starts) else None

    def earliest_fit(self, ready: int, duration: int) -> int | None:
        """The earliest start ≥ ready of an uninterrupted reading inside one window."""
        i = bisect_right(self.ends, ready)
        for j in range(i, len(self.ends)):
            begin = max(self.starts[j], ready)
            if begin + duration <= self.ends[j]:
                return begin
        return None
