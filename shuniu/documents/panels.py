"""The documents module's workbench cards: a leader's desk, the director's approvals, the clerk's run."""

from __future__ import annotations

from collections.abc import Iterable

from shuniu.core.models import User
from shuniu.core.paging import head
from shuniu.core.panels import Day, Panel
from shuniu.core.permissions import can
from shuniu.documents import selectors


def panels(user: User, day: Day) -> Iterable[Panel]:
    """Each card only for those who act on it; every count is what this user may see."""
    keeping = selectors.desks_kept_by(user)
    if can(user, "documents.desk") or keeping:
        yield Panel(
            "documents/panels/desk.html",
            {
                "desk_count": selectors.desk(user, keeping=[d.leader_id for d in keeping]).count(),
                "instructions": can(user, "documents.desk"),  # a link: a count of ten years' 批示 says nothing
                "keeping": keeping,
            },
            10,
        )
    if can(user, "documents.approve"):
        waiting, count = head(selectors.awaiting_approval(user), 5)
        yield Panel("documents/panels/approve.html", {"count": count, "documents": waiting}, 5)
    if can(user, "documents.register"):
        figures = selectors.office_counts(user)
        yield Panel("documents/panels/office.html", figures, 30)
        if figures["sent_back"]:
            yield Panel("documents/panels/sent_back.html", {"documents": selectors.sent_back_to(user)}, 6)
    if can(user, "documents.supervise"):
        pending, count = head(selectors.pending_supervision(user), 5)
        yield Panel("documents/panels/supervise.html", {"count": count, "documents": pending}, 8)
