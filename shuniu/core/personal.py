"""Personal data (PIPL; GB/T 39786): encrypted at rest with SM4, found by a keyed blind index, masked.

- `seal` / `unseal`: SM4-GCM under the current data key; each value carries its key's id
  (``sm4:k2:<base64 nonce‖ciphertext‖tag>``), so rows sealed under an older key still open while
  `shuniu data-rekey` moves them to the new one. Keys live outside the database (settings.DATA_KEYS,
  from ``SHUNIU_DATA_KEYS`` or the file named by ``SHUNIU_DATA_KEYS_FILE``).
- `blind_index`: HMAC-SM3 under a separate index key of a normalised value — equal values give equal
  indexes, so "the same ID number" is one indexed lookup, and the database never holds the plaintext.
- `SealedField`: a model field that stores `seal(text)` and reads back the text.
- `mask_id`, `mask_phone`, `mask_text`: what every screen, list, export and log shows.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings
from django.db import models

PREFIX = "sm4"


class SealError(ValueError):
    """A sealed value that cannot be opened: an unknown key id, or a value altered in the database."""


def _keys() -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = settings.DATA_KEYS
    return next(iter(keys)), keys


def current_key_id() -> str:
    """The id of the key new values are sealed under (the first of settings.DATA_KEYS)."""
    return _keys()[0]


def seal(text: str, context: str = "") -> str:
    """`text` encrypted under the current data key (SM4-GCM, a fresh nonce each time); "" stays "".

    `context` (a field's ``app.Model.field``) is authenticated with the key id, so a value copied into
    another column does not open there.
    """
    if not text:
        return ""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key_id, keys = _keys()
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(keys[key_id]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(f"{key_id}|{context}".encode())
    body = encryptor.update(text.encode("utf-8")) + encryptor.finalize()
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + body + encryptor.tag).decode('ascii')}"


def unseal(value: str, context: str = "") -> str:
    """The text of a sealed value (under whichever key sealed it, in the same `context`)."""
    if not value:
        return ""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        prefix, key_id, payload = value.split(":", 2)
        raw = base64.b64decode(payload, validate=True)
    except ValueError:
        raise SealError("不是加密存储的值。") from None
    _, keys = _keys()
    if prefix != PREFIX or len(raw) < 12 + 16:
        raise SealError("不是加密存储的值。")
    if key_id not in keys:
        raise SealError("无法解密：加密该值的密钥不在配置中（SHUNIU_DATA_KEYS）。")
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(keys[key_id]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(f"{key_id}|{context}".encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")
    except InvalidTag:
        raise SealError("密文校验失败：数据库中的值被改动过。") from None


def key_id_of(value: str) -> str:
    """The id of the key a sealed value was sealed under ("" for an empty value)."""
    return value.split(":", 2)[1] if value.count(":") >= 2 else ""


def blind_index(kind: str, value: str) -> str:
    """A keyed, one-way index of a normalised value (64 hex characters); "" for an empty value."""
    if not value:
        return ""
    mac = hmac.HMAC(settings.INDEX_KEY, hashes.SM3())
    mac.update(f"{kind}:{value}".encode())
    return mac.finalize().hex()


def digits(text: str) -> str:
    """A phone number as its digits only (so "138-0000-1234" and "13800001234" index alike)."""
    return re.sub(r"\D", "", text or "")


def mask_id(number: str) -> str:
    """110101********1234 (an 18-digit number), 110101*****123 (a 15-digit one)."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678; a short landline keeps only its last four digits."""
    number = digits(phone)
    if len(number) == 11:
        return f"{number[:3]}****{number[-4:]}"
    return "*" * max(len(number) - 4, 0) + number[-4:] if number else ""


def mask_text(text: str, keep: int = 6) -> str:
    """An address or a name: the first `keep` characters, the rest starred."""
    if not text:
        return ""
    return text[:keep] + "*" * min(len(text) - keep, 8) if len(text) > keep else text


_ID_LIKE = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")
_PHONE_LIKE = re.compile(r"(?<!\d)(1\d{10}|0\d{2,3}-?\d{7,8})(?!\d)")


def scrub(text: str) -> str:
    """Free text for a log: ID numbers and phone numbers typed into it are masked."""
    text = _ID_LIKE.sub(lambda m: mask_id(m.group(1).upper()), text)
    return _PHONE_LIKE.sub(lambda m: mask_phone(m.group(1)), text)


_NUMBER_RUN = re.compile(r"[+＋]?\d(?:[\d\s\-－()（）]*\d)?[XxＸｘ]?")  # \d: full-width digits too
_KEPT_DIGITS = 6  # a run of more digits than this could be a phone or ID number in any spelling


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Free text with no personal data left in it: long numbers removed, the given names as 某某.

    For what is kept outside the sealed fields for finding a record (the search index), where even a
    masked number would still be part of one. Any run of seven digits or more goes, however it is
    written (full-width, spaced, with dashes, +86, a trailing X): shorter figures (3 户, 2026年) stay.
    """
    text = _NUMBER_RUN.sub(lambda m: "" if sum(c.isdigit() for c in m.group()) > _KEPT_DIGITS else m.group(), text)
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, "某某")
    return text


class SealedField(models.TextField):  # type: ignore[type-arg]
    """Text stored sealed (SM4-GCM) and read back as text; never filtered on (use a blind index)."""

    description = "SM4 加密存储的文本"

    @property
    def context(self) -> str:
        """What each sealed value of this field is bound to: ``app.Model.field``."""
        return f"{self.model._meta.label}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return unseal(value, self.context) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return seal(value, self.context) if value else value
