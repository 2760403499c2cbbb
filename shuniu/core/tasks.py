"""Background work of the core, run by `shuniu worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from shuniu import audit
from shuniu.core.delivery import deliveries_send
from shuniu.core.drafts import drafts_purge


@db_task()
def send_deliveries() -> None:
    """Right after a commit that made deliveries: send what is due."""
    deliveries_send()


@db_periodic_task(crontab(minute="*"))
def sweep_deliveries() -> int:
    """Every minute: send what is due — retries, the end of someone's quiet hours, anything a wake-up missed."""
    return sum(deliveries_send().values())


@db_periodic_task(crontab(hour="1", minute="15"))
def purge_drafts() -> int:
    """Every night: drafts past their days go (they may hold a petitioner's sealed ID number)."""
    with audit.deferred_transaction():
        deleted = drafts_purge()
        if deleted:
            audit.record(actor=None, action="draft.purge", obj=None, data={"deleted": deleted})
    return deleted
