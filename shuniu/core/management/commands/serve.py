from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shuniu.core.demo import DEMO_USERNAMES
from shuniu.core.models import User


def demo_accounts_with_demo_password() -> list[str]:
    """Demo accounts whose password is still the published demo password."""
    users = User.objects.filter(username__in=DEMO_USERNAMES, is_active=True)
    return sorted(user.username for user in users if user.check_password(settings.DEMO_PASSWORD))


class Command(BaseCommand):
    help = "以 gunicorn 运行生产服务（静态文件由 whitenoise 提供）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("SHUNIU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SHUNIU_WORKERS", "3")))

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            exposed = demo_accounts_with_demo_password()
            if exposed:
                raise CommandError(
                    "拒绝启动：以下示例账号仍使用公开的示例密码，请先修改密码或停用：" + "、".join(exposed)
                )
        if options["workers"] < 1:
            raise CommandError("--workers 至少为 1。")
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "shuniu.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
        ]
        self.stdout.write(f"枢纽生产服务启动于 http://{options['bind']}/")
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
