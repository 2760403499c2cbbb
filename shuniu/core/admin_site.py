"""The admin site, open to the system administrator role only (三权分立)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


def is_system_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.has_role("admin"))


class ShuniuAdminSite(admin.AdminSite):
    site_header = "枢纽 · 系统管理"
    site_title = "枢纽系统管理"
    index_title = "用户、单位与工作日历"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request)


class ShuniuAdminConfig(AdminConfig):
    default_site = "shuniu.core.admin_site.ShuniuAdminSite"
