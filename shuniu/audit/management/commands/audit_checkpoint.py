from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shuniu.audit.services import checkpoint_make


class Command(BaseCommand):
    help = "记下审计链此刻的链头（检查点）并输出一行文本：请打印、另存或发送到别处保管。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(checkpoint_make().line())
