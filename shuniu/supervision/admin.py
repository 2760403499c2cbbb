"""The administrator's table of default deadlines (督办时限标准); changes are audited (core.admin)."""

from __future__ import annotations

from django.contrib import admin

from shuniu.core.admin import AuditedAdmin
from shuniu.supervision.models import TimeLimit


@admin.register(TimeLimit)
class TimeLimitAdmin(AuditedAdmin):
    list_display = ["source", "unit", "normal", "urgent", "hard", "note"]
    ordering = ["source"]
