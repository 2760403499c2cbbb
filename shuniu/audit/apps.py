from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _protect_the_log(using: str = "default", **kwargs: Any) -> None:
    """After every `migrate` the audit log's append-only triggers are in place — `migrate` is also the repair."""
    from shuniu.audit import triggers

    triggers.create(connections[using])


class AuditConfig(AppConfig):
    name = "shuniu.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        post_migrate.connect(_protect_the_log, sender=self, dispatch_uid="shuniu.audit.triggers")
