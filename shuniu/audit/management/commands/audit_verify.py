from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shuniu.audit.services import verify


class Command(BaseCommand):
    help = "校验审计日志的 SM3 哈希链，指出第一条断裂的记录。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if not result.ok:
            raise CommandError(result.message())
        self.stdout.write(self.style.SUCCESS(result.message()))
