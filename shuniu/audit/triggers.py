"""The audit log is append-only in the database itself, not only in the application.

Triggers refuse every UPDATE and DELETE of an audit entry or checkpoint (and TRUNCATE on PostgreSQL), so
neither a bug, a careless script nor the admin site can rewrite history. Someone who owns the database
can drop a trigger; the keyed chain and the exported checkpoints are what catch that (README, "审计日志").

Installed after every `migrate` (audit/apps.py), which is also how an administrator puts them back.
`lifted()` is what such a person does — and what the test database's flush does between tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("audit_auditentry", "audit_auditcheckpoint")
MESSAGE = "审计记录只能追加，不能修改或删除"
_FUNCTION = "shuniu_audit_append_only"


def _create_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$"
        ]
        for table in TABLES:
            statements += [
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()",
            ]
        return statements
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            for table in TABLES
            for verb in ("UPDATE", "DELETE")
        ]
    return []  # another database: the keyed chain still shows any change


def _drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}"
            for table in TABLES
            for name in ("append_only", "no_truncate")
        ] + [f"DROP FUNCTION IF EXISTS {_FUNCTION}()"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for table in TABLES for verb in ("update", "delete")]
    return []


def _run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create(connection: BaseDatabaseWrapper) -> None:
    """Install the triggers (idempotent: what is there is replaced)."""
    _run(connection, _drop_sql(connection.vendor) + _create_sql(connection.vendor))


def drop(connection: BaseDatabaseWrapper) -> None:
    _run(connection, _drop_sql(connection.vendor))


def installed(connection: BaseDatabaseWrapper) -> bool:
    """Whether the entries' triggers are in place (the auditor's page warns when they are not)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s", [f"{TABLES[0]}_append_only"])
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s", [f"{TABLES[0]}_no_delete"]
            )
        else:
            return False
        row = cursor.fetchone()
    return bool(row and row[0])


@contextmanager
def lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Without the triggers for a moment, then with them again whatever happened."""
    drop(connection)
    try:
        yield
    finally:
        create(connection)
