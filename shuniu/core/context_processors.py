"""What every page's layout needs: the menu bar, its counts, and the signed-in person's capabilities."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shuniu.core.inbox import inbox_counts
from shuniu.core.models import User
from shuniu.core.navigation import menu_for
from shuniu.core.permissions import perms_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    caps = perms_of(user)
    # One query for 待办, 待阅 and unread notifications, on every page: the menu is never stale.
    return {"menu": menu_for(user, request.path, caps, inbox_counts(user)), "caps": caps}
