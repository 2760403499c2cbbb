"""Background work of the documents module, run by `shuniu worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shuniu.documents.services import circulation_refresh


@db_periodic_task(crontab(minute="*/5"))
def refresh_circulation() -> int:
    """Every five minutes: replan with the latest schedules; send out copies waiting in the office."""
    return circulation_refresh()
