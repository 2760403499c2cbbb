"""Writing to the audit log and verifying its chain."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from shuniu.audit.chain import GENESIS, canonical_at, entry_hash, mask_text, scrub
from shuniu.audit.models import AuditCheckpoint, AuditEntry, AuditHead


def entry_fields(entry: AuditEntry) -> dict[str, Any]:
    """The fields of an entry its hash covers."""
    return {
        "seq": entry.seq,
        "at": canonical_at(entry.at),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "data": entry.data,
    }


P = ParamSpec("P")
R = TypeVar("R")


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction.

    Called from every service that writes; the entry commits or rolls back with the change it
    describes. Secrets and full ID/phone numbers are scrubbed from `data` before they are stored.
    Inside `atomic` (below) the entry is appended when the service's work is done, as the last
    thing in its transaction, so the chain's head row is locked only for the moment of commit.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the caller's transaction (transaction.atomic).")
    actor_pk = getattr(actor, "pk", None)
    entry = AuditEntry(
        at=timezone.now(),
        actor_id=actor_pk,
        actor_name=str(actor)[:100] if actor_pk else "系统",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=mask_text(_label_of(obj))[:200] if obj is not None else "",
        data=scrub(data or {}),
    )
    pending: list[AuditEntry] | None = getattr(connection, "shuniu_audit_pending", None)
    if pending is not None:
        pending.append(entry)
        return entry
    _append([entry])
    return entry


def _label_of(obj: models.Model) -> str:
    """Name an object as the log does: by its own `audit_label` where it has one, else by its text.

    A classified document is named by number only: the auditor's clearance may be lower than its.
    """
    label = getattr(obj, "audit_label", None)
    return str(label() if callable(label) else obj)


def _append(entries: list[AuditEntry]) -> None:
    """Chain `entries` onto the head, under the head row's lock."""
    if not entries:
        return
    # The head row is made by a migration; get_or_create also survives a test database flush.
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
    seq, prev = head.seq, head.hash
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = entry_hash(prev_hash=prev, fields=entry_fields(entry), key=settings.AUDIT_KEY)
        prev = entry.hash
    AuditEntry.objects.bulk_create(entries)
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)


@contextmanager
def _deferred() -> Iterator[None]:
    outermost = getattr(connection, "shuniu_audit_pending", None) is None
    if outermost:
        connection.shuniu_audit_pending = []  # type: ignore[attr-defined]
    try:
        yield
        if outermost:
            _append(connection.shuniu_audit_pending)  # type: ignore[attr-defined]
    finally:
        if outermost:
            connection.shuniu_audit_pending = None  # type: ignore[attr-defined]


@contextmanager
def deferred_transaction() -> Iterator[None]:
    """`atomic` as a block: a transaction whose audit entries are appended last, just before it commits."""
    with transaction.atomic(), _deferred():
        yield


def atomic(func: Callable[P, R]) -> Callable[P, R]:
    """A service's transaction whose audit entries are written last, just before it commits.

    Every service that changes state runs under this (instead of plain `transaction.atomic`): the
    work (which may take a while, e.g. replanning circulation) runs first without holding the audit
    chain's head row, which every other write in the office needs; the entries follow at the end.
    Nested services share the outermost one's list.
    """

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with deferred_transaction():
            return func(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class VerifyResult:
    """What a check of the hash chain found: how many entries it checked and where the chain breaks, if it does."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    def message(self) -> str:
        """The result in one Chinese sentence, for the auditor's page and the `audit_verify` command."""
        if self.ok:
            return f"审计链完整：共校验 {self.checked} 条记录。"
        return f"审计链在第 {self.broken_seq} 条记录处断裂：{self.reason}"


def verify() -> VerifyResult:
    """Walk the chain in sequence order and name the first entry that does not hold."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    with transaction.atomic():
        head = AuditHead.objects.filter(pk=1).first() or AuditHead(seq=0, hash=GENESIS)
        for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
            if entry.seq != expected_seq:
                return VerifyResult(
                    False,
                    checked,
                    expected_seq,
                    f"记录缺失或顺序被改动（应为第 {expected_seq} 条，实为第 {entry.seq} 条）。",
                )
            if entry.prev_hash != expected_prev:
                return VerifyResult(
                    False, checked, entry.seq, "前一条记录的哈希与本条所存不符（记录被删除、插入或调换）。"
                )
            if entry_hash(prev_hash=entry.prev_hash, fields=entry_fields(entry), key=settings.AUDIT_KEY) != entry.hash:
                return VerifyResult(False, checked, entry.seq, "记录内容与其哈希不符（记录被篡改）。")
            expected_prev = entry.hash
            expected_seq += 1
            checked += 1
        if head.seq != checked or head.hash != expected_prev:
            return VerifyResult(
                False,
                checked,
                checked + 1 if head.seq > checked else head.seq,
                "链尾与记录不符（最后的记录被删除或链头被改动）。",
            )
    return VerifyResult(True, checked)


def _in_words(obj: models.Model, name: str, value: Any) -> Any:
    field = obj._meta.get_field(name)
    choices = dict(getattr(field, "choices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def apply_changes(obj: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set `values` on `obj` (not saved); return ``{field: [before, after]}`` of what changed, in words."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [_in_words(obj, name, old), _in_words(obj, name, value)]
            setattr(obj, name, value)
    return changes


def checkpoint_make() -> AuditCheckpoint:
    """Take the chain's head as it stands (under its lock) as a checkpoint."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        return AuditCheckpoint.objects.create(seq=head.seq, hash=head.hash)


_CHECKPOINT_RE = re.compile(r"shuniu-audit-checkpoint seq=(\d+) hash=([0-9a-f]{64})(?: at=(\S+))?")


def parse_checkpoints(text: str) -> list[tuple[int, str]]:
    """The (seq, hash) of every checkpoint line in an exported file; other lines are ignored."""
    return [(int(m.group(1)), m.group(2)) for m in _CHECKPOINT_RE.finditer(text)]


def verify_against(checkpoints: list[tuple[int, str]]) -> VerifyResult:
    """The chain holds, and every checkpoint taken earlier is still in it: nothing rewritten or cut since."""
    result = verify()
    if not result.ok:
        return result
    for seq, digest in sorted(checkpoints):
        if seq == 0:
            continue
        entry = AuditEntry.objects.filter(seq=seq).only("hash").first()
        if entry is None:
            return VerifyResult(False, result.checked, seq, "检查点所记的记录已不存在（日志在检查点之后被截断）。")
        if entry.hash != digest:
            return VerifyResult(False, result.checked, seq, "记录与检查点不符（检查点之前的日志被改写）。")
    return VerifyResult(True, result.checked)
