"""Background work of the documents module, run by `shuniu worker`."""

from __future__ import annotations

import time

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from shuniu.documents import routing_adapter
from shuniu.documents.services import circulation_refresh


@db_periodic_task(crontab(minute="*/5"))
def refresh_circulation() -> int:
    """Every five minutes: replan with the latest schedules; send out copies waiting in the office."""
    routing_adapter.replan()
    return circulation_refresh()


_last_started = 0.0  # when this worker last began a replan (time.time())


@db_task()
def replan_circulation(queued_at: float) -> None:
    """After a copy moved: bring every copy's stored route and predicted completion up to date.

    Sign-offs in a burst queue one replan each; a replan that began after this one was queued has
    already read the change (it was committed before queueing), so this one is skipped.
    """
    global _last_started
    if queued_at < _last_started:
        return
    _last_started = time.time()
    routing_adapter.replan()
