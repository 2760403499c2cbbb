"""Backup and restore: a demo county backed up while people keep working, restored elsewhere, compared."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import tarfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from pytest_django import Settings

from shuniu.audit.services import verify
from shuniu.core.backup import BackupRejected, backup_write, manifest_read, restore
from shuniu.core.files import Upload, attachment_root
from shuniu.core.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def rows_of(database: dict[str, Any], table: str) -> list[tuple[Any, ...]]:
    """Every row of a table, in primary-key order."""
    return query(database, f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - names from the introspection


def query(database: dict[str, Any], sql: str) -> list[tuple[Any, ...]]:
    """Rows read straight from a database (not through Django: the restored one is not Django's)."""
    if database["ENGINE"].endswith("sqlite3"):
        import sqlite3

        with sqlite3.connect(str(database["NAME"])) as conn:
            return list(conn.execute(sql))
    from shuniu.core.backup import _pg_connect

    with _pg_connect(database) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


@pytest.fixture
def elsewhere(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An empty database of the same kind as the test database, to restore into."""
    target = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        target["NAME"] = str(tmp_path / "restored.sqlite3")
        yield target
        return
    name = f"restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    target["NAME"] = name
    yield target
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def own_store(settings: Settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return attachment_root()


def register(n: int, *, clerk: User) -> int:
    """The clerk registers one incoming document with its scanned file (a file of its own bytes)."""
    from shuniu.documents.services import document_register

    return document_register(
        actor=clerk,
        received_at=timezone.now(),
        source_org="市委办公室",
        title=f"备份期间登记的文件{n}",
        files=[Upload(f"扫描件{n}.pdf", b"%PDF-1.4\n" + os.urandom(2048) + b"\n%%EOF\n")],
        confirm_duplicate=True,
    ).pk


def keep_registering(stop: threading.Event, made: list[int]) -> None:
    """A clerk at work, as fast as she can, until told to stop."""
    clerk = User.objects.get(username="wangfang")
    try:
        while not stop.is_set():
            made.append(register(len(made), clerk=clerk))
    finally:
        connection.close()


def assert_same_files(manifest_files: dict[str, Any], store: Path, restored_store: Path) -> None:
    for name in manifest_files:
        if name.startswith("attachments/"):
            relative = name.removeprefix("attachments/")
            assert (restored_store / relative).read_bytes() == (store / relative).read_bytes(), name


def test_backup_under_concurrent_writes_restores_a_consistent_county(
    own_store: Path, county: None, elsewhere: dict[str, Any], tmp_path: Path
) -> None:  # the store first: the demo county's own attached files go into it
    from shuniu.documents.models import SERIES, Document

    stop, made = threading.Event(), list[int]()
    writer = threading.Thread(target=keep_registering, args=(stop, made))
    writer.start()
    try:
        while len(made) < 5:  # the clerk is at work before the backup starts
            stop.wait(0.05)
        archive, manifest = backup_write(tmp_path / "backups", database=connection.settings_dict, attachments=own_store)
        after = len(made)
        while len(made) < after + 3:  # and goes on after it
            stop.wait(0.05)
    finally:
        stop.set()
        writer.join()
    restored_store = tmp_path / "restored-attachments"
    restore(archive, database=elsewhere, attachments=restored_store)

    source = connection.settings_dict
    # Rows the clerk's work goes on changing after the copy: the counters and the chain's head.
    changing = {"core_counter", "audit_audithead", "django_session"}
    for table in connection.introspection.table_names():
        if table.startswith("search_entry_fts"):  # SQLite's full-text index: its own pages, checked below
            continue
        restored, now = rows_of(elsewhere, table), {row[0]: row for row in rows_of(source, table)}
        assert len(restored) <= len(now), table
        if table not in changing:
            assert [row for row in restored if now.get(row[0]) != row] == [], f"{table}: restored rows differ"
    if connection.vendor == "sqlite":  # the restored full-text index agrees with the restored entries
        query(elsewhere, "INSERT INTO search_entry_fts(search_entry_fts, rank) VALUES ('integrity-check', 1)")
        entries = query(elsewhere, "SELECT count(*) FROM search_entry")[0][0]
        assert entries > 0
        assert query(elsewhere, "SELECT count(*) FROM search_entry_fts WHERE search_entry_fts MATCH 'one0'") == [
            (entries,)
        ]
    # A copy of one moment: numbers gapless up to the counter, the chain's head on its last entry,
    # every file the copy mentions in the archive.
    restored_documents = len(rows_of(elsewhere, "documents_document"))
    assert Document.objects.count() - len(made) + 5 <= restored_documents < Document.objects.count()
    year = timezone.localdate().year
    numbered = query(elsewhere, f"SELECT reg_seq FROM documents_document WHERE reg_year = {year}")  # noqa: S608
    seqs = sorted(seq for (seq,) in numbered)
    counter = query(elsewhere, f"SELECT last FROM core_counter WHERE series = '{SERIES}' AND year = {year}")  # noqa: S608
    assert seqs == list(range(1, len(seqs) + 1))
    assert counter == [(len(seqs),)]
    assert query(elsewhere, "SELECT seq FROM audit_audithead") == [(manifest.audit_seq,)]
    assert query(elsewhere, "SELECT max(seq) FROM audit_auditentry") == [(manifest.audit_seq,)]
    mentioned = {digest for (digest,) in query(elsewhere, "SELECT sha256 FROM core_attachment")}
    kept = {p.name for p in restored_store.rglob("*") if p.is_file()}
    assert mentioned
    assert mentioned <= kept
    assert_same_files(manifest.files, own_store, restored_store)
    assert verify().ok


def test_a_backup_at_rest_restores_every_table_and_file_exactly(
    county: None, own_store: Path, elsewhere: dict[str, Any], tmp_path: Path
) -> None:
    clerk = User.objects.get(username="wangfang")
    for n in range(3):
        register(n, clerk=clerk)
    archive, manifest = backup_write(tmp_path, database=connection.settings_dict, attachments=own_store)
    restored_store = tmp_path / "restored-attachments"
    restore(archive, database=elsewhere, attachments=restored_store)
    for table in connection.introspection.table_names():
        assert rows_of(elsewhere, table) == rows_of(connection.settings_dict, table), table
    assert len([n for n in manifest.files if n.startswith("attachments/")]) == 3
    assert_same_files(manifest.files, own_store, restored_store)
    assert sorted(p.relative_to(restored_store) for p in restored_store.rglob("*") if p.is_file()) == sorted(
        p.relative_to(own_store) for p in own_store.rglob("*") if p.is_file()
    )


class TestRefusals:
    @pytest.fixture
    def archive(self, county: None, own_store: Path, tmp_path: Path) -> Path:
        register(0, clerk=User.objects.get(username="wangfang"))
        return backup_write(tmp_path / "out", database=connection.settings_dict, attachments=own_store)[0]

    @pytest.mark.parametrize("where", ["middle", "a later member"])
    def test_a_damaged_archive_is_refused_before_anything_is_written(
        self, archive: Path, elsewhere: dict[str, Any], tmp_path: Path, where: str
    ) -> None:
        data = bytearray(archive.read_bytes())
        if where == "middle":
            data[len(data) // 2] ^= 0xFF
        else:  # a second gzip member whose first block has an invalid type: zlib's own error, mid-read
            tar = gzip.decompress(bytes(data))
            second = bytearray(gzip.compress(tar[len(tar) // 2 :], mtime=0))
            second[10] = 0xFF  # no file name in this header: the block starts at byte 10
            data = bytearray(gzip.compress(tar[: len(tar) // 2], mtime=0) + second)
        damaged = tmp_path / "damaged.tar.gz"
        damaged.write_bytes(bytes(data))
        with pytest.raises(BackupRejected, match="损坏"):
            restore(damaged, database=elsewhere, attachments=tmp_path / "files")
        assert not (tmp_path / "files").exists()
        assert _empty(elsewhere)

    def test_a_member_that_does_not_match_its_checksum_is_refused(
        self, archive: Path, elsewhere: dict[str, Any], tmp_path: Path
    ) -> None:
        forged = tmp_path / "forged.tar.gz"
        with tarfile.open(archive) as source, tarfile.open(forged, "w:gz") as target:
            for member in source.getmembers():
                body = source.extractfile(member)
                data = body.read() if body else b""
                if member.name.startswith("attachments/"):
                    data = data.replace(b"%PDF-1.4", b"%PDF-1.5")
                import io

                target.addfile(member, io.BytesIO(data))
        with pytest.raises(BackupRejected, match="校验和与清单不符"):
            restore(forged, database=elsewhere, attachments=tmp_path / "files")
        assert _empty(elsewhere)

    @pytest.mark.parametrize(
        ("member", "database_member"),
        [("attachments/../secret_key", None), ("../../evil", None), (None, "/etc/passwd")],
    )
    def test_a_crafted_manifest_cannot_write_or_read_outside_its_place(
        self,
        archive: Path,
        elsewhere: dict[str, Any],
        tmp_path: Path,
        member: str | None,
        database_member: str | None,
    ) -> None:
        import io
        import json

        crafted = tmp_path / "crafted.tar.gz"
        with tarfile.open(archive) as source, tarfile.open(crafted, "w:gz") as target:
            manifest = json.loads(source.extractfile("manifest.json").read())  # type: ignore[union-attr]
            if member:
                manifest["files"][member] = {"sha256": hashlib_of(b"evil"), "size": 4}
            if database_member:
                manifest["database_member"] = database_member
            body = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(body)
            target.addfile(info, io.BytesIO(body))
            for m in source.getmembers():
                if m.name != "manifest.json":
                    target.addfile(m, source.extractfile(m))
            if member:
                evil = tarfile.TarInfo(member)
                evil.size = 4
                target.addfile(evil, io.BytesIO(b"evil"))
        files = tmp_path / "store" / "attachments"
        with pytest.raises(BackupRejected, match="清单"):
            restore(crafted, database=elsewhere, attachments=files)
        assert not (tmp_path / "store" / "secret_key").exists()
        assert not files.exists()
        assert _empty(elsewhere)

    def test_not_a_backup_is_refused(self, db: None, elsewhere: dict[str, Any], tmp_path: Path) -> None:
        other = tmp_path / "photos.tar.gz"
        with tarfile.open(other, "w:gz") as tar:
            tar.add(__file__, arcname="x.py")
        with pytest.raises(BackupRejected, match="不是枢纽的备份"):
            restore(other, database=elsewhere, attachments=tmp_path / "files")
        (tmp_path / "empty.tar.gz").write_bytes(b"")
        with pytest.raises(BackupRejected, match="损坏"):
            manifest_read(tmp_path / "empty.tar.gz")

    def test_a_database_that_is_not_empty_is_refused(self, archive: Path, tmp_path: Path) -> None:
        with pytest.raises(BackupRejected, match="不是空的"):
            restore(archive, database=connection.settings_dict, attachments=tmp_path / "files")

    def test_an_archive_from_the_other_database_is_refused(
        self, archive: Path, elsewhere: dict[str, Any], tmp_path: Path
    ) -> None:
        other = dict(elsewhere)
        other["ENGINE"] = (
            "django.db.backends.postgresql" if connection.vendor == "sqlite" else "django.db.backends.sqlite3"
        )
        with pytest.raises(BackupRejected, match="当前数据库是"):
            restore(archive, database=other, attachments=tmp_path / "files")

    def test_an_attachment_store_that_is_not_empty_is_refused(
        self, archive: Path, elsewhere: dict[str, Any], tmp_path: Path
    ) -> None:
        (tmp_path / "files").mkdir()
        (tmp_path / "files" / "old.pdf").write_bytes(b"x")
        with pytest.raises(BackupRejected, match="附件目录不是空的"):
            restore(archive, database=elsewhere, attachments=tmp_path / "files")
        assert _empty(elsewhere)


def hashlib_of(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _empty(database: dict[str, Any]) -> bool:
    from shuniu.core.backup import _target_is_empty, _vendor

    return _target_is_empty(_vendor(database), database)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the commands end to end, on the default SQLite")
def test_the_commands_back_up_and_restore_a_demo_county(tmp_path: Path) -> None:
    """`shuniu backup` and `shuniu restore` as an administrator runs them, in processes of their own."""
    key = "ab" * 32
    base = {**os.environ, "DEBUG": "1", "SHUNIU_AUDIT_KEY": key, "DATABASE_URL": f"sqlite:///{tmp_path}/a/db.sqlite3"}
    base.pop("PYTEST_CURRENT_TEST", None)
    shuniu = [sys.executable, "-m", "shuniu.cli"]

    def run(*args: str, var: str, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {**base, "SHUNIU_VAR_DIR": str(tmp_path / var), **env}
        return subprocess.run([*shuniu, *args], env=environment, capture_output=True, text=True, check=False)

    assert run("migrate", "-v", "0", var="a").returncode == 0
    assert run("demo-load", var="a").returncode == 0
    made = run("backup", "--output", str(tmp_path / "backups"), var="a")
    assert made.returncode == 0, made.stderr
    assert "已备份" in made.stdout
    archive = next((tmp_path / "backups").glob("shuniu-backup-*.tar.gz"))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    b = {"DATABASE_URL": f"sqlite:///{tmp_path}/b/db.sqlite3"}
    wrong_key = run("restore", str(archive), var="b", SHUNIU_AUDIT_KEY="cd" * 32, **b)
    assert wrong_key.returncode != 0
    assert "审计密钥与备份时不同" in wrong_key.stderr
    done = run("restore", str(archive), var="b", **b)
    assert done.returncode == 0, done.stderr
    assert "审计链完整" in done.stdout
    again = run("restore", str(archive), var="b", **b)
    assert "不是空的" in again.stderr
