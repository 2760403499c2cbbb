"""Types the resources share: times in the county's zone, days, a day range."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from pydantic import AfterValidator, Field

# A moment as the office reads it: ISO 8601 with the offset of the county's zone (+08:00).
Moment = Annotated[dt.datetime, AfterValidator(lambda value: timezone.localtime(value))]
Day = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 31))]  # a calendar day, YYYY-MM-DD


def day_range(
    first: dt.date | None, last: dt.date | None, names: tuple[str, str]
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[first 00:00, the day after last 00:00) in the county's zone, for an indexed range on a time column."""
    if first and last and first > last:
        raise ValidationError({names[0]: f"起始日期（{first}）晚于截止日期（{last}）。"})

    def midnight(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))

    try:
        return (
            midnight(first) if first else None,
            midnight(last + dt.timedelta(days=1)) if last else None,
        )
    except OverflowError:
        raise ValidationError({names[1]: "日期超出范围。"}) from None
