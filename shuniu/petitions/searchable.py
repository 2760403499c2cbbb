"""What of petitions the search finds: the number, the kind of matter and what it is about — never a person.

The summary is indexed with ID and phone numbers taken out and the petitioners' names replaced, so
the index holds nothing that identifies anyone; the result links to the petition, which shows the
searcher only what their role may see.
"""

from __future__ import annotations

from django.urls import reverse

from shuniu.core.personal import redact
from shuniu.petitions.models import Petition
from shuniu.petitions.selectors import petitions_for
from shuniu.search.registry import Kind, Record, register


def record(petition: Petition) -> Record:
    names = [p.name for p in petition.petitioners.all()]
    summary = redact(petition.summary, names)
    appeal = redact(petition.appeal, names)
    kind = f"{petition.get_category_display()} · {petition.get_topic_display()}"
    return Record(
        title=f"{petition.number} {kind}",
        detail=summary[:80] + ("…" if len(summary) > 80 else ""),
        text=[petition.number, kind, summary, appeal],
    )


def kinds() -> None:
    register(
        Kind(
            key="petition",
            label="信访事项",
            model=Petition,
            visible=petitions_for,
            record=record,
            url=lambda pk: reverse("petitions:detail", args=[pk]),
            order=30,
            rebuild_queryset=lambda: Petition.objects.prefetch_related("petitioners"),
            icon="bi-people",
        )
    )
