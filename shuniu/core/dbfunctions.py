"""Database functions the ORM lacks, written once for SQLite and PostgreSQL, and how a statement is planned."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import FloatField, Func, QuerySet


def counts(**rows: QuerySet[Any]) -> dict[str, int]:
    """How many rows each queryset holds, all read in one statement (a scalar subquery each).

    Each count is its queryset's own statement, planned on its own (its own index), so nothing is
    scanned that a separate `count()` would not read: only the round trips and the statements' overhead
    are saved (the clerk's workbench asks five). The querysets carry their scopes, as everywhere.
    """
    found = dict.fromkeys(rows, 0)
    asked: list[str] = []
    parts: list[str] = []
    params: list[Any] = []
    for name, queryset in rows.items():
        query = queryset.query
        whole = query.is_sliced or query.distinct or query.group_by is not None or query.combinator
        unordered = queryset if query.is_sliced else queryset.order_by()  # the order matters to a slice only
        try:  # a slice, DISTINCT, a GROUP BY or a UNION counted as it is, as Django's count() does
            sql, more = (unordered if whole else unordered.values("pk")).query.sql_with_params()
        except EmptyResultSet:  # none() by its very conditions: 0, and nothing asked
            continue
        asked.append(name)
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")  # noqa: S608 - the ORM's SQL; values are parameters
        params.extend(more)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            found.update(zip(asked, cursor.fetchone() or (), strict=True))
    return found


@contextmanager
def unprepared() -> Iterator[None]:
    """PostgreSQL: the statements run inside are never prepared, so each is planned with its values.

    Elsewhere a statement run five times on a connection is prepared (settings), and from its sixth run
    PostgreSQL may choose one plan for any values and keep it for the connection (`plan_cache_mode`
    `auto`). For a statement whose best plan depends on its values (the search's: a kind's GIN index
    is partial, a word is rare or common) that plan can be a cliff: forced, a leader's 督办 took 2.4 s
    instead of 12 ms. Also usable as a decorator. Nothing changes on SQLite.
    """
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw: Any = connection.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = None  # psycopg: neither counted nor prepared, nor run as prepared before
    try:
        yield
    finally:
        raw.prepare_threshold = before


class EpochSeconds(Func):
    """A moment as seconds since 1970, computed by the database itself.

    Differences of two give a duration as a number that `Avg` and `Max` take natively: Django's own
    duration arithmetic on SQLite calls a Python function for every row (the board's month of
    circulation times spent 60 ms there).
    """

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::double precision")
