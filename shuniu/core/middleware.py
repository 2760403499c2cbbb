"""Per-request account rules: idle logout (30 minutes by default), a password to change, a second factor to set up."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_KEY = "shuniu_last_seen"
# Writing the session on every request costs a write per page; a minute's slack is harmless.
_TOUCH_EVERY_SECONDS = 60


class IdleLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(SESSION_KEY)
            if last_seen is not None and now - float(last_seen) > settings.IDLE_LOGOUT_MINUTES * 60:
                from shuniu.core.services import read_recorded

                read_recorded(actor=request.user, action="auth.idle_logout", obj=request.user)
                logout(request)
                messages.info(request, f"您已超过 {settings.IDLE_LOGOUT_MINUTES} 分钟未操作，已自动退出，请重新登录。")
            elif request.GET.get("auto") == "1":
                pass  # a page reloading itself (the wall display) is nobody working: the idle time runs on
            elif last_seen is None or now - float(last_seen) > _TOUCH_EVERY_SECONDS:
                request.session[SESSION_KEY] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A password someone else set (new account, reset) must be changed before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if getattr(user, "is_authenticated", False) and getattr(user, "must_change_password", False):
            from django.shortcuts import redirect
            from django.urls import reverse

            allowed = {reverse("core:password_change"), reverse("core:logout")}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL or "/static/"):
                messages.info(request, "您的密码由管理员设置，请先改为只有您自己知道的密码。")
                return redirect("core:password_change")
        return self.get_response(request)


SECOND_FACTOR_KEY = "shuniu_second_factor"  # set at login: whether this session gave a code


class SecondFactorRequiredMiddleware:
    """Two-step verification holds for every session, however it was opened.

    A session our login did not open (no record of how it began) for a user with an authenticator
    app is ended: nothing but the login page's second step may open such an account. A role that
    must use two-step verification (administrator, auditor) sets it up before anything else.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not getattr(user, "is_authenticated", False):
            return self.get_response(request)
        from django.shortcuts import redirect
        from django.urls import reverse

        from shuniu.core.selectors import second_factor_enabled

        passed = request.session.get(SECOND_FACTOR_KEY)
        if passed is None and second_factor_enabled(user):  # type: ignore[arg-type]
            logout(request)
            messages.info(request, "请通过登录页输入密码和验证码登录。")
            return redirect("core:login")
        if passed or not getattr(user, "second_factor_required", False):
            return self.get_response(request)
        allowed = {reverse("core:logout"), reverse("core:password_change")}
        if (
            request.path not in allowed
            and not request.path.startswith((reverse("core:second_factor"), settings.STATIC_URL or "/static/"))
            and not second_factor_enabled(user)  # type: ignore[arg-type]
        ):
            messages.info(request, "您的角色必须使用两步验证：请先用手机上的验证器 App 完成设置。")
            return redirect("core:second_factor")
        return self.get_response(request)
