"""Background work of the core, run by `shuniu worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shuniu import audit
from shuniu.core.drafts import drafts_purge


@db_periodic_task(crontab(hour="1", minute="15"))
def purge_drafts() -> int:
    """Every night: drafts past their days go (they may hold a petitioner's sealed ID number)."""
    with audit.deferred_transaction():
        deleted = drafts_purge()
        if deleted:
            audit.record(actor=None, action="draft.purge", obj=None, data={"deleted": deleted})
    return deleted
