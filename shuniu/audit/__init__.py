"""The audit log. Services call `audit.record(actor=, action=, obj=, data=)` inside their transaction.

A service runs under `@audit.atomic`: one transaction whose audit entries are written as its last step.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    from shuniu.audit.models import AuditEntry

P = ParamSpec("P")
R = TypeVar("R")


def record(*, actor: Any, action: str, obj: Any = None, data: dict[str, Any] | None = None) -> AuditEntry:
    from shuniu.audit.services import record as _record

    return _record(actor=actor, action=action, obj=obj, data=data)


def atomic(func: Callable[P, R]) -> Callable[P, R]:
    from shuniu.audit.services import atomic as _atomic

    return _atomic(func)


def deferred_transaction() -> AbstractContextManager[None]:
    """`atomic` as a `with` block (for a function that must return rather than raise on refusal)."""
    from shuniu.audit.services import deferred_transaction as _deferred_transaction

    return _deferred_transaction()


def apply_changes(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set `values` on `obj` (not saved) and return what changed, ``{field: [before, after]}``, in words.

    For the audit record of an edit: choices by their labels, related objects by name, times local.
    """
    from shuniu.audit.services import apply_changes as _apply

    return _apply(obj, values)
