"""What of the directory the search finds: a unit by name, short name, initials and office phone, and its contacts.

A contact's name, post, office phone and name's initials are indexed with their unit (the result is
the unit's card in the directory); mobile numbers are not.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from shuniu.core.models import Unit, User
from shuniu.core.permissions import can
from shuniu.core.selectors import units_visible_to
from shuniu.search.registry import Kind, Record, register
from shuniu.search.terms import initials


def record(unit: Unit) -> Record:
    contacts = list(unit.contacts.all())
    people = "、".join(f"{c.name}（{c.title}）" if c.title else c.name for c in contacts)
    text = [unit.name, unit.short_name, initials(unit.name), initials(unit.short_name), unit.phone]
    for contact in contacts:
        text += [contact.name, initials(contact.name), contact.title, contact.office_phone]
    return Record(
        title=unit.name,
        detail=" · ".join(x for x in (unit.get_kind_display(), unit.phone, people) if x),
        text=text,
    )


def visible(user: User) -> QuerySet[Unit]:
    if not can(user, "directory.view"):
        return Unit.objects.none()
    return units_visible_to(user).filter(is_active=True)


def kinds() -> None:
    register(
        Kind(
            key="unit",
            label="通讯录",
            model=Unit,
            visible=visible,
            record=record,
            url=lambda pk: f"{reverse('core:directory')}#unit-{pk}",
            order=70,
            rebuild_queryset=lambda: Unit.objects.prefetch_related("contacts"),
            icon="bi-journal-text",
        )
    )
