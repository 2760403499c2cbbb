"""Phone numbers as people write them: one key per number, so a caller's number finds its unit.

"0999-6037369", "(0999) 603 7369", "+86 999 6037369", "6037369" (dialled locally), "0999-6037369转8001"
and "0999-6037369-8001" are one office line; "+86 138-0013-8000", "0086 13800138000" and "138 0013 8000"
one mobile. An extension is dropped; a local number gets the county's area code (``SHUNIU_AREA_CODE``).
"""

from __future__ import annotations

import re

from django.conf import settings

_EXTENSION = re.compile(r"(转|分机|ext\.?|x|#|,).*$", re.IGNORECASE)
_COUNTRY = re.compile(r"^\s*(\+\s*86|0086|\(\s*86\s*\)|（\s*86\s*）)")


def phone_key(text: str) -> str:
    """The number's key: a mobile's 11 digits, or a landline's area code and local number; "" if none."""
    text = _EXTENSION.sub("", (text or "").strip())
    international = bool(_COUNTRY.match(text))
    text = _COUNTRY.sub("", text)
    groups: list[str] = re.findall(r"\d+", text)
    if not groups:
        return ""
    digits = "".join(groups)
    if international and not digits.startswith(("1", "0")):
        digits = "0" + digits  # +86 999 6037369: the area code without its trunk 0
        groups = ["0" + groups[0], *groups[1:]]
    if len(digits) == 11 and digits.startswith("1"):
        return digits  # a mobile
    if digits.startswith("0"):
        if len(groups) >= 3 and groups[0].startswith("0") and 7 <= len(groups[1]) <= 8:
            return groups[0] + groups[1]  # 0999-6037369-8001: the third group is an extension
        return digits[:12]
    if 7 <= len(digits) <= 8:
        return str(settings.AREA_CODE) + digits  # dialled locally
    return digits
