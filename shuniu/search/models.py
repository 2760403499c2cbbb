"""The one search index (SPEC §6): a row per searchable record of every module.

A row holds what the results list shows (a title and a line, never personal data) and `terms`, the
record's text as overlapping two-character pieces (`search.terms`). SQLite keeps `terms` in an FTS5
table beside it (migration 0001) and PostgreSQL in a generated `tsvector` column (0001) with a GIN
index for each kind (0002). The kind's token is in the text for SQLite's sake; PostgreSQL's statements
filter on the kind instead, which picks the kind's index. Who may see a record is never stored here: each search asks the record's own module
inside the same query.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Entry(models.Model):
    """One record of a module, as the search index knows it."""

    kind = models.CharField("类别", max_length=20)  # a registered kind: document, matter, petition…
    object_id = models.BigIntegerField()
    title = models.CharField("标题", max_length=300)
    detail = models.CharField("摘要", max_length=300, blank=True)
    terms = models.TextField(editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "检索索引"
        verbose_name_plural = "检索索引"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]
        indexes = [models.Index(fields=["kind", "id"], name="search_entry_kind_newest")]  # a kind's newest first

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.title}"
