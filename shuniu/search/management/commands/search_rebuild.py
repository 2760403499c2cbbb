"""`shuniu search-rebuild`: index every record of every module anew (after an import, a restore, a new kind)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shuniu.search.registry import KINDS
from shuniu.search.services import index_rebuild


class Command(BaseCommand):
    help = "重建全文检索索引（全部或某一类）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", default="", choices=["", *KINDS], help="只重建这一类")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = index_rebuild(only=options["kind"])
        labels = {key: kind.label for key, kind in KINDS.items()}
        for key, count in counts.items():
            self.stdout.write(f"{labels[key]}：{count} 条")
        self.stdout.write(f"检索索引已重建，共 {sum(counts.values())} 条。")
