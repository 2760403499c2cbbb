from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from shuniu.core.backup import BackupRejected, backup_write
from shuniu.core.files import attachment_root
from shuniu.core.services import read_recorded


class Command(BaseCommand):
    help = "备份：把数据库和全部附件写成一个归档（含清单与校验和），办公照常进行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="", help="归档写入的目录（默认 var/backups）")

    def handle(self, *args: Any, **options: Any) -> None:
        out_dir = Path(options["output"]) if options["output"] else Path(settings.VAR_DIR) / "backups"
        started = time.monotonic()
        try:
            path, manifest = backup_write(out_dir, database=connection.settings_dict, attachments=attachment_root())
        except BackupRejected as exc:
            raise CommandError(str(exc)) from None
        read_recorded(
            actor=None,
            action="backup.make",
            data={"archive": path.name, "audit_seq": manifest.audit_seq, "files": len(manifest.files) - 1},
        )
        size = path.stat().st_size / 1024 / 1024
        self.stdout.write(
            f"已备份：{path}（{size:.1f} MB，附件 {len(manifest.files) - 1} 个，"
            f"审计记录至第 {manifest.audit_seq} 条，用时 {time.monotonic() - started:.1f} 秒）"
        )
