"""Background work run by `shuniu worker` (huey's consumer): every module's reminders."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shuniu.core.reminders import reminders_run


@db_periodic_task(crontab(minute="*"))
def send_due_reminders() -> int:
    """Every minute: ask every reminder source what is due and send each reminder exactly once."""
    return reminders_run(now=timezone.now())
