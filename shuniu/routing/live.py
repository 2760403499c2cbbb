"""Planning from the office's present state (the web app's use of the planner).

`simulate` replays a scenario from its start; the office instead asks, at a moment `now`, for the
best continuation: some readers have signed, some copies lie on desks or are on their way, the rest
is free. `plan_live` plans every copy of every document in circulation from that state with the same
planner and the same order of placement (urgent documents that need it first, then the estimate of
each document's finish with the queues at its readers, with the same boosts).
"""

from __future__ import annotations

from dataclasses import dataclass

from shuniu.routing.model import Document, Leader, RoutingError, Scenario, Visit
from shuniu.routing.planner import OnlinePlanner, _State
from shuniu.routing.timeline import FreeTime


@dataclass(frozen=True)
class LiveCopy:
    """A copy now: `committed` is the reader it lies with or is being carried to (None if free)."""

    committed: str | None = None
    since: int = 0  # the earliest its committed reading can start (on the desk since, or carried until)


@dataclass(frozen=True)
class LiveDocument:
    document: Document
    signed: tuple[tuple[str, int], ...]  # (reader, minute signed)
    copies: tuple[LiveCopy, ...]


@dataclass(frozen=True)
class LivePlan:
    """Per document: the visits each copy will make from now on (committed ones first)."""

    routes: dict[str, tuple[tuple[Visit, ...], ...]]

    def done(self, doc_id: str) -> int | None:
        visits = [v for route in self.routes.get(doc_id, ()) for v in route]
        return max((v.end for v in visits), default=None)


def plan_live(leaders: tuple[Leader, ...], documents: list[LiveDocument], now: int, handoff: int) -> LivePlan:
    """Plan every unsigned reading of every document from `now` on, as the online planner would."""
    free = {leader.id: FreeTime(leader.windows) for leader in leaders}
    for ft in free.values():
        ft.drop_before(now)
    states: list[_State] = []
    committed: dict[str, list[list[Visit]]] = {}
    for live in sorted(documents, key=lambda live: live.document.id):
        doc = live.document
        minutes = doc.minutes
        signed = dict(live.signed)
        fixed: list[list[Visit]] = [[] for _ in live.copies]
        # Signed readings only matter for order constraints (they are over): park them on the first
        # copy, ending now, so that a free copy still needs a handoff to reach its next reader.
        for done in sorted(signed, key=lambda r: signed[r]):
            fixed[0].insert(0, Visit(done, now - minutes.get(done, 1), now))
        on_desk: list[list[Visit]] = [[] for _ in live.copies]
        for k, copy in enumerate(live.copies):
            reader = copy.committed
            if reader is None or reader in signed:
                continue
            if reader not in free:
                raise RoutingError(f"document {doc.id}: unknown leader {reader}")
            start = free[reader].earliest(max(now, copy.since), minutes[reader])
            if start is None:
                raise RoutingError(f"document {doc.id}: leader {reader} has no window left in the horizon")
            visit = Visit(reader, start, start + minutes[reader])
            free[reader].reserve(visit.start, visit.end)
            on_desk[k].append(visit)
            fixed[k].append(visit)
        committed[doc.id] = on_desk
        states.append(
            _State(
                # The office plans from now: the arrival only decides when free copies can leave.
                Document(
                    doc.id, now, doc.urgency, doc.due, doc.readers, doc.read_minutes, doc.before, len(live.copies)
                ),
                len(live.copies),
                doc.preds,
                [list(visits) for visits in fixed],
            )
        )
    planner = OnlinePlanner(Scenario(now, 0, handoff, 0, leaders, ()), free)
    for state in states:
        planner.prepare(state, now)
    planner.replan(now, states)
    routes: dict[str, tuple[tuple[Visit, ...], ...]] = {}
    for state in states:
        on_desk = committed[state.doc.id]
        routes[state.doc.id] = tuple(tuple(on_desk[k] + state.planned[k]) for k in range(state.copies))
    return LivePlan(routes)
