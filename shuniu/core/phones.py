"""Phone numbers as people write them: one key per number, so a caller's number finds its unit.

"0999-6037369", "(0999) 603 7369", "+86 999 6037369", "6037369" (dialled locally), "0999-6037369转8001"
and "0999-6037369-8001" are one office line; "+86 138-0013-8000", "0086 13800138000", "8613800138000",
"013800138000" (a switchboard's extra 0) and "138 0013 8000" one mobile. An extension is dropped; a local
number gets the county's area code (``SHUNIU_AREA_CODE``). A field holding several numbers
("6037369、6037370") gives one key each (`phone_keys`).
"""

from __future__ import annotations

import re

from django.conf import settings

_EXTENSION = re.compile(r"(转|分机|ext\.?|x|#).*$", re.IGNORECASE)
_COUNTRY = re.compile(r"^\s*(\+\s*86|0086|\(\s*86\s*\)|（\s*86\s*）)")
_SEVERAL = re.compile(r"[、,，;；/]|\s{2,}")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def _area_length(digits: str) -> int:
    """010 and 02x are three digits with their trunk 0; every other area code four."""
    return 3 if digits.startswith(("010", "02")) else 4


def _local(groups: list[str]) -> tuple[str, list[str]]:
    """A local number (7–8 digits) from the first groups; what follows is an extension."""
    local = ""
    rest = list(groups)
    while rest and len(local) < 7:
        local += rest.pop(0)
    return local[:8], rest


def phone_key(text: str) -> str:
    """The number's key: a mobile's 11 digits, or a landline's area code and local number; "" if none."""
    text = _EXTENSION.sub("", (text or "").strip())
    international = bool(_COUNTRY.match(text))
    text = _COUNTRY.sub("", text)
    groups: list[str] = re.findall(r"\d+", text)
    if not groups:
        return ""
    digits = "".join(groups)
    if not international and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        return digits[2:]  # 8613800138000: the country code without its +
    if international and not digits.startswith(("1", "0")):
        groups = ["0" + groups[0], *groups[1:]]  # +86 999 6037369: the area code without its trunk 0
        digits = "0" + digits
    if _MOBILE.fullmatch(digits):
        return digits
    if digits.startswith("0") and _MOBILE.fullmatch(digits[1:]):
        return digits[1:]  # 013800138000: a switchboard's extra 0 before a mobile
    if digits.startswith("0"):
        area = _area_length(digits)
        first = groups[0]
        if len(first) > area:  # 09996037369-8001: the whole number in the first group
            return first[:area] + first[area:][:8]
        local, _ = _local(groups[1:])
        return digits[:area] + local
    local, _ = _local(groups)
    if 7 <= len(local) <= 8:
        return str(settings.AREA_CODE) + local  # dialled locally
    return digits


def phone_keys(text: str) -> list[str]:
    """The keys of every number in a field that may hold several."""
    return [key for part in _SEVERAL.split(text or "") if (key := phone_key(part))]
