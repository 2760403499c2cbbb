"""Reminder sources of petitions (asked every minute by `core.reminders.reminders_run`).

Each running, unpaused clock of a petition (告知期限, 办理期限·<unit>):
- when it comes within its warning (3 days to tell the petitioner, 5 for a unit's reply): the petition
  staff, and for a handling clock the unit's liaisons — once per deadline (an extension is a new one);
- every working morning once it has passed: the same people (a key with the date in it);
- and the first working morning it is overdue, the director (escalation), once per deadline.
Titles name the petition by number and topic only: no petitioner's particulars leave the module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from shuniu.core.deadlines import remaining
from shuniu.core.models import Clock, Role
from shuniu.core.reminders import Due, working_morning
from shuniu.core.selectors import liaisons_of, users_with_role
from shuniu.core.text import day_time
from shuniu.core.workcal import WorkingCalendar
from shuniu.petitions.models import Petition
from shuniu.petitions.services import HANDLING_CLOCK


def petitions_due(now: dt.datetime, calendar: WorkingCalendar) -> Iterator[Due]:
    """What the petitions' clocks have to say now (see the module's docstring)."""
    clocks = list(
        Clock.objects.filter(
            content_type=ContentType.objects.get_for_model(Petition), stopped_at__isnull=True, paused_at__isnull=True
        )
    )
    if not clocks:
        return
    petitions = Petition.objects.in_bulk([c.object_id for c in clocks])
    officers = list(users_with_role(Role.PETITION_OFFICER))
    directors = list(users_with_role(Role.DIRECTOR))
    units = {p.handling_unit_id for p in petitions.values() if p.handling_unit_id}
    liaisons = liaisons_of({u for u in units if u is not None})
    morning = working_morning(now, calendar)
    today = timezone.localtime(now, calendar.tz).date()
    for clock in clocks:
        petition = petitions.get(clock.object_id)
        if petition is None:
            continue
        people = list(officers)
        if clock.name.startswith(HANDLING_CLOCK) and petition.handling_unit_id:
            people += liaisons.get(petition.handling_unit_id, [])
        label = f"{petition.number}（{petition.get_topic_display()}）"
        url = reverse("petitions:detail", args=[petition.pk])
        stamp = int(clock.due_at.timestamp())
        if now > clock.due_at:
            if not morning:
                continue
            for person in people:
                yield Due(
                    key=f"petition:{petition.pk}:{clock.pk}:overdue:{today.isoformat()}",
                    recipient=person,
                    title=f"信访{clock.name}已超期：{label}",
                    body=f"期限为 {day_time(clock.due_at)}，请立即办理。",
                    url=url,
                )
            for person in directors:
                yield Due(
                    key=f"petition:{petition.pk}:{clock.pk}:escalated:{stamp}",
                    recipient=person,
                    title=f"信访事项超期未办：{label}",
                    body=f"{clock.name}已于 {day_time(clock.due_at)} 届满。",
                    url=url,
                )
        elif remaining(clock.unit, clock.due_at, now, calendar) <= clock.warn_within:
            for person in people:
                yield Due(
                    key=f"petition:{petition.pk}:{clock.pk}:near:{stamp}",
                    recipient=person,
                    title=f"信访{clock.name}临近：{label}",
                    body=f"期限为 {day_time(clock.due_at)}。",
                    url=url,
                )
