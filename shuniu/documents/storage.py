"""Attachments: recognised by their content, stored once under var/ by their SHA-256."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_BYTES = 50 * 1024 * 1024
ALLOWED = "PDF、OFD、PNG、JPEG"


def sniff(data: bytes) -> str | None:
    """The content type of an allowed file, judged by its bytes (never by its name), or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "OFD.xml" in archive.namelist():
                    return "application/ofd"
        except zipfile.BadZipFile:
            return None
    return None


def attachment_root() -> Path:
    return Path(settings.VAR_DIR) / "attachments"


def path_for(digest: str) -> Path:
    return attachment_root() / digest[:2] / digest[2:4] / digest


def check_upload(name: str, data: bytes) -> tuple[str, str]:
    """(SHA-256, content type) of an acceptable file; ValidationError in Chinese otherwise."""
    if len(data) > MAX_BYTES:
        raise ValidationError(f"附件「{name}」超过 {MAX_BYTES // 1024 // 1024} MB。")
    if not data:
        raise ValidationError(f"附件「{name}」是空文件。")
    content_type = sniff(data)
    if content_type is None:
        raise ValidationError(f"附件「{name}」不是 {ALLOWED} 文件（按文件内容判断，与扩展名无关）。")
    return hashlib.sha256(data).hexdigest(), content_type


def store(digest: str, data: bytes) -> None:
    """Write the bytes once; the same content uploaded twice is stored once."""
    path = path_for(digest)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)


def read(digest: str) -> bytes:
    return path_for(digest).read_bytes()
