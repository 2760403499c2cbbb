from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections

from shuniu.audit.services import verify
from shuniu.core.backup import BackupRejected, key_check, manifest_read, restore
from shuniu.core.files import attachment_root
from shuniu.core.services import read_recorded


class Command(BaseCommand):
    help = "恢复：把 shuniu backup 的归档恢复到空数据库和空附件目录，并校验审计链。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="备份归档（shuniu-backup-….tar.gz）")
        parser.add_argument(
            "--other-key", action="store_true", help="审计密钥与备份时不同也恢复（审计链将无法校验，不建议）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        connections.close_all()
        try:
            manifest = manifest_read(archive)
            if manifest.key_check != key_check(settings.AUDIT_KEY) and not options["other_key"]:
                raise BackupRejected(
                    "当前审计密钥与备份时不同：恢复后审计链将无法校验。请配置备份时使用的密钥"
                    "（SHUNIU_AUDIT_KEY 或 SHUNIU_AUDIT_KEY_FILE）后再恢复。"
                )
            restore(archive, database=connection.settings_dict, attachments=attachment_root())
        except BackupRejected as exc:
            raise CommandError(str(exc)) from None
        connections.close_all()
        call_command("migrate", interactive=False, verbosity=0)
        result = verify()
        read_recorded(actor=None, action="backup.restore", data={"archive": archive.name, "made_at": manifest.made_at})
        self.stdout.write(f"已恢复：{archive.name}（备份于 {manifest.made_at}，附件 {len(manifest.files) - 1} 个）。")
        if not result.ok:
            raise CommandError(f"恢复后审计链校验未通过：{result.message()}")
        self.stdout.write(f"审计链完整：共 {result.checked} 条。")
