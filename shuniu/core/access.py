"""Access helpers every view uses: the signed-in user, and look-ups scoped to what they may see (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from shuniu.core.models import User

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponseBase]


def current_user(request: HttpRequest) -> User:
    """The logged-in user as our User model (views behind login_required only)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("请先登录。")
    return user


def get_visible_or_404(queryset: QuerySet[M], pk: Any) -> M:
    """The object with `pk` from a queryset already narrowed to what the user may see, else 404.

    An object the user may not see is indistinguishable from one that does not exist.
    """
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("未找到，或您无权查看。") from None
