"""Telling circulation at once that a leader's time changed, without the modules importing each other.

Whatever changes when a leader can read — an engagement saved, moved or deleted, a delegation, a
calendar override — calls `availability_changed_after_commit` inside its transaction. Once that
transaction commits, `availability_changed` is sent, and the documents module replans circulation in
the same request: a copy is never carried to an office its reader has just left because the plan
waited for the worker's next round.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection, transaction
from django.dispatch import Signal

from shuniu.core.models import User

# Sent after the commit of a change to leaders' availability; receivers get `actor` (None: the system)
# and `leaders`, the ids of the leaders whose time changed (None: everyone's, e.g. a holiday).
availability_changed = Signal()
_PENDING = "shuniu_availability_pending"  # on the connection: this transaction's announcement, if any


class _Pending:
    """One transaction's announcement: every change in it, sent once after its commit."""

    def __init__(self) -> None:
        self.actor: User | None = None
        self.leaders: set[int] | None = set()

    def add(self, actor: User | None, leaders: Collection[int] | None) -> None:
        self.actor = self.actor or actor
        if self.leaders is not None:
            self.leaders = None if leaders is None else self.leaders | set(leaders)

    def send(self) -> None:
        named = None if self.leaders is None else frozenset(self.leaders)
        availability_changed.send(sender=User, actor=self.actor, leaders=named)


def availability_changed_after_commit(actor: User | None, leaders: Collection[int] | None = None) -> None:
    """Announce, once the current transaction commits, that these leaders' availability changed.

    Once per transaction however many changes it makes (an import of fifty engagements replans once);
    a transaction rolled back announces nothing; outside a transaction the announcement is at once.
    """
    pending = getattr(connection, _PENDING, None)
    if pending is not None and any(entry[1] == pending.send for entry in connection.run_on_commit):
        pending.add(actor, leaders)  # this transaction already announces: add to it
        return
    pending = _Pending()
    pending.add(actor, leaders)
    setattr(connection, _PENDING, pending)
    transaction.on_commit(pending.send)
