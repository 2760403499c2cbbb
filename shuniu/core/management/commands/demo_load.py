from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from shuniu.core.demo import LOGIN_PER_ROLE, deliveries_demo_load, demo_load
from shuniu.core.models import Role, SecondFactor, User
from shuniu.documents.demo import documents_demo_load
from shuniu.knowledge.demo import knowledge_demo_load, projects_demo_load
from shuniu.notices.demo import calls_demo_load, notices_demo_load
from shuniu.petitions.demo import petitions_demo_load
from shuniu.schedules.demo import schedules_demo_load
from shuniu.search.services import index_missing
from shuniu.supervision.demo import supervision_demo_load


class Command(BaseCommand):
    help = "载入示例县（可重复执行），并列出每个角色的登录账号。"

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            demo_load()
            schedules_demo_load()
            documents_demo_load()
            supervision_demo_load()
            petitions_demo_load()
            notices_demo_load()
            calls_demo_load()
            knowledge_demo_load()
            projects_demo_load()
            deliveries_demo_load()
            index_missing()  # the directory and anything else loaded without a service
        names = dict(
            User.objects.filter(username__in=[u for _, u in LOGIN_PER_ROLE]).values_list("username", "full_name")
        )
        self.stdout.write(self.style.SUCCESS(f"示例县已载入。各角色登录账号（密码均为 {settings.DEMO_PASSWORD}）："))
        secrets = dict(SecondFactor.objects.filter(user__username__in=names).values_list("user__username", "secret"))
        for role, username in LOGIN_PER_ROLE:
            line = f"  {Role(role).label}：{username}（{names.get(username, '')}）"
            if username in secrets:
                line += f"，两步验证密钥 {secrets[username]}（验证器 App 添加，或运行 .venv/bin/shuniu demo-code {username}）"
            self.stdout.write(line)
