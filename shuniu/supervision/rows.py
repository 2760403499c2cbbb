"""What the supervision list shows of each matter, as plain values (rendered once for them: core/template_rows.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shuniu.core.deadlines import Light
from shuniu.core.numbering import official_number
from shuniu.core.workcal import WorkingCalendar
from shuniu.supervision import selectors
from shuniu.supervision.models import SERIES, Status

_STATUS_LABELS = dict(Status.choices)


@dataclass(frozen=True, slots=True)
class MatterRow:
    """A line of the supervision list as plain values: its HTML is rendered once for them (`{% row %}`)."""

    pk: int
    number: str
    title: str
    light: Light | None
    status_label: str
    held: tuple[selectors.HandlingUnit, ...]
    deadline: dt.datetime | None
    instructing_leader: str


def matter_rows(lines: Sequence[tuple[Any, ...]], now: dt.datetime, calendar: WorkingCalendar) -> list[MatterRow]:
    """The lines of a page of `matter_lines(matter_list(user))`: each with its light now and its handling units."""
    matters = [selectors.MatterLine(*values) for values in lines]
    held = selectors.handling_units(matters)
    return [
        MatterRow(
            pk=matter.pk,
            number=official_number(SERIES, matter.year, matter.seq),
            title=matter.title,
            light=selectors.matter_light(matter, now, calendar),
            status_label=_STATUS_LABELS.get(matter.status, matter.status),
            held=tuple(held.get(matter.pk, ())),
            deadline=matter.deadline,
            instructing_leader=matter.instructing_leader or "",
        )
        for matter in matters
    ]
