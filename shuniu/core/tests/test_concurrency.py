"""Several writers at once: no "database is locked", no lost or duplicated audit link."""

import threading

import pytest
from django.db import connection, connections, transaction

from shuniu import audit
from shuniu.audit.models import AuditEntry
from shuniu.audit.services import verify
from shuniu.core.models import Unit

WRITERS = 4
WRITES_EACH = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_all_commit_and_the_chain_holds() -> None:
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(WRITES_EACH):
                with transaction.atomic():
                    # Read first, then write: the pattern (numbering, chaining) that deadlocks a
                    # deferred SQLite transaction into "database is locked".
                    taken = Unit.objects.filter(name__startswith="并发单位").count()
                    unit = Unit.objects.create(name=f"并发单位{n}-{i}", kind="department", sort_order=taken)
                    audit.record(actor=None, action="test.concurrent", obj=unit)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Unit.objects.filter(name__startswith="并发单位").count() == WRITERS * WRITES_EACH
    assert AuditEntry.objects.filter(action="test.concurrent").count() == WRITERS * WRITES_EACH
    assert verify().ok


@pytest.mark.django_db
def test_sqlite_runs_in_wal_with_immediate_transactions() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
