"""Attachments: one content-addressed file store and one attachment model any object can hold.

Files are recognised by their bytes, never their names (PDF, OFD, PNG, JPEG), limited in size, and
stored once under ``var/attachments/`` by their SHA-256. An OFD must be a zip holding ``OFD.xml``
whose ``DocRoot`` names a document body that is itself in the archive and readable; what a zip
expands to is limited in total and in ratio, so a small upload cannot become gigabytes on disk or
in memory. Downloads are streamed from the store.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeXML
from defusedxml import DefusedXmlException
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import FileResponse, Http404

from shuniu.core.models import Attachment, User
from shuniu.core.responses import named

MAX_BYTES = 50 * 1024 * 1024
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 5_000
MAX_XML_BYTES = 5 * 1024 * 1024
ALLOWED = "PDF、OFD、PNG、JPEG"


@dataclass(frozen=True)
class Upload:
    """A file as the user sent it: its name and its bytes."""

    name: str
    data: bytes


def _ofd_problem(data: bytes) -> str | None:
    """Why these zip bytes are not a readable OFD document, or None when they are."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                return "压缩包内文件过多"
            if sum(m.file_size for m in members) > MAX_EXPANDED_BYTES:
                return "解压后体积过大"
            for member in members:
                if member.file_size > MAX_RATIO * max(member.compress_size, 1024):
                    return "压缩比异常"
            names = {m.filename for m in members}
            if "OFD.xml" not in names:
                return "缺少 OFD.xml"

            def xml(name: str) -> object:
                if archive.getinfo(name).file_size > MAX_XML_BYTES:
                    raise ValueError(name)
                return SafeXML.fromstring(archive.read(name))

            root = xml("OFD.xml")
            doc_roots = [el.text.strip().lstrip("/") for el in root.iter() if el.tag.endswith("DocRoot") and el.text]  # type: ignore[attr-defined]
            if not doc_roots:
                return "OFD.xml 未指明文档主体（DocRoot）"
            for name in doc_roots:
                if name not in names:
                    return f"文档主体 {name} 不在文件中"
                xml(name)
    except (zipfile.BadZipFile, KeyError, ValueError, SafeXML.ParseError, DefusedXmlException, RuntimeError):
        return "文件已损坏或无法读取"
    return None


def sniff(data: bytes) -> str | None:
    """The content type of an allowed file, judged by its bytes (never by its name), or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04") and _ofd_problem(data) is None:
        return "application/ofd"
    return None


def check_upload(upload: Upload) -> tuple[str, str]:
    """(SHA-256, content type) of an acceptable file; ValidationError in Chinese otherwise."""
    name, data = upload.name, upload.data
    if len(data) > MAX_BYTES:
        raise ValidationError(f"附件「{name}」超过 {MAX_BYTES // 1024 // 1024} MB。")
    if not data:
        raise ValidationError(f"附件「{name}」是空文件。")
    if data.startswith(b"PK\x03\x04"):
        problem = _ofd_problem(data)
        if problem:
            raise ValidationError(f"附件「{name}」不是可读的 OFD 文件：{problem}。")
    content_type = sniff(data)
    if content_type is None:
        raise ValidationError(f"附件「{name}」不是 {ALLOWED} 文件（按文件内容判断，与扩展名无关）。")
    return hashlib.sha256(data).hexdigest(), content_type


def attachment_root() -> Path:
    return Path(settings.VAR_DIR) / "attachments"


def path_for(digest: str) -> Path:
    return attachment_root() / digest[:2] / digest[2:4] / digest


def store(digest: str, data: bytes) -> None:
    """Write the bytes once; the same content uploaded twice is stored once."""
    path = path_for(digest)
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    # Readable by the service's user only (0600), whatever the umask of the process that writes it.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    partial.replace(path)


KEEP_SALT = "shuniu.core.files.keep"
KEEP_SECONDS = 24 * 3600


def keep(uploads: Sequence[Upload]) -> str:
    """A form came back with an error: store the files it carried and return a signed token for them.

    The form carries the token in a hidden field, so the user does not choose the files again; a
    file that fails the content checks raises its message and is not kept. Unattached blobs take
    no more room than one copy of each file (the store is content-addressed).
    """
    items = []
    for upload in uploads:
        digest, _ = check_upload(upload)
        store(digest, upload.data)
        items.append([digest, upload.name[:200]])
    return signing.dumps(items, salt=KEEP_SALT, compress=True) if items else ""


def kept(token: str) -> list[Upload]:
    """The files a token from `keep` stands for (a forged or day-old token is refused in Chinese)."""
    if not token:
        return []
    try:
        items = signing.loads(token, salt=KEEP_SALT, max_age=KEEP_SECONDS)
    except signing.BadSignature:
        raise ValidationError("先前选择的附件已失效，请重新选择附件。") from None
    uploads = []
    for digest, name in items:
        path = path_for(str(digest))
        if not path.exists():
            raise ValidationError(f"先前选择的附件「{name}」已不在，请重新选择。")
        uploads.append(Upload(str(name), path.read_bytes()))
    return uploads


def kept_names(token: str) -> list[str]:
    """The names of the kept files, to show on the form (an invalid token shows none)."""
    try:
        return [str(name) for _, name in signing.loads(token, salt=KEEP_SALT, max_age=KEEP_SECONDS)] if token else []
    except signing.BadSignature:
        return []


def keep_for_next_try(form: forms.Form, uploads: list[Upload], *, field: str = "uploads") -> list[str]:
    """The form came back (an error, a question): keep the files it carried in its hidden ``kept`` field.

    They need not be chosen again; returns their names to show.
    """
    try:
        token = keep(uploads)
    except ValidationError as exc:
        form.add_error(field if field not in form.errors else None, exc)
        return []
    data = form.data.copy()  # type: ignore[attr-defined]
    data["kept"] = token
    form.data = data
    return kept_names(token)


def attach(obj: Model, uploads: Sequence[Upload], *, actor: User) -> list[Attachment]:
    """Check every upload first (all or none), then store them and attach them to `obj`.

    Call inside the service's transaction; the caller's audit record counts them.
    """
    checked = [(upload, *check_upload(upload)) for upload in uploads]
    held = Attachment.of(obj)
    made = []
    for upload, digest, mime in checked:
        store(digest, upload.data)
        made.append(
            Attachment.objects.create(
                **held,
                sha256=digest,
                size=len(upload.data),
                mime=mime,
                name=upload.name[:200],
                uploaded_by=actor,
            )
        )
    return made


def file_response(attachment: Attachment, *, inline: bool = True) -> FileResponse:
    """Stream the stored file under its Chinese name (the caller has checked access to its object)."""
    path = path_for(attachment.sha256)
    if not path.exists():
        raise Http404("附件文件缺失，请联系系统管理员。")
    response = FileResponse(path.open("rb"), content_type=attachment.mime)
    named(response, attachment.name, inline=inline)
    return response
