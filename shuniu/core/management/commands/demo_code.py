from __future__ import annotations

from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shuniu.core.models import SecondFactor


class Command(BaseCommand):
    help = "演示用：显示某个演示账号的验证器 App 当前的两步验证码（只在演示环境可用）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="账号，如 fenghui")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_PASSWORD_ALLOWED:
            raise CommandError("只在演示环境（DEBUG=1）可用：正式环境的验证码只在本人手机上。")
        factor = SecondFactor.objects.filter(user__username=options["username"], confirmed_at__isnull=False).first()
        if factor is None:
            raise CommandError(f"账号 {options['username']} 没有启用两步验证。")
        self.stdout.write(f"{pyotp.TOTP(factor.secret).now()}（30 秒内有效，每个验证码只能用一次）")
