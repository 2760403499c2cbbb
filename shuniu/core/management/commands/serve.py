from __future__ import annotations

import os
import sys
from pathlib import Path
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


def static_digest() -> str:
    """What the static sources are now: every file's path, size and time of change."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def static_stamp() -> Path:
    return Path(settings.STATIC_ROOT) / ".shuniu-static-stamp"


def static_changed() -> bool:
    """Whether collectstatic has to run: never run, or the sources changed since (an upgrade)."""
    stamp = static_stamp()  # written after a collectstatic that succeeded, inside what it filled
    return not (stamp.exists() and stamp.read_text() == static_digest())


def collect_static_once() -> None:
    """collectstatic when the sources changed, one instance at a time (two servers may start together)."""
    import fcntl

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    with (Path(settings.STATIC_ROOT) / ".shuniu-static-lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if static_changed():
            call_command("collectstatic", interactive=False, verbosity=0)
            static_stamp().write_text(static_digest())


class Command(BaseCommand):
    help = "以 gunicorn 运行生产服务（静态文件由 whitenoise 提供）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("SHUNIU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SHUNIU_WORKERS", "3")))
        parser.add_argument(
            "--timeout", type=int, default=int(os.environ.get("SHUNIU_TIMEOUT", "60")), help="请求超时（秒）"
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=int(os.environ.get("SHUNIU_GRACEFUL_TIMEOUT", "30")),
            help="重启或停止时等待进行中的请求（秒）；平滑重载：kill -HUP 主进程",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            exposed = demo_accounts_with_demo_password()
            if exposed:
                raise CommandError(
                    "拒绝启动：以下示例账号仍使用公开的示例密码，请先修改密码或停用：" + "、".join(exposed)
                )
        if options["workers"] < 1:
            raise CommandError("--workers 至少为 1。")
        collect_static_once()
        # The client's address in the access log: behind our proxy, the one it reports.
        who = "%({x-forwarded-for}i)s" if settings.TRUST_PROXY else "%(h)s"
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "shuniu.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--timeout",
            str(options["timeout"]),
            "--graceful-timeout",
            str(options["graceful_timeout"]),
            "--access-logfile",
            "-",
            "--access-logformat",
            f'{who} "%(r)s" %(s)s %(b)s %(M)sms',
        ]
        self.stdout.write(f"枢纽生产服务启动于 http://{options['bind']}/")
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
