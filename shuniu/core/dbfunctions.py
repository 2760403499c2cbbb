"""Database functions the ORM lacks, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.db.models import FloatField, Func


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
