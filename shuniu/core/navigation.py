"""The main navigation, by capability. A module adds its entries here when it ships."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.urls import get_script_prefix, get_urlconf, reverse

from shuniu.core.inbox import Counts
from shuniu.core.models import User
from shuniu.core.permissions import perms_of


@dataclass(frozen=True)
class NavItem:
    """One menu entry, shown to whoever holds its capability (every signed-in person if None)."""

    label: str
    icon: str
    url_name: str
    capability: str | None

    @property
    def url(self) -> str:
        return _address(self.url_name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=256)
def _address(url_name: str, prefix: str, urlconf: str | None) -> str:
    """A menu entry's address: the same on every page (per script prefix and URLconf), so reversed once."""
    return reverse(url_name, urlconf=urlconf)


NAV: tuple[NavItem, ...] = (
    NavItem("工作台", "bi-speedometer2", "board:workbench", None),
    NavItem("今日要情", "bi-sunrise", "board:briefing", "board.briefing"),
    NavItem("全局看板", "bi-bar-chart", "office:board", "board.view"),
    NavItem("我的事项", "bi-inbox-fill", "core:inbox", "inbox.view"),
    NavItem("待阅文件", "bi-inbox", "documents:desk", "documents.desk"),
    NavItem("收文", "bi-file-earmark-text", "documents:register", "documents.register"),
    NavItem("送文清单", "bi-truck", "documents:deliveries", "documents.deliver"),
    NavItem("本单位来文", "bi-envelope-paper", "documents:unit_copies", "documents.unit"),
    NavItem("我的日程", "bi-calendar-event", "schedules:mine", "schedules.mine"),
    NavItem("周工作安排", "bi-calendar-week", "schedules:weekly_plan", "schedules.view"),
    NavItem("重点工作", "bi-flag", "schedules:key_work_list", "schedules.key_work"),
    NavItem("今日安排", "bi-clock", "schedules:day", "schedules.day"),
    NavItem("督查督办", "bi-clipboard-check", "supervision:list", "supervision.view"),
    NavItem("信访接待", "bi-people", "petitions:list", "petitions.view"),
    NavItem("电话通知", "bi-telephone", "notices:list", "notices.view"),
    NavItem("来电登记", "bi-telephone-inbound", "calls:list", "calls.view"),
    NavItem("县情", "bi-bar-chart-line", "knowledge:overview", "knowledge.view"),
    NavItem("通讯录", "bi-journal-text", "core:directory", "directory.view"),
    NavItem("审计日志", "bi-shield-check", "audit:entries", "audit.view"),
    NavItem("消息发送", "bi-send", "core:deliveries", "notify.deliveries"),
    NavItem("系统管理", "bi-gear", "admin:index", "admin.site"),
)


def nav_for(user: User, caps: frozenset[str] | None = None) -> list[NavItem]:
    """The menu for `user`, from the one capability table (`caps`: theirs, when already known)."""
    if not user.is_authenticated:
        return []
    held = perms_of(user) if caps is None else caps
    return [item for item in NAV if item.capability is None or item.capability in held]


class MenuEntry(NamedTuple):
    """One entry of the menu bar as the page shows it (from `nav_for`, the one capability table)."""

    url: str
    icon: str
    label: str
    current: bool  # the page shown is this entry's
    inbox: bool  # the entry that carries the 待办 and 待阅 counts


@dataclass(frozen=True)
class Menu:
    """What the menu bar shows, as plain values: the layout renders it once for each set of them.

    A page asked again by the same person, or by anyone with the same menu, the same counts and the
    same name, reuses the HTML (the `row` tag); the counts are read on every page, so a changed count
    is another menu at once.
    """

    entries: tuple[MenuEntry, ...]
    counts: Counts
    name: str
    roles: str
    tokens: bool  # the 接口令牌 entry of the user menu


def menu_for(user: User, path: str, caps: frozenset[str], counts: Counts) -> Menu:
    """The menu bar of `user` on the page at `path`."""
    entries = tuple(
        MenuEntry(item.url, item.icon, item.label, path == item.url, item.url_name == "core:inbox")
        for item in nav_for(user, caps)
    )
    return Menu(
        entries,
        counts,
        user.full_name or user.username,
        "、".join(user.role_labels),
        "api.use" in caps or "board.view" in caps,
    )
