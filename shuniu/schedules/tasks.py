"""Background work of the schedules module, run by `shuniu worker` (huey's consumer)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from shuniu.schedules.services import reminders_send_due


@db_periodic_task(crontab(minute="*"))
def send_due_reminders() -> int:
    """Every minute: send the key-work reminders that have come due (each exactly once)."""
    return reminders_send_due(now=timezone.now())
