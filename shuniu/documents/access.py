"""Object look-ups of the documents module: what the user may not see is a 404."""

from __future__ import annotations

from typing import Any

from shuniu.core.access import get_visible_or_404
from shuniu.core.models import User
from shuniu.documents.models import Copy, Document, Reading, UnitCopy
from shuniu.documents.selectors import delegating_leaders, documents_visible_to, unit_copies_visible_to


def get_document_for(user: User, pk: Any) -> Document:
    return get_visible_or_404(documents_visible_to(user), pk)


def get_reading_for(user: User, pk: Any) -> Reading:
    """A reading the user may act on: their own, one of a leader whose desk they keep, or (staff) any visible."""
    readings = Reading.objects.select_related("document", "leader", "copy").filter(
        document__in=documents_visible_to(user)
    )
    if not user.has_role("clerk", "director"):
        readings = readings.filter(leader_id__in=[user.pk, *delegating_leaders(user)])
    return get_visible_or_404(readings, pk)


def get_copy_for(user: User, pk: Any) -> Copy:
    return get_visible_or_404(
        Copy.objects.select_related("document", "holder", "destination").filter(
            document__in=documents_visible_to(user)
        ),
        pk,
    )


def get_unit_copy_for(user: User, pk: Any) -> UnitCopy:
    """A unit's copy the user may sign for: the office's any (up to clearance), a liaison's own unit's."""
    return get_visible_or_404(unit_copies_visible_to(user).select_related("document", "unit"), pk)
