from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shuniu.audit.services import parse_checkpoints, verify, verify_against


class Command(BaseCommand):
    help = "校验审计日志的 HMAC-SM3 链，指出第一条断裂的记录；--checkpoint 另对照先前导出的检查点。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint", metavar="FILE", help="先前导出的检查点文件（shuniu audit-checkpoint 的输出）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["checkpoint"]:
            try:
                text = Path(options["checkpoint"]).read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"无法读取检查点文件：{exc.strerror}") from None
            points = parse_checkpoints(text)
            if not points:
                raise CommandError("文件中没有检查点（应为 shuniu-audit-checkpoint seq=… hash=… 的行）。")
            result = verify_against(points)
            if result.ok:
                self.stdout.write(self.style.SUCCESS(f"{result.message()}与 {len(points)} 个检查点一致。"))
                return
        else:
            result = verify()
        if not result.ok:
            raise CommandError(result.message())
        self.stdout.write(self.style.SUCCESS(result.message()))
