from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

from shuniu import audit
from shuniu.core.personal import SealedField, current_key_id, key_id_of

BATCH = 500


class Command(BaseCommand):
    help = "个人信息密钥轮换：把用旧密钥加密的字段改用当前密钥（SHUNIU_DATA_KEYS 的第一个）重新加密。"

    def handle(self, *args: Any, **options: Any) -> None:
        current = current_key_id()
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, SealedField)]
            if not fields:
                continue
            table, pk = connection.ops.quote_name(model._meta.db_table), model._meta.pk
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            with connection.cursor() as cursor:  # the stored (sealed) text, to see which key sealed it
                cursor.execute(f"SELECT {connection.ops.quote_name(pk.column)}, {columns} FROM {table}")  # noqa: S608
                stale = [row[0] for row in cursor.fetchall() if any(v and key_id_of(v) != current for v in row[1:])]
            for start in range(0, len(stale), BATCH):
                batch = stale[start : start + BATCH]
                with audit.deferred_transaction():
                    for obj in model._default_manager.select_for_update().filter(pk__in=batch):
                        obj.save(update_fields=[f.name for f in fields])  # opened with the old key, sealed anew
                    audit.record(
                        actor=None,
                        action="personal.rekey",
                        data={"model": model._meta.label, "rows": len(batch), "key": current},
                    )
            total += len(stale)
            self.stdout.write(f"{model._meta.verbose_name}：{len(stale)} 条已改用密钥 {current} 加密")
        self.stdout.write(f"完成，共 {total} 条。")
