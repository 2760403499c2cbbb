"""Reads of the audit log, for the auditor."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.audit.vocabulary import object_label

EXPORT_LIMIT = 50_000  # rows in one Excel export (narrow the filters for more)


def entries_filtered(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, narrowed by actor, operation (or an operation prefix such as "auth."), object kind and dates."""
    entries = AuditEntry.objects.order_by("-seq")
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if action:  # an operation chosen from the list, or a prefix such as "auth."
        entries = (
            entries.filter(action=action) if not action.endswith(".") else entries.filter(action__startswith=action)
        )
    if object_type:
        entries = entries.filter(object_type=object_type)
    tz = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=dt.datetime.combine(since, dt.time.min, tz))
    if until:
        entries = entries.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tz))
    return entries


def object_types() -> list[tuple[str, str]]:
    """The kinds of object the log mentions, by their Chinese names."""
    kinds = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((kind, object_label(kind)) for kind in kinds if kind), key=lambda item: item[1])


RETENTION_DAYS = 180  # 《网络安全法》第二十一条: network logs kept for no less than six months


def retention() -> dict[str, object]:
    """The log's extent for the auditor: oldest and newest entry, count, and whether the numbers run unbroken.

    One aggregate query (and one for the append-only triggers): a gap in the sequence numbers (an entry removed) shows without walking the chain.
    """
    from django.db.models import Count, Max, Min

    found = AuditEntry.objects.aggregate(count=Count("pk"), first=Min("seq"), last=Max("seq"), oldest=Min("at"))
    count, first, last = found["count"], found["first"], found["last"]
    gap = bool(count) and (first != 1 or last - first + 1 != count)
    oldest = found["oldest"]
    covers_days = (timezone.now() - oldest).days if oldest else 0
    from django.db import connection

    from shuniu.audit import triggers

    gaps = checkpoint_gaps(since=oldest) if oldest else []
    return {
        "count": count,
        "oldest": oldest,
        "gap": gap,
        "days": covers_days,
        "required_days": RETENTION_DAYS,
        "append_only": triggers.installed(connection),
        "checkpoint_gaps": gaps[-5:],
        "checkpoint_gap_count": len(gaps),
    }


CHECKPOINT_EVERY = dt.timedelta(hours=36)  # nightly, with a day's slack for a worker restarted late


def checkpoint_gaps(*, since: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Spells of more than 36 hours without a checkpoint in the retention period (the worker was down).

    Counted from the log's first entry (or 180 days ago) to now; one query.
    """
    from shuniu.audit.models import AuditCheckpoint

    now = timezone.now()
    start = max(since, now - dt.timedelta(days=RETENTION_DAYS))
    times = list(
        AuditCheckpoint.objects.filter(made_at__gte=start).order_by("made_at").values_list("made_at", flat=True)
    )
    gaps = []
    previous = start
    for made_at in [*times, now]:
        if made_at - previous > CHECKPOINT_EVERY:
            gaps.append((previous, made_at))
        previous = made_at
    return gaps
