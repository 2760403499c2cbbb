"""What the petition register shows of each petition, as plain values (rendered once for them: core/template_rows.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from shuniu.core.models import User
from shuniu.petitions import selectors
from shuniu.petitions.models import Category, Channel, Petition, Status, Topic

_CATEGORIES = dict(Category.choices)
_TOPICS = dict(Topic.choices)
_STATUSES = dict(Status.choices)
_CHANNELS = dict(Channel.choices)


@dataclass(frozen=True, slots=True)
class PetitionRow:
    """A line of the petition register as plain values: its HTML is rendered once for them (`{% row %}`).

    `people` and the repeat badges only for who sees petitioners (`sees_petitioners`).
    """

    pk: int
    number: str
    category_label: str
    topic_label: str
    status_label: str
    channel_label: str
    received_at: dt.datetime
    repeat: bool
    repeat_count: int
    group_visit: bool
    people: tuple[selectors.ListedPetitioner, ...]
    people_count: int
    summary: str
    sees_petitioners: bool


def petition_rows(user: User, petitions: Sequence[Petition]) -> list[PetitionRow]:
    """The lines of a page of `petition_list(user)`."""
    people = selectors.listed_people(user, petitions)
    sees = selectors.sees_petitioners(user)
    return [
        PetitionRow(
            pk=petition.pk,
            number=petition.number,
            category_label=_CATEGORIES.get(petition.category, petition.category),
            topic_label=_TOPICS.get(petition.topic, petition.topic),
            status_label=_STATUSES.get(petition.status, petition.status),
            channel_label=_CHANNELS.get(petition.channel, petition.channel),
            received_at=petition.received_at,
            repeat=sees and petition.repeat_of_id is not None,
            repeat_count=petition.repeat_count if sees else 0,  # type: ignore[attr-defined]  # petition_list's annotation
            group_visit=petition.group_visit,
            people=tuple(people.get(petition.pk, ())),
            people_count=petition.people_count,
            summary=petition.summary,
            sees_petitioners=sees,
        )
        for petition in petitions
    ]
