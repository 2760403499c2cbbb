"""Types the resources share: times in the county's zone, days, a day range."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from shuniu.core.forms import YEARS, day_span

# A moment as the office reads it: ISO 8601 with the offset of the county's zone (+08:00).
Moment = Annotated[dt.datetime, AfterValidator(lambda value: timezone.localtime(value))]


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD: pydantic would also take a timestamp or a date with a time."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("应为日期，格式 YYYY-MM-DD。")
    return value


def _office_year(value: dt.date) -> dt.date:
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(f"日期应在 {YEARS[0]} 年至 {YEARS[1]} 年之间。")
    return value


# A calendar day within the years the office's records may fall in.
Day = Annotated[
    dt.date,
    BeforeValidator(_iso_day),
    AfterValidator(_office_year),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]


def day_range(
    first: dt.date | None, last: dt.date | None, names: tuple[str, str]
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The aware [start, end) that a filter's first and last day (either may be absent) cover."""
    if first and last and first > last:
        raise ValidationError({names[0]: f"起始日期（{first}）晚于截止日期（{last}）。"})
    start = day_span(first, first)[0] if first else None
    end = day_span(last, last)[1] if last else None
    return start, end


M = TypeVar("M", bound=Model)


def narrowed(
    rows: QuerySet[M], column: str, first: dt.date | None, last: dt.date | None, status: str | None
) -> QuerySet[M]:
    """A list's filters: days on a time column (``received_at`` ← ``received_from``/``received_to``), and a state."""
    prefix = column.removesuffix("_at")
    start, end = day_range(first, last, (f"{prefix}_from", f"{prefix}_to"))
    if start:
        rows = rows.filter(**{f"{column}__gte": start})
    if end:
        rows = rows.filter(**{f"{column}__lt": end})
    return rows.filter(status=status) if status else rows
