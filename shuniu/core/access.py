"""Access helpers every view uses: role checks (403) and object look-ups scoped to the user (404)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
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


def require_role(user: Any, *roles: str) -> None:
    """Raise PermissionDenied (403) unless the user holds one of `roles`."""
    if not (getattr(user, "is_authenticated", False) and user.has_role(*roles)):
        raise PermissionDenied("您没有访问此页面的权限。")


def role_required(*roles: str) -> Callable[[View], View]:
    """View decorator: log in first, then one of `roles` or 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_visible_or_404(queryset: QuerySet[M], pk: Any) -> M:
    """The object with `pk` from a queryset already narrowed to what the user may see, else 404.

    An object the user may not see is indistinguishable from one that does not exist.
    """
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("未找到，或您无权查看。") from None
