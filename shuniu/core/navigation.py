"""The main navigation, by role. A module adds its entries here when it ships."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from shuniu.core.models import Role, User
from shuniu.core.permissions import CAPABILITIES


@dataclass(frozen=True)
class NavItem:
    label: str
    icon: str
    url_name: str
    roles: frozenset[str]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_ALL = frozenset(Role.values)
_DIRECTORY = frozenset(Role.values) - {Role.AUDITOR}
_PLAN_READERS = frozenset({Role.CLERK, Role.DIRECTOR, Role.LEADER, Role.SUPERVISOR, Role.PETITION_OFFICER})
_STAFF = frozenset({Role.CLERK, Role.DIRECTOR, Role.SUPERVISOR, Role.PETITION_OFFICER})

NAV: tuple[NavItem, ...] = (
    NavItem("工作台", "bi-speedometer2", "board:workbench", _ALL),
    NavItem("我的事项", "bi-inbox-fill", "core:inbox", frozenset(CAPABILITIES["inbox.view"])),
    NavItem("待阅文件", "bi-inbox", "documents:desk", frozenset({Role.LEADER})),
    NavItem("收文", "bi-file-earmark-text", "documents:register", frozenset({Role.CLERK, Role.DIRECTOR})),
    NavItem("送文清单", "bi-truck", "documents:deliveries", frozenset({Role.CLERK, Role.DIRECTOR})),
    NavItem("我的日程", "bi-calendar-event", "schedules:mine", frozenset({Role.LEADER})),
    NavItem("周工作安排", "bi-calendar-week", "schedules:weekly_plan", _PLAN_READERS),
    NavItem("重点工作", "bi-flag", "schedules:key_work_list", _PLAN_READERS),
    NavItem("今日安排", "bi-clock", "schedules:day", _STAFF),
    NavItem("通讯录", "bi-journal-text", "core:directory", _DIRECTORY),
    NavItem("审计日志", "bi-shield-check", "audit:entries", frozenset({Role.AUDITOR})),
    NavItem("系统管理", "bi-gear", "admin:index", frozenset({Role.ADMIN})),
)


def nav_for(user: User) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV if user.has_role(*item.roles)]
