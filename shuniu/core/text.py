"""Text as people type or paste it: invisible characters removed, ends trimmed."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.utils import timezone

# Format and control characters (zero-width spaces and joiners, BOM, direction marks) have no place in
# a title or a name; line breaks and tabs are left to the fields that take several lines.
_KEEP = {"\n", "\t"}


def visible(text: str) -> str:
    """`text` without invisible characters, trimmed: a title of only zero-width spaces is empty."""
    cleaned = "".join(ch for ch in text if ch in _KEEP or unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cn"))
    return cleaned.strip()


def day_time(moment: dt.datetime) -> str:
    """A moment as messages say it: 11月27日 09:30 (local time, month and day without leading zeros)."""
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def chinese_date(moment: dt.date | dt.datetime, *, time: bool = False) -> str:
    """A date as official Chinese writes it, 2026年3月5日 (a moment in local time; with `time`, 2026年3月5日 09:05)."""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        clock = f" {moment:%H:%M}" if time else ""
        return f"{moment.year}年{moment.month}月{moment.day}日{clock}"
    return f"{moment.year}年{moment.month}月{moment.day}日"
