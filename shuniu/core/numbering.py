"""Numbering: one gapless counter per series and year (收〔2026〕15号, 督〔2026〕8号, 信〔2026〕3号).

`next_number` locks the series' row for the rest of the caller's transaction, so two writers at
once get consecutive numbers and a rolled-back transaction gives its number back (no gaps, no twins).
"""

from __future__ import annotations

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
