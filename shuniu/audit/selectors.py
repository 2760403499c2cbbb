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
