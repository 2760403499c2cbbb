"""Background work of the documents module, run by `shuniu worker`."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from shuniu.core.models import User
from shuniu.documents import routing_adapter
from shuniu.documents.services import circulation_follow, unit_copies_chase

log = logging.getLogger("shuniu.routing")


@db_periodic_task(crontab(minute="*/5"))
def refresh_circulation() -> int:
    """Every five minutes: chase units that have not signed; follow the schedules (`circulation_follow`).

    The safety net — schedule changes are followed at once (`follow_schedules`) — and what no change
    announces: a trip entered days ahead that has begun now. Returns how many copies went elsewhere.
    """
    unit_copies_chase()
    return len(circulation_follow(actor=None))


def follow_schedules(sender: Any, *, actor: User | None, leaders: Collection[int] | None = None, **kwargs: Any) -> None:
    """`core.availability.availability_changed`: replan in the request that changed a leader's time.

    The change has committed; should planning fail, it is logged and the worker's round replans.
    """
    try:
        circulation_follow(actor=actor, leaders=leaders)
    except Exception:  # the schedule is saved; the office must not see an error for the plan
        log.exception("日程变动后的即时重新规划失败，将由后台定时刷新补上。")


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
