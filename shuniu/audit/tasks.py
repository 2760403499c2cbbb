"""Background work of the audit log, run by `shuniu worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shuniu.audit.services import checkpoint_make


@db_periodic_task(crontab(hour="0", minute="5"))
def daily_checkpoint() -> str:
    """Every night: a checkpoint of the chain's head, for the auditor to export and keep elsewhere."""
    return checkpoint_make().line()
