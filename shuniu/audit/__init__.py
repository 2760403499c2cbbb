"""The audit log. Services call `audit.record(actor=, action=, obj=, data=)` inside their transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shuniu.audit.models import AuditEntry


def record(*, actor: Any, action: str, obj: Any = None, data: dict[str, Any] | None = None) -> AuditEntry:
    from shuniu.audit.services import record as _record

    return _record(actor=actor, action=action, obj=obj, data=data)
