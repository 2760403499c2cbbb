"""The admin site, open to the system administrator role only (三权分立)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse


def is_system_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.has_role("admin"))


class ShuniuAdminSite(admin.AdminSite):
    site_header = "枢纽 · 系统管理"
    site_title = "枢纽系统管理"
    index_title = "用户、单位与工作日历"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The one login page (throttle, second factor, audit): the admin site has no password form of its own."""
        from urllib.parse import urlencode

        from django.shortcuts import redirect
        from django.urls import reverse

        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('core:login')}?{urlencode({'next': target})}")


class ShuniuAdminConfig(AdminConfig):
    default_site = "shuniu.core.admin_site.ShuniuAdminSite"
