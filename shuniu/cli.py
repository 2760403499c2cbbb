"""The `shuniu` console command: django-admin with Shuniu's settings."""

from __future__ import annotations

import os
import sys

# Shuniu's own commands are spelt with a hyphen on the command line (`shuniu demo-load`).
ALIASES = {
    "demo-load": "demo_load",
    "demo-code": "demo_code",
    "backup": "backup",
    "restore": "restore",
    "audit-verify": "audit_verify",
    "audit-checkpoint": "audit_checkpoint",
    "worker": "run_huey",
    "search-rebuild": "search_rebuild",
}


PRIVATE_UMASK = 0o077  # files the service creates (database, attachments, backups) are its own: 0600 / 0700


def main(argv: list[str] | None = None) -> None:
    os.umask(PRIVATE_UMASK)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        args[0] = ALIASES.get(args[0], args[0])
    execute_from_command_line(["shuniu", *args])


if __name__ == "__main__":
    main()
