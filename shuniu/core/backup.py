"""Backup and restore: one archive holding a consistent copy of the database and the attachment store.

The archive (``shuniu-backup-YYYYMMDD-HHMMSS.tar.gz``) holds ``manifest.json``, the database
(SQLite: a copy made with SQLite's online backup; PostgreSQL: ``pg_dump -Fc``) and ``attachments/``.
The database is copied first, as of one moment, while the office keeps working; the attachments
after it (files are only ever added, named by their SHA-256), so every file the copy mentions is in
the archive. The manifest gives every member's SHA-256 and size, the migrations applied, the audit
chain's head and a check of the audit key (not the key itself: keep it apart, see README).

`restore` refuses a damaged, foreign or newer archive and a database that is not empty, before it
writes anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

FORMAT = "shuniu-backup/1"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# An attachment in the archive is named as in the store: attachments/ab/cd/abcd…(SHA-256).
_ATTACHMENT_NAME = re.compile(r"attachments/([0-9a-f]{2})/([0-9a-f]{2})/(\1\2[0-9a-f]{60})")
MANIFEST = "manifest.json"
_CHUNK = 1024 * 1024


class BackupRejected(Exception):
    """An archive (or a target) `restore` will not touch, with the reason in Chinese."""


@dataclass(frozen=True)
class Manifest:
    made_at: str
    vendor: str
    database_member: str
    migrations: dict[str, list[str]]
    audit_seq: int
    audit_hash: str
    key_check: str
    files: dict[str, dict[str, Any]]

    def as_json(self) -> bytes:
        data = {"format": FORMAT, **self.__dict__}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()


def key_check(key: bytes) -> str:
    """A fingerprint of the audit key: says whether two keys are the same without giving either away."""
    import hmac

    return hmac.new(key, b"shuniu-backup-key-check", hashlib.sha256).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- The database, by vendor ---------------------------------------------------------------------


def _vendor(database: Mapping[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupRejected(f"不支持的数据库：{engine}")


def _pg_command(program: str, database: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    found = shutil.which(program) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"), reverse=True)), None
    )
    if found is None:
        raise BackupRejected(f"找不到 {program}：请安装 PostgreSQL 客户端（Debian：apt install postgresql-client）。")
    args = [found, "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _pg_connect(database: Mapping[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        dbname=database["NAME"],
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
    )


def _snapshot_facts(
    rows: Iterator[tuple[Any, ...]], head: tuple[Any, ...] | None
) -> tuple[dict[str, list[str]], int, str]:
    migrations: dict[str, list[str]] = {}
    for app, name in rows:
        migrations.setdefault(str(app), []).append(str(name))
    seq, digest = (int(head[0]), str(head[1])) if head else (0, "")
    return migrations, seq, digest


def _copy_sqlite(database: Mapping[str, Any], dest: Path) -> tuple[dict[str, list[str]], int, str]:
    """SQLite's online backup: a page-by-page copy as of one moment; writers carry on (WAL)."""
    source = sqlite3.connect(str(database["NAME"]), timeout=30)
    target = sqlite3.connect(str(dest))
    try:
        source.backup(target)
    finally:
        source.close()
    try:
        applied = target.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations_rows = list(applied)
        head = target.execute("SELECT seq, hash FROM audit_audithead WHERE id = 1").fetchone()
    finally:
        target.close()
    return _snapshot_facts(iter(migrations_rows), head)


def _copy_postgresql(database: Mapping[str, Any], dest: Path) -> tuple[dict[str, list[str]], int, str]:
    """pg_dump (one consistent snapshot); the migrations and the audit head are read back from the dump itself.

    pg_restore writes those two tables out as text, so the facts describe exactly what the archive holds.
    """
    args, env = _pg_command("pg_dump", database)
    done = subprocess.run(  # noqa: S603 - our own arguments
        [*args, "--format=custom", "--no-owner", "--no-privileges", f"--file={dest}", str(database["NAME"])],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupRejected(f"pg_dump 失败：{done.stderr.strip()[:500]}")
    restore_args, env = _pg_command("pg_restore", database)
    script = subprocess.run(  # noqa: S603
        [restore_args[0], "--data-only", "--table=django_migrations", "--table=audit_audithead", "--file=-", str(dest)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if script.returncode != 0:
        raise BackupRejected(f"pg_restore 读取备份失败：{script.stderr.strip()[:500]}")
    migrations_rows: list[tuple[str, str]] = []
    head: tuple[Any, ...] | None = None
    table = ""
    for line in script.stdout.splitlines():
        if line.startswith("COPY "):
            table = line.split()[1].split(".")[-1]
            continue
        if line == "\\.":
            table = ""
            continue
        if table == "django_migrations":
            _id, app, name, _applied = line.split("\t")
            migrations_rows.append((app, name))
        elif table == "audit_audithead":
            _pk, seq, digest = line.split("\t")
            head = (seq, digest)
    return _snapshot_facts(iter(sorted(migrations_rows)), head)


# --- Backup --------------------------------------------------------------------------------------


def backup_write(
    out_dir: Path, *, database: Mapping[str, Any], attachments: Path, now: dt.datetime | None = None
) -> tuple[Path, Manifest]:
    """Write one archive into `out_dir` and return its path and manifest."""
    now = timezone.localtime(now or timezone.now())
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    vendor = _vendor(database)
    member = DATABASE_MEMBERS[vendor]
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as work:
        db_copy = Path(work) / member
        copy = _copy_sqlite if vendor == "sqlite" else _copy_postgresql
        migrations, audit_seq, audit_hash = copy(database, db_copy)
        files = {member: {"sha256": _sha256(db_copy), "size": db_copy.stat().st_size}}
        stored = sorted(
            p
            for p in attachments.rglob("*")
            if p.is_file() and _ATTACHMENT_NAME.fullmatch(f"attachments/{p.relative_to(attachments).as_posix()}")
        )  # the store's own files (not a half-written .part, nor anything put there by hand)
        for path in stored:
            files[f"attachments/{path.relative_to(attachments).as_posix()}"] = {
                "sha256": _sha256(path),
                "size": path.stat().st_size,
            }
        manifest = Manifest(
            made_at=now.isoformat(),
            vendor=vendor,
            database_member=member,
            migrations=migrations,
            audit_seq=audit_seq,
            audit_hash=audit_hash,
            key_check=key_check(settings.AUDIT_KEY),
            files=files,
        )
        final = out_dir / f"shuniu-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
        partial = final.with_name(final.name + ".part")
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            info = tarfile.TarInfo(MANIFEST)
            body = manifest.as_json()
            info.size, info.mtime, info.mode = len(body), int(now.timestamp()), 0o600
            archive.addfile(info, io.BytesIO(body))
            archive.add(db_copy, arcname=member, recursive=False)
            for path in stored:
                archive.add(path, arcname=f"attachments/{path.relative_to(attachments).as_posix()}", recursive=False)
        partial.replace(final)
    return final, manifest


# --- Restore -------------------------------------------------------------------------------------


def manifest_read(archive: Path) -> Manifest:
    """The archive's manifest, after checking that every member is there and matches its checksum."""
    if not archive.is_file():
        raise BackupRejected(f"找不到备份文件：{archive}")
    try:
        with tarfile.open(archive, "r:*") as tar:
            handle = tar.extractfile(MANIFEST)
            if handle is None:
                raise KeyError(MANIFEST)
            data = json.loads(handle.read().decode())
            if data.get("format") != FORMAT:
                raise BackupRejected(f"不是本系统能读的备份（格式 {data.get('format')!r}，应为 {FORMAT}）。")
            data.pop("format")
            manifest = Manifest(**data)
            _check_names(manifest)
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            for name, expected in manifest.files.items():
                member = members.get(name)
                if member is None:
                    raise BackupRejected(f"备份文件已损坏或不完整：缺少 {name}。")
                digest = hashlib.sha256()
                body = tar.extractfile(member)
                if body is None:
                    raise BackupRejected(f"备份文件已损坏：无法读出 {name}。")
                while chunk := body.read(_CHUNK):
                    digest.update(chunk)
                if digest.hexdigest() != expected["sha256"]:
                    raise BackupRejected(f"备份文件已损坏：{name} 的校验和与清单不符。")
    except KeyError:
        raise BackupRejected("不是枢纽的备份文件：其中没有 manifest.json。") from None
    except (tarfile.TarError, EOFError, OSError, ValueError, TypeError, zlib.error) as exc:  # zlib: a damaged gzip
        raise BackupRejected(f"备份文件已损坏，无法读取（{type(exc).__name__}）。") from None
    return manifest


def _check_names(manifest: Manifest) -> None:
    """Every member is one this program writes: the database under its fixed name, attachments by hash.

    Nothing else is read or written, so a crafted archive cannot reach outside the attachment store.
    """
    if manifest.database_member != DATABASE_MEMBERS.get(manifest.vendor):
        raise BackupRejected("备份清单不正确：数据库文件名不符。")
    for name in manifest.files:
        if name != manifest.database_member and not _ATTACHMENT_NAME.fullmatch(name):
            raise BackupRejected(f"备份清单含有不应有的文件：{name[:80]}")


def _known_migrations() -> dict[str, set[str]]:
    from django.db.migrations.loader import MigrationLoader

    known: dict[str, set[str]] = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
        known.setdefault(app, set()).add(name)
    return known


def _target_is_empty(vendor: str, database: Mapping[str, Any]) -> bool:
    if vendor == "sqlite":
        path = Path(str(database["NAME"]))
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(str(path)) as conn:
            row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        return not row[0]
    with _pg_connect(database) as conn:
        row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    return not row[0]


def restore(archive: Path, *, database: Mapping[str, Any], attachments: Path) -> Manifest:
    """Put an archive back into an empty database and an empty attachment store; refuse anything else."""
    manifest = manifest_read(archive)
    vendor = _vendor(database)
    if manifest.vendor != vendor:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupRejected(
            f"备份来自 {names.get(manifest.vendor, manifest.vendor)}，当前数据库是 {names[vendor]}：不能直接恢复。"
        )
    known = _known_migrations()
    newer = [
        f"{app}.{name}"
        for app, names in manifest.migrations.items()
        for name in names
        if name not in known.get(app, set())
    ]
    if newer:
        raise BackupRejected(f"备份来自更新版本的枢纽（本版本没有迁移 {newer[0]} 等 {len(newer)} 个）：请先升级程序。")
    if not _target_is_empty(vendor, database):
        raise BackupRejected("目标数据库不是空的：恢复只写入空数据库（新建一个空库，或先移走现有数据库文件）。")
    if attachments.exists() and any(attachments.iterdir()):
        raise BackupRejected(f"附件目录不是空的：{attachments}。请先移走其中的文件。")
    with tempfile.TemporaryDirectory(prefix="shuniu-restore-") as work, tarfile.open(archive, "r:*") as tar:
        try:
            for name in manifest.files:
                tar.extract(name, path=work, filter="data")
        except (tarfile.TarError, OSError, zlib.error) as exc:
            raise BackupRejected(f"备份文件无法解开（{type(exc).__name__}）。") from None
        db_copy = Path(work) / manifest.database_member
        if vendor == "sqlite":
            target = Path(str(database["NAME"]))
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(db_copy, target)
            target.chmod(0o600)
        else:
            args, env = _pg_command("pg_restore", database)
            done = subprocess.run(  # noqa: S603
                [
                    *args,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    f"--dbname={database['NAME']}",
                    str(db_copy),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupRejected(f"pg_restore 失败：{done.stderr.strip()[:500]}")
        for name in manifest.files:
            if not name.startswith("attachments/"):
                continue
            dest = attachments / name.removeprefix("attachments/")
            if not dest.resolve().is_relative_to(attachments.resolve()):
                raise BackupRejected(f"备份清单含有不应有的文件：{name[:80]}")  # _check_names already refuses it
            dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copyfile(Path(work) / name, dest)
            dest.chmod(0o600)
    return manifest
