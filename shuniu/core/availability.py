"""Telling circulation at once that a leader's time changed, without the modules importing each other.

Whatever changes when a leader can read — an engagement saved, moved or deleted, a delegation, a
calendar override — calls `availability_changed_after_commit` inside its transaction. Once that
transaction commits, `availability_changed` is sent, and the documents module replans circulation in the same request: a copy is never carried to
an office its reader has just left because the plan waited for the worker's next round.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from shuniu.core.models import User

# Sent after the commit of a change to leaders' availability; receivers get `actor` (None: the system)
# and `leaders`, the ids of the leaders whose time changed (None: everyone's, e.g. a holiday).
availability_changed = Signal()


def availability_changed_after_commit(actor: User | None, leaders: Collection[int] | None = None) -> None:
    """Announce, once the current transaction commits, that these leaders' availability changed.

    A transaction rolled back announces nothing; outside a transaction the announcement is at once.
    """
    named = None if leaders is None else frozenset(leaders)
    transaction.on_commit(lambda: availability_changed.send(sender=User, actor=actor, leaders=named))


def calendar_override_changed(sender: Any, **kwargs: Any) -> None:
    """A working day or holiday set by hand (the admin's calendar) changes every leader's office time."""
    availability_changed_after_commit(None)  # every leader's office time
