"""Reads of supervision, always narrowed to what the user may see — inside the query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from shuniu.core.deadlines import Light, light
from shuniu.core.models import ClockUnit, Role, User
from shuniu.core.workcal import WorkingCalendar
from shuniu.supervision.models import Matter, Receipt, Status

WARN_WORKDAYS = 3  # yellow within three working days of the deadline


def matters_for(user: User) -> QuerySet[Matter]:
    """The matters `user` may see, up to their clearance.

    Supervision staff and the director all; a leader those they instructed or are in charge of; a
    liaison their unit's (not one reassigned away); nobody else any.
    """
    matters = Matter.objects.filter(secrecy__lte=user.clearance)
    if user.has_role(Role.SUPERVISOR, Role.DIRECTOR):
        return matters
    scope = Q(pk__in=[])
    if user.has_role(Role.LEADER):
        scope |= Q(instructing_leader=user) | Q(leader_in_charge=user)
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        scope |= Q(
            assignments__unit_id=user.unit_id,
            assignments__receipt__in=(Receipt.TO_SIGN, Receipt.SIGNED, Receipt.OBJECTED),
        )
    return matters.filter(scope).distinct()


def matter_light(matter: Matter, now: dt.datetime, calendar: WorkingCalendar) -> Light | None:
    """Green on track, yellow within 3 working days of the deadline, red overdue; none once closed."""
    if matter.status == Status.CLOSED or matter.deadline is None:
        return None
    return light(ClockUnit.WORKDAYS, WARN_WORKDAYS, matter.deadline, now, calendar)
