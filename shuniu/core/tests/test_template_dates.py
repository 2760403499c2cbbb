"""The templates' cheaper `date` filter writes what Django's writes, for every format the pages use."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template, defaultfilters
from django.utils import timezone

from shuniu.core import template_dates

ROOT = Path(__file__).resolve().parents[2]
USED = sorted({m for p in ROOT.rglob("*.html") for m in re.findall(r'\|date:"([^"]*)"', p.read_text("utf-8"))})
VALUES = [
    dt.datetime(2026, 1, 5, 8, 3, 9),
    dt.datetime(2026, 12, 31, 23, 59, 59),
    dt.datetime(999, 10, 1, 0, 0, 0),
    dt.date(2026, 2, 9),
    dt.date(2026, 11, 27),
]


def test_the_pages_use_formats() -> None:
    assert "n月j日 H:i" in USED  # the scan finds the templates
    assert "Y年n月j日" in USED


@pytest.mark.parametrize("fmt", [*USED, "D", "jS F", r"\Y Y", "", "N j, Y"])
def test_same_text_as_djangos_filter(fmt: str) -> None:
    for value in VALUES:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and set(fmt) & set("HisgGaAPfu"):
            continue  # Django refuses a time format on a date
        assert template_dates.date(value, fmt) == defaultfilters.date(value, fmt), (fmt, value)


def test_templates_use_it_in_local_time() -> None:
    moment = timezone.make_aware(dt.datetime(2026, 3, 4, 7, 5), dt.UTC)  # 15:05 in Beijing
    text = Template('{{ at|date:"n月j日 H:i" }}|{{ none|date:"Y年n月j日" }}|{{ text|date:"Y" }}').render(
        Context({"at": moment, "none": None, "text": "不是日期"})
    )
    assert text == "3月4日 15:05||"
    assert template_dates.compiled("n月j日 H:i") is not None  # the fast path, not Django's
    assert template_dates.compiled("D") is None
