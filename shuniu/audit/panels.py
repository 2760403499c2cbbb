"""The auditor's workbench card: the last 24 hours of the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.core.models import Role, User
from shuniu.core.panels import Day, Panel


def panels(user: User, day: Day) -> Iterable[Panel]:
    """Entries, failed logins and lock-outs of the last 24 hours, in one query."""
    if not user.has_role(Role.AUDITOR):
        return
    counts = AuditEntry.objects.filter(at__gte=timezone.now() - dt.timedelta(days=1)).aggregate(
        today=Count("pk"),
        failed=Count("pk", filter=Q(action="auth.login_failed")),
        locked=Count("pk", filter=Q(action="auth.locked")),
    )
    yield Panel("audit/panels/recent.html", counts, 10)
