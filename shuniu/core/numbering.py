"""Numbering: one gapless counter per series and year (收〔2026〕15号, 督〔2026〕8号, 信〔2026〕3号).

`next_number` locks the series' row for the rest of the caller's transaction, so two writers at
once get consecutive numbers and a rolled-back transaction gives its number back (no gaps, no twins).
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connection

from shuniu.core.models import Counter


def next_number(series: str, year: int) -> int:
    """The next number of `series` in `year`, inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() must run inside the caller's transaction.")
    Counter.objects.bulk_create([Counter(series=series, year=year, last=0)], ignore_conflicts=True)
    counter = Counter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def official_number(prefix: str, year: int, seq: int) -> str:
    """A number as official documents write it (GB/T 9704): 收〔2026〕15号 — full year, no leading zeros."""
    return f"{prefix}〔{year}〕{seq}号"


_NUMBER = re.compile(r"(\d{4})\D+(\d{1,6})")


def parse_number(text: str, prefix: str) -> tuple[int, int] | None:
    """(year, seq) from a number as people type it — 督〔2026〕8号, 督[2026]8号, 2026-8 — or None.

    A number with another series' prefix (收〔2026〕8号 where 督 is asked for) is None.
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    if folded and not folded[0].isdigit() and not folded.startswith(prefix):
        return None
    found = _NUMBER.search(folded)
    return (int(found.group(1)), int(found.group(2))) if found else None
