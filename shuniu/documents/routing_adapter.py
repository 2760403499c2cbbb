"""The one place where circulation asks "where does this copy go next?".

Today it answers with rule B1 of ROUTING.md (the essay's rules by hand): among the readers not yet
visited whose predecessors have signed, the one who is in when the copy would arrive, lowest rank
first; if nobody is in, the one who can start soonest; if nobody is eligible, the copy waits in the
office. Switching to the routing engine's planner means changing this module only: convert the
documents in circulation and the leaders' availability into `shuniu.routing` types here, and answer
from the plan. Nothing else in the app knows how the next reader is chosen.
"""

from __future__ import annotations

import datetime as dt

from shuniu.core.models import User
from shuniu.documents.models import Document, Reading
from shuniu.schedules.selectors import availability, is_available

HANDOFF = dt.timedelta(minutes=10)
LOOKAHEAD = dt.timedelta(days=30)
URGENT_COPIES_ONLY = True  # B1: only 特急/加急 go out as several copies


def copies_to_make(document: Document, copies_allowed: int, readers: int) -> int:
    """How many copies circulate: B1 sends urgent documents as min(allowed, readers), others as one."""
    if URGENT_COPIES_ONLY and document.urgency_rank > 1:
        return 1
    return max(1, min(copies_allowed, readers))


def _rank(leader: User) -> int:
    profile = getattr(leader, "leader_profile", None)
    return profile.rank if profile is not None else 10_000


def eligible_readers(document: Document) -> list[Reading]:
    """Readings nobody is carrying a copy to yet whose predecessors have all signed."""
    readings = list(document.readings.select_related("leader__leader_profile"))
    signed = {r.leader_id for r in readings if r.signed_at is not None}
    preds: dict[int, set[int]] = {}
    for first_id, then_id in document.order_constraints.values_list("first_id", "then_id"):
        preds.setdefault(then_id, set()).add(first_id)
    return [
        r for r in readings if r.signed_at is None and r.copy_id is None and preds.get(r.leader_id, set()) <= signed
    ]


def next_destination(document: Document, now: dt.datetime, *, skip: set[int] | None = None) -> Reading | None:
    """The reading a copy leaving a desk (or the office) at `now` should go to, or None to wait."""
    candidates = [r for r in eligible_readers(document) if not skip or r.leader_id not in skip]
    if not candidates:
        return None
    arrive = now + HANDOFF
    present = [r for r in candidates if is_available(r.leader, arrive)]
    if present:
        return min(present, key=lambda r: (_rank(r.leader), r.leader_id))

    def soonest(reading: Reading) -> tuple[dt.datetime, int, int]:
        windows = availability(reading.leader, arrive, arrive + LOOKAHEAD)
        start = windows[0][0] if windows else arrive + LOOKAHEAD
        return start, _rank(reading.leader), reading.leader_id

    return min(candidates, key=soonest)


def predicted_completion(document: Document, now: dt.datetime) -> dt.datetime | None:
    """When the last unsigned reader could sign, if each read at their next office time (a floor)."""
    latest = None
    for reading in document.readings.select_related("leader").filter(signed_at__isnull=True):
        windows = availability(reading.leader, now + HANDOFF, now + LOOKAHEAD)
        if not windows:
            return None
        start = windows[0][0]
        latest = start if latest is None or start > latest else latest
    return latest
