"""The engine's types: frozen dataclasses in and out, times as whole minutes since the Unix epoch."""

from __future__ import annotations

from dataclasses import dataclass, field

URGENCIES = ("特急", "加急", "平件")
URGENT = frozenset({"特急", "加急"})


class RoutingError(ValueError):
    """Bad input, or a problem the engine cannot solve (named item, Chinese-free plain message)."""


@dataclass(frozen=True)
class Leader:
    id: str
    name: str
    rank: int
    windows: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Document:
    id: str
    arrival: int
    urgency: str
    due: int
    readers: tuple[str, ...]
    read_minutes: tuple[tuple[str, int], ...]
    before: tuple[tuple[str, str], ...]
    max_copies: int

    @property
    def minutes(self) -> dict[str, int]:
        return dict(self.read_minutes)

    @property
    def preds(self) -> dict[str, tuple[str, ...]]:
        """Each reader's readers that must finish first (from `before`)."""
        preds: dict[str, list[str]] = {r: [] for r in self.readers}
        for a, b in self.before:
            preds[b].append(a)
        return {r: tuple(p) for r, p in preds.items()}

    @property
    def urgent(self) -> bool:
        return self.urgency in URGENT


@dataclass(frozen=True)
class Scenario:
    start: int
    offset_minutes: int
    handoff: int
    copy_minutes: int
    leaders: tuple[Leader, ...]
    documents: tuple[Document, ...]

    def leader_map(self) -> dict[str, Leader]:
        return {leader.id: leader for leader in self.leaders}


@dataclass(frozen=True)
class Visit:
    leader: str
    start: int
    end: int


@dataclass(frozen=True)
class DocumentPlan:
    id: str
    copies: tuple[tuple[Visit, ...], ...]

    @property
    def done(self) -> int:
        return max(visit.end for copy in self.copies for visit in copy)


@dataclass(frozen=True)
class Plan:
    documents: tuple[DocumentPlan, ...]
    policy: str = ""
    seconds: float = field(default=0.0, compare=False)
