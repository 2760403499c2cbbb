"""Re-key the audit chain: every link becomes HMAC-SM3 under the audit key kept outside the database.

The chain written before (plain SM3) is checked first; a chain that is already broken is not
re-keyed (that would launder the break) and the migration stops with the entry to look at.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import migrations

from shuniu.audit.chain import GENESIS, canonical_at, entry_hash


def _fields(entry: Any) -> dict[str, Any]:
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


def rekey(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("audit", "AuditEntry")
    head_model = apps.get_model("audit", "AuditHead")
    old_prev = new_prev = GENESIS
    expected = 1
    for entry in entry_model.objects.order_by("seq").iterator(chunk_size=2000):
        fields = _fields(entry)
        if (
            entry.seq != expected
            or entry.prev_hash != old_prev
            or entry_hash(prev_hash=old_prev, fields=fields) != entry.hash
        ):
            raise RuntimeError(
                f"审计链在第 {entry.seq} 条记录处已断裂，不能改为密钥链；请先用 shuniu audit-verify 调查。"
            )
        old_prev = entry.hash
        entry.prev_hash = new_prev
        entry.hash = entry_hash(prev_hash=new_prev, fields=fields, key=settings.AUDIT_KEY)
        new_prev = entry.hash
        entry.save(update_fields=["prev_hash", "hash"])
        expected += 1
    head_model.objects.filter(pk=1).update(hash=new_prev)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_actor_kept")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
