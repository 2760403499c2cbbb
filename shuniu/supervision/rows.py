"""What the supervision list shows of each matter, as plain values (rendered once for them: core/template_rows.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from shuniu.core.deadlines import Light
from shuniu.core.workcal import WorkingCalendar
from shuniu.supervision import selectors
from shuniu.supervision.models import Matter, Status

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


def matter_rows(matters: Sequence[Matter], now: dt.datetime, calendar: WorkingCalendar) -> list[MatterRow]:
    """The lines of a page of `matter_list(user)`: each with its light now and its handling units."""
    held = selectors.handling_units(matters)
    return [
        MatterRow(
            pk=matter.pk,
            number=matter.number,
            title=matter.title,
            light=selectors.matter_light(matter, now, calendar),
            status_label=_STATUS_LABELS.get(matter.status, matter.status),
            held=tuple(held.get(matter.pk, ())),
            deadline=matter.deadline,
            instructing_leader=matter.instructing_leader.full_name if matter.instructing_leader else "",
        )
        for matter in matters
    ]
