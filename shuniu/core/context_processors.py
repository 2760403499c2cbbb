"""What every page's layout needs: the menu, its counts, and the signed-in person's capabilities."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shuniu.core.inbox import inbox_counts
from shuniu.core.models import User
from shuniu.core.navigation import nav_for
from shuniu.core.permissions import perms_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {"nav_items": []}
    counts = inbox_counts(user)  # one query for 待办, 待阅 and unread notifications
    return {
        "nav_items": nav_for(user),
        "inbox": counts,
        "unread_count": counts.unread,
        "caps": perms_of(user),
    }
