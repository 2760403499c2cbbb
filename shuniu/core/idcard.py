"""The resident identity card number of GB 11643-1999: 18 characters, the last a check digit (0–9 or X).

The older 15-digit numbers (six-digit area, YYMMDD birth date, three-digit sequence, no check digit)
are still met on old records; they are accepted and shown as such.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"  # the check character for sum mod 11 = 0, 1, 2, …


def check_digit(first17: str) -> str:
    """The check character of the first 17 digits (ISO 7064 MOD 11-2, as the standard gives it)."""
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _birth(text: str) -> dt.date | None:
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def normalise_id(text: str, *, today: dt.date | None = None) -> str:
    """A valid number in its stored form (upper-case X, no spaces), or a ValidationError in Chinese."""
    number = re.sub(r"\s", "", text or "").upper()
    today = today or timezone.localdate()
    if re.fullmatch(r"\d{17}[\dX]", number):
        birth = _birth(number[6:14])
        if birth is None or not dt.date(1900, 1, 1) <= birth <= today:
            raise ValidationError("身份证号码中的出生日期不正确。")
        if check_digit(number[:17]) != number[17]:
            raise ValidationError("身份证号码校验位不正确，请核对后重新输入。")
        return number
    if re.fullmatch(r"\d{15}", number):
        if _birth("19" + number[6:12]) is None:
            raise ValidationError("15 位身份证号码中的出生日期不正确。")
        return number
    raise ValidationError("身份证号码应为 18 位（末位可为 X），或旧式 15 位数字。")


def is_old_form(number: str) -> bool:
    """A 15-digit number of the first-generation cards (shown as 旧式15位)."""
    return len(number) == 15


def canonical(number: str) -> str:
    """The 18-digit form of a number (a 15-digit one upgraded as GB 11643 does: 19 inserted, a check
    digit added), so the same person is found whichever card they show."""
    if len(number) != 15:
        return number
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_digit(first17)
