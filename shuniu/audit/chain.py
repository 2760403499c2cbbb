"""The audit chain's links (HMAC-SM3 under a key kept outside the database) and the scrubbing of
personal data out of audit entries."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac

GENESIS = "0" * 64

_SECRET_KEY_PARTS = ("password", "passwd", "token", "secret", "otp", "密码", "口令")
# GB 11643 ID numbers (18 digits, last may be X; old 15-digit form) and mainland mobiles.
_ID18_RE = re.compile(r"(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])")
_ID15_RE = re.compile(r"(?<!\d)(\d{6})\d{5}(\d{4})(?!\d)")
# A mobile as people write it: 13812345678, 138-1234-5678, 138 1234 5678, +86 138…, 0086-138….
_MOBILE_RE = re.compile(r"(?<![\d+])((?:(?:\+|00)86[-\s]?)?1[3-9]\d)[-\s]?\d{4}[-\s]?(\d{4})(?!\d)")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋－　", "0123456789+- ")


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def mask_text(text: str) -> str:
    """Mask ID numbers (110101********1234) and mobile numbers (138****5678) inside free text.

    Full-width digits count as digits (they are written as half-width in the masked text).
    """
    text = text.translate(_FULL_WIDTH_DIGITS)
    text = _ID18_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _ID15_RE.sub(lambda m: f"{m.group(1)}*****{m.group(2)}", text)
    return _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def scrub(value: Any) -> Any:
    """A copy of `value` fit for the audit log: no secrets, no full ID or phone numbers."""
    if isinstance(value, dict):
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            key_text = str(key)
            if any(part in key_text.lower() for part in _SECRET_KEY_PARTS):
                cleaned[key_text] = "[已隐去]"
            else:
                cleaned[key_text] = scrub(item)
        return cleaned
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [scrub(item) for item in items]
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return mask_text(str(value))


def canonical_at(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(*, prev_hash: str, fields: dict[str, Any], key: bytes | None = None) -> str:
    """HMAC-SM3 under the audit key of (prev_hash ‖ canonical JSON of the entry): sorted keys, no spaces, UTF-8.

    Without a key (the chains written before the key, and only for re-keying them) plain SM3.
    """
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    message = prev_hash.encode("ascii") + canonical.encode("utf-8")
    if key is None:
        return sm3_hex(message)
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(message)
    return mac.finalize().hex()
