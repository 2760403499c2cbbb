"""Reads of supervision, always narrowed to what the user may see — inside the query."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from shuniu.core.deadlines import Light, light
from shuniu.core.models import ClockUnit, Role, User
from shuniu.core.workcal import WorkingCalendar
from shuniu.supervision.models import Assignment, Matter, Receipt, Source, Status

if TYPE_CHECKING:
    from shuniu.documents.models import Document

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


def matter_list(user: User, *, status: str = "") -> QuerySet[Matter]:
    """The list page's matters: for a liaison, those still to be signed by their unit first, then by deadline."""
    from django.db.models import Case, IntegerField, Value, When

    matters = matters_for(user).select_related("instructing_leader").prefetch_related("assignments__unit")
    if status in Status.values:
        matters = matters.filter(status=status)
    if user.has_role(Role.LIAISON) and user.unit_id is not None:
        to_sign = Case(
            When(assignments__unit_id=user.unit_id, assignments__receipt=Receipt.TO_SIGN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return matters.annotate(first=to_sign).order_by("first", "deadline", "-seq")
    return matters.order_by("status", "deadline", "-seq")


def matter_for(user: User, pk: object) -> Matter:
    """One matter the user may see (404 otherwise), with what its page shows."""
    from shuniu.core.access import get_visible_or_404

    matters = matters_for(user).select_related("instructing_leader", "leader_in_charge", "registered_by", "document")
    return get_visible_or_404(matters, pk)


def own_assignment(user: User, matter: Matter) -> Assignment | None:
    """The part of `matter` that the liaison's unit holds now (none after reassignment away)."""
    if not user.has_role(Role.LIAISON) or user.unit_id is None:
        return None
    return matter.assignments.filter(unit_id=user.unit_id).exclude(receipt=Receipt.WITHDRAWN).first()


def draft_from_document(document: Document) -> dict[str, object]:
    """A registration filled in from a document whose leader asked for action (待转督办)."""
    asking = [r for r in document.readings.select_related("leader") if r.requires_action and r.instruction]
    instruction = "\n".join(f"{r.leader.full_name}：{r.instruction}" for r in asking)
    return {
        "source": Source.INSTRUCTION,
        "title": document.title[:200],
        "content": instruction or document.title,
        "instruction": instruction,
        "instructing_leader": asking[0].leader_id if asking else None,
        "document": document.pk,
    }


def liaisons_of(unit_ids: set[int]) -> dict[int, list[User]]:
    """The active liaisons of each unit (the people a unit's part of a matter is addressed to)."""
    found: dict[int, list[User]] = {}
    for user in User.objects.filter(unit_id__in=unit_ids, is_active=True, role_grants__role=Role.LIAISON).distinct():
        found.setdefault(int(user.unit_id or 0), []).append(user)
    return found


def supervision_staff() -> list[User]:
    """The supervision section's staff (督查室), who chase, reassign and review."""
    return list(User.objects.filter(is_active=True, role_grants__role=Role.SUPERVISOR).distinct())
