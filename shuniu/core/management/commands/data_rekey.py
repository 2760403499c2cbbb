from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Model

from shuniu import audit
from shuniu.core.personal import SealedField, current_key_id, key_id_of

BATCH = 500


def _stale(model: type[Model], fields: list[SealedField], current: str) -> list[Any]:
    """Rows holding a value sealed under another key than `current` (read raw, without opening them)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every concrete model has one
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(pk.column)}, {columns} FROM {quote(model._meta.db_table)}")  # noqa: S608
        return [row[0] for row in cursor.fetchall() if any(v and key_id_of(v) != current for v in row[1:])]


class Command(BaseCommand):
    help = "个人信息密钥轮换：把用旧密钥加密的字段改用当前密钥（SHUNIU_DATA_KEYS 的第一个）重新加密。"

    def handle(self, *args: Any, **options: Any) -> None:
        current = current_key_id()
        total = 0
        for model in apps.get_models():
            if model._meta.proxy:
                continue
            fields = [f for f in model._meta.local_concrete_fields if isinstance(f, SealedField)]
            if not fields:
                continue
            stale = _stale(model, fields, current)
            for start in range(0, len(stale), BATCH):
                batch = stale[start : start + BATCH]
                with audit.deferred_transaction():
                    for obj in model._base_manager.select_for_update().filter(pk__in=batch):
                        obj.save(update_fields=[f.name for f in fields])  # opened with the old key, sealed anew
                    audit.record(
                        actor=None,
                        action="personal.rekey",
                        data={"model": model._meta.label, "rows": len(batch), "key": current},
                    )
            total += len(stale)
            self.stdout.write(f"{model._meta.verbose_name}：{len(stale)} 条已改用密钥 {current} 加密")
            left = _stale(model, fields, current)  # a server still on the old key list may have sealed more
            if left:
                raise CommandError(
                    f"{model._meta.verbose_name}仍有 {len(left)} 条用旧密钥加密："
                    "请先让所有服务改用新的密钥配置并重启，再运行本命令。"
                )
        self.stdout.write(f"完成，共 {total} 条。")
