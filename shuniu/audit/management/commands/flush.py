"""`flush`, for test databases only: the audit log's triggers are lifted for it and put back after.

A database that holds audit entries is refused unless settings.AUDIT_FLUSH_ALLOWED (set by the test
plugin, never by the environment): the log is kept at least 180 days and nothing deletes it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections

from shuniu.audit import triggers


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if not getattr(settings, "AUDIT_FLUSH_ALLOWED", False):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {triggers.TABLES[0]} LIMIT 1")  # noqa: S608 - a constant
                if cursor.fetchone():
                    raise CommandError(
                        "数据库中有审计记录，不能清空：审计日志至少保存 180 天（flush 只用于测试数据库）。"
                    )
        with triggers.lifted(connection):
            super().handle(**options)
