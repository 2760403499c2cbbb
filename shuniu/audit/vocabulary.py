"""The audit log in words: operation names, object kinds, people's names and details in Chinese.

Entries store machine names (``document.approve``, ``{"to": 7}``) so the chain never depends on
wording. An auditor reads them through this module: every app names its operations with
`register` (a workflow registers its own actions and status labels), and `describe` turns a page
of entries into rows in Chinese, resolving the people and units it mentions in two queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from shuniu.audit.models import AuditEntry

OPERATIONS: dict[str, str] = {
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.attempt_failed": "查询码等校验失败",
    "draft.save": "保存草稿",
    "draft.discard": "删除草稿",
    "draft.purge": "清除过期草稿",
    "auth.locked": "账号锁定",
    "auth.login_refused_locked": "锁定期间尝试登录",
    "user.create": "创建用户",
    "user.roles": "修改角色",
    "user.unlock": "解除锁定",
    "user.password_set": "设置密码",
    "user.update": "修改用户信息",
    "user.password_disabled": "停用密码登录",
    "unit.create": "新增单位",
    "unit.update": "修改单位信息",
    "contact.create": "新增联系人",
    "contact.update": "修改联系人",
    "leader_profile.set": "设置领导信息",
    "directory.import": "导入通讯录",
    "notification.read": "阅读通知",
    "reminder.send": "发送提醒",
    "notification.choices": "设置通知方式",
    "delivery.failed": "邮件/短信发送失败（已放弃）",
    "delivery.retry": "重新发送邮件/短信",
    "token.issue": "生成接口令牌",
    "token.revoke": "撤销接口令牌",
    "export.briefing": "打印今日要情",
    "demo.load": "载入演示数据",
    "backup.make": "备份",
    "backup.restore": "从备份恢复",
    "admin.add": "系统管理·新增",
    "admin.change": "系统管理·修改",
    "admin.delete": "系统管理·删除",
    "auth.logout": "退出登录",
    "auth.demo_password_refused": "拒绝演示密码登录",
    "auth.idle_logout": "超时自动退出",
    "auth.code_failed": "两步验证码错误",
    "second_factor.begin": "开始设置两步验证",
    "second_factor.enable": "启用两步验证",
    "second_factor.disable": "停用两步验证",
    "second_factor.reset": "重置两步验证",
    "second_factor.recovery_renew": "重新生成恢复码",
    "audit.view": "查看审计日志",
    "export.audit": "导出审计日志",
    "export.checkpoints": "导出审计检查点",
    "export.register": "导出收文登记簿",
    "export.directory": "导出通讯录",
    "export.weekly_plan": "导出周工作安排",
    "document.view": "查阅涉密文件",
    "attachment.download": "下载附件",
    "clock.start": "开始计时",
    "clock.extend": "延长期限",
    "clock.pause": "暂停计时",
    "clock.resume": "恢复计时",
    "clock.stop": "停止计时",
}
# Prefix filters offered first in the operation list.
OPERATION_GROUPS: list[tuple[str, str]] = [
    ("auth.", "【登录与账号安全】全部"),
    ("user.", "【用户与角色】全部"),
    ("admin.", "【系统管理】全部"),
]
STATUS_LABELS: dict[str, dict[str, str]] = {}
# What a workflow action's `reason` is called where "理由" would read wrong.
REASON_LABELS: dict[str, str] = {
    "document.approve": "审批意见",
    "document.correct": "更正说明",
    "document.close": "办理结果",
}  # object type → status value → label

# Keys of `data` an auditor should read as words; "person" and "unit" values are ids to resolve.
KEYS: dict[str, tuple[str, str]] = {
    "leader": ("领导", "person"),
    "leaders": ("领导", "person"),
    "acting": ("代阅人", "person"),
    "owner": ("责任人", "person"),
    "readers": ("传阅领导", "person"),
    "units": ("承办单位", "unit"),
    "to": ("送至", "person"),
    "from": ("取自", "person"),
    "reason": ("理由", "text"),
    "copies": ("份数", "text"),
    "reg_number": ("登记号", "text"),
    "attachments": ("附件数", "text"),
    "duplicate_confirmed": ("确认非重复登记", "bool"),
    "on_paper": ("纸质签阅", "bool"),
    "pinned": ("置顶", "bool"),
    "done": ("完成", "bool"),
    "start": ("开始", "text"),
    "end": ("结束", "text"),
    "week": ("周", "text"),
    "version": ("版本", "text"),
    "rows": ("行数", "text"),
    "count": ("数量", "text"),
    "rank": ("排序", "text"),
    "post": ("职务", "text"),
    "before": ("修改前", "roles"),
    "after": ("修改后", "roles"),
    "roles": ("角色", "roles"),
    "failures": ("连续失败次数", "text"),
    "username": ("所填用户名", "text"),
    "address": ("来源地址", "text"),
    "by_owner": ("本人修改", "bool"),
    "message": ("说明", "text"),
    "matter": ("督办事项", "text"),
    "instruction": ("批示", "text"),
    "requires_action": ("要求办理", "bool"),
    "kind": ("类型", "text"),
    "due": ("到期", "text"),
    "name": ("名称", "text"),
    "year": ("年度", "text"),
    "format": ("格式", "text"),
    "actor": ("操作人", "text"),
    "action": ("操作", "text"),
    "object_type": ("对象类型", "text"),
    "since": ("起始日期", "text"),
    "until": ("截止日期", "text"),
    "acting_for": ("代阅", "bool"),
}
_HIDDEN = {"key", "overlaps"}  # internal keys


def register(operations: Mapping[str, str]) -> None:
    """An app names its operations (called from its AppConfig.ready or a workflow table)."""
    OPERATIONS.update(operations)


def register_statuses(object_type: str, labels: Mapping[str, str]) -> None:
    STATUS_LABELS[object_type] = dict(labels)


def operation_label(action: str) -> str:
    """The operation's Chinese name; an admin change names its model; unknown names stay as they are."""
    if action in OPERATIONS:
        return OPERATIONS[action]
    parts = action.split(".")
    if parts[0] == "admin" and len(parts) == 3:
        return f"{OPERATIONS.get('admin.' + parts[2], action)}（{_model_label_by_name(parts[1])}）"
    return action


def object_label(object_type: str) -> str:
    """``documents.document`` → 收文."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _model_label_by_name(model_name: str) -> str:
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return str(model._meta.verbose_name)
    return model_name


def operation_choices() -> list[tuple[str, str]]:
    """For the filter: every named operation by its Chinese name, those of one kind of object together."""
    return sorted(OPERATIONS.items())


@dataclass(frozen=True)
class Row:
    """One entry as the auditor reads it."""

    entry: AuditEntry
    operation: str
    object_kind: str
    details: str


def describe(entries: Iterable[AuditEntry]) -> list[Row]:
    """Rows in words for a page (or an export) of entries: two queries for all the names in it."""
    from shuniu.core.models import Role, Unit, User

    entries = list(entries)
    people: set[int] = set()
    units: set[int] = set()
    for entry in entries:
        for key, value in (entry.data or {}).items():
            kind = KEYS.get(key, ("", ""))[1]
            ids = value if isinstance(value, list) else [value]
            if kind == "person":
                people.update(v for v in ids if isinstance(v, int))
            elif kind == "unit":
                units.update(v for v in ids if isinstance(v, int))
    names = {pk: str(user) for pk, user in User.objects.in_bulk(list(people)).items()} if people else {}
    unit_names = {pk: u.name for pk, u in Unit.objects.in_bulk(list(units)).items()} if units else {}
    role_labels = dict(Role.choices)
    statuses = STATUS_LABELS

    def word(entry: AuditEntry, key: str, value: Any) -> str:
        label, kind = KEYS.get(key, (key, "text"))
        if key == "reason":
            label = REASON_LABELS.get(entry.action, label)
        if key in ("from", "to") and isinstance(value, str):  # a workflow's statuses
            labels = statuses.get(entry.object_type, {})
            return f"{'原状态' if key == 'from' else '新状态'}：{labels.get(value, value)}"
        if key == "changes" and isinstance(value, dict):
            return "变更：" + "；".join(
                f"{_field_label(entry.object_type, f)} 由“{a}”改为“{b}”" for f, (a, b) in value.items()
            )
        values = value if isinstance(value, list) else [value]
        if kind == "person":
            shown = "、".join(names.get(v, f"（已删除的用户 {v}）") if isinstance(v, int) else str(v) for v in values)
        elif kind == "unit":
            shown = "、".join(unit_names.get(v, str(v)) for v in values)
        elif kind == "roles":
            shown = "、".join(str(role_labels.get(v, v)) for v in values) or "无"
        elif kind == "bool" or isinstance(value, bool):
            shown = "是" if value else "否"
        else:
            shown = "、".join(_moment(v) for v in values)
        return f"{label}：{shown}" if shown != "" else ""

    rows = []
    for entry in entries:
        data = dict(entry.data or {})
        if isinstance(data.get("acting"), bool):  # a sign-off's flag, not a person
            data["acting_for"] = data.pop("acting")
        if isinstance(data.get("from"), str) and data.get("from") == data.get("to"):
            data.pop("from")  # an action that keeps the status (a correction): no status change to tell
            data.pop("to")
        parts = [word(entry, k, v) for k, v in data.items() if k not in _HIDDEN and v not in (None, "", [], {})]
        rows.append(
            Row(entry, operation_label(entry.action), object_label(entry.object_type), "；".join(p for p in parts if p))
        )
    return rows


def _moment(value: Any) -> str:
    """An ISO time in the data as the office writes it (local, 年月日 时:分); anything else as it is."""
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and "T" in value:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{moment:%Y年%m月%d日 %H:%M}"
    return str(value)


def _field_label(object_type: str, name: str) -> str:
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):  # a model or field that is no more
        return name
    return str(getattr(field, "verbose_name", name))
