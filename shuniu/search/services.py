"""Writes of the search index: one record's entry, in the transaction of the write that changed it; a rebuild."""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from shuniu import audit
from shuniu.search import terms
from shuniu.search.models import Entry
from shuniu.search.registry import Kind, kind_of, kinds

BATCH = 2000


def _fields(kind: Kind, obj: models.Model) -> dict[str, object]:
    record = kind.record(obj)
    return {
        "title": record.title[:300],
        "detail": record.detail[:300],
        "terms": terms.index_text(record.text, kind.key),
        "updated_at": timezone.now(),
    }


def entry_update(obj: models.Model) -> None:
    """Index `obj` anew (its module calls this from the service that changed its text, in that transaction).

    Not audited on its own: it is part of the audited write that calls it.
    """
    kind = kind_of(obj)
    entry = Entry.objects.select_for_update().filter(kind=kind.key, object_id=obj.pk).first()  # then read the text:
    fields = _fields(kind, obj)  # two writers at once (two leaders' instructions) each index the other's too
    if entry is None:
        Entry.objects.create(kind=kind.key, object_id=obj.pk, **fields)
    else:
        Entry.objects.filter(pk=entry.pk).update(**fields)


def entry_remove(obj: models.Model) -> None:
    """Take a deleted record out of the index."""
    Entry.objects.filter(kind=kind_of(obj).key, object_id=obj.pk).delete()


def _index_all(kind: Kind, records: QuerySet[Any]) -> int:
    """Entries for `records` in bulk, in the records' order; how many."""
    batch: list[Entry] = []
    count = 0
    for obj in records.order_by("pk").iterator(chunk_size=BATCH):  # entries in the records' order
        batch.append(Entry(kind=kind.key, object_id=obj.pk, **_fields(kind, obj)))
        if len(batch) >= BATCH:
            Entry.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    Entry.objects.bulk_create(batch)
    return count + len(batch)


def _merge() -> None:
    """SQLite: merge the FTS5 index's segments after many entries were written at once.

    A rebuild leaves them in many: a phrase at a million entries was read in 8.5 ms instead of 2.4.
    Merging takes 5 s at that size.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_entry_fts(search_entry_fts) VALUES ('optimize')")


def index_rebuild(*, only: str = "") -> dict[str, int]:
    """Index every record of every kind (or of the kind `only`) from scratch; returns the count per kind."""
    counts: dict[str, int] = {}
    for kind in kinds():
        if only and kind.key != only:
            continue
        with audit.deferred_transaction():
            Entry.objects.filter(kind=kind.key).delete()
            counts[kind.key] = _index_all(kind, kind.all_records())
            audit.record(actor=None, action="search.rebuild", data={"kind": kind.key, "count": counts[kind.key]})
    _merge()
    return counts


def index_missing() -> dict[str, int]:
    """Index the records that have no entry yet (loaded without a service: the demo, an import); the count per kind.

    Audited only where it indexed something, so running it again changes nothing.
    """
    counts: dict[str, int] = {}
    for kind in kinds():
        with audit.deferred_transaction():
            indexed = Entry.objects.filter(kind=kind.key, object_id=OuterRef("pk"))
            counts[kind.key] = _index_all(kind, kind.all_records().filter(~Exists(indexed)))
            if counts[kind.key]:
                audit.record(
                    actor=None,
                    action="search.rebuild",
                    data={"kind": kind.key, "count": counts[kind.key], "missing": True},
                )
    if any(counts.values()):
        _merge()
    return counts
