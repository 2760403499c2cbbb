"""Excel import and export of the directory: units, contacts and users (all-or-nothing import)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from shuniu import audit
from shuniu.core.excel import Column, ImportRejected, Sheet, cell_text, read_workbook, xlsx_bytes
from shuniu.core.forms import is_number
from shuniu.core.models import (
    Clearance,
    Contact,
    LeaderProfile,
    Role,
    RoleGrant,
    Unit,
    UnitKind,
    User,
    role_combination_errors,
)
from shuniu.search.services import entry_update

UNIT_COLUMNS = ["单位名称", "简称", "类别", "办公电话", "地址", "排序"]
CONTACT_COLUMNS = ["单位名称", "姓名", "职务", "办公电话", "手机", "排序"]
USER_COLUMNS = [
    "用户名",
    "姓名",
    "角色",
    "所属单位",
    "涉密等级",
    "手机",
    "领导排序",
    "领导职务",
    "分管领域",
    "办公室位置",
]
SHEETS = {"单位": UNIT_COLUMNS, "联系人": CONTACT_COLUMNS, "用户": USER_COLUMNS}
REQUIRED = {"单位": ["单位名称", "类别"], "联系人": ["单位名称", "姓名"], "用户": ["用户名", "姓名", "角色"]}

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_PHONE_RE = re.compile(r"^[\d\-()（） 转,，]{5,40}$")
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{2,150}$")
_ROLE_BY_LABEL = {label: value for value, label in Role.choices}
_KIND_BY_LABEL = {label: value for value, label in UnitKind.choices}
_CLEARANCE_BY_LABEL = {label: value for value, label in Clearance.choices}


@dataclass
class ImportReport:
    """What an import would change, and every reason it cannot."""

    errors: list[str] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"units": len(self.units), "contacts": len(self.contacts), "users": len(self.users)}


def _read_sheets(data: bytes) -> tuple[dict[str, list[tuple[int, dict[str, str]]]], list[str]]:
    raw, errors = read_workbook(data, SHEETS, REQUIRED)
    texts = {title: [(n, {k: cell_text(v) for k, v in row.items()}) for n, row in rows] for title, rows in raw.items()}
    return texts, errors


def directory_check(data: bytes) -> ImportReport:
    """Read and validate a directory workbook without writing anything."""
    rows_by_sheet, errors = _read_sheets(data)
    report = ImportReport(errors=errors)
    existing_units = set(Unit.objects.values_list("name", flat=True))
    file_units: set[str] = set()

    def bad(sheet: str, number: int, reason: str) -> None:
        report.errors.append(f"工作表「{sheet}」第 {number} 行：{reason}")

    for number, row in rows_by_sheet.get("单位", []):
        name, kind_label = row.get("单位名称", ""), row.get("类别", "")
        problems = []
        if not name:
            problems.append("单位名称不能为空")
        elif len(name) > 100:
            problems.append("单位名称超过 100 字")
        elif name in file_units:
            problems.append(f"单位「{name}」在本表中重复")
        if kind_label not in _KIND_BY_LABEL:
            problems.append(f"类别「{kind_label}」无效，应为：{'、'.join(_KIND_BY_LABEL)}")
        phone = row.get("办公电话", "")
        if phone and not _PHONE_RE.match(phone):
            problems.append(f"办公电话「{phone}」格式不正确")
        order = row.get("排序", "") or "100"
        if not is_number(order):
            problems.append(f"排序「{order}」应为非负整数")
        if problems:
            bad("单位", number, "；".join(problems) + "。")
            continue
        file_units.add(name)
        report.units.append(
            {
                "name": name,
                "short_name": row.get("简称", "")[:30],
                "kind": _KIND_BY_LABEL[kind_label],
                "phone": phone,
                "address": row.get("地址", "")[:200],
                "sort_order": int(order),
            }
        )

    known_units = existing_units | file_units
    seen_contacts: set[tuple[str, str]] = set()
    for number, row in rows_by_sheet.get("联系人", []):
        unit_name, name = row.get("单位名称", ""), row.get("姓名", "")
        problems = []
        if unit_name not in known_units:
            problems.append(f"单位「{unit_name}」不存在" if unit_name else "单位名称不能为空")
        if not name:
            problems.append("姓名不能为空")
        elif (unit_name, name) in seen_contacts:
            problems.append(f"「{unit_name}」的联系人「{name}」在本表中重复")
        mobile, phone = row.get("手机", ""), row.get("办公电话", "")
        if mobile and not _MOBILE_RE.match(mobile):
            problems.append(f"手机号码「{mobile}」应为 11 位数字")
        if phone and not _PHONE_RE.match(phone):
            problems.append(f"办公电话「{phone}」格式不正确")
        order = row.get("排序", "") or "100"
        if not is_number(order):
            problems.append(f"排序「{order}」应为非负整数")
        if problems:
            bad("联系人", number, "；".join(problems) + "。")
            continue
        seen_contacts.add((unit_name, name))
        report.contacts.append(
            {
                "unit": unit_name,
                "name": name[:50],
                "title": row.get("职务", "")[:50],
                "office_phone": phone,
                "mobile": mobile,
                "sort_order": int(order),
            }
        )

    seen_users: set[str] = set()
    ranks: dict[int, str] = dict(LeaderProfile.objects.values_list("rank", "user__username"))
    for number, row in rows_by_sheet.get("用户", []):
        username, full_name = row.get("用户名", ""), row.get("姓名", "")
        problems = []
        if not _USERNAME_RE.match(username):
            problems.append(f"用户名「{username}」无效（2–150 位字母、数字或 _.@+-）")
        elif username in seen_users:
            problems.append(f"用户名「{username}」在本表中重复")
        if not full_name:
            problems.append("姓名不能为空")
        labels = [part for part in re.split(r"[、,，;；\s]+", row.get("角色", "")) if part]
        unknown = [label for label in labels if label not in _ROLE_BY_LABEL]
        roles = {_ROLE_BY_LABEL[label] for label in labels if label in _ROLE_BY_LABEL}
        if not labels:
            problems.append("角色不能为空")
        if unknown:
            problems.append(f"角色「{'、'.join(unknown)}」无效，应为：{'、'.join(_ROLE_BY_LABEL)}")
        unit_name = row.get("所属单位", "")
        if unit_name and unit_name not in known_units:
            problems.append(f"所属单位「{unit_name}」不存在")
        problems += [msg.rstrip("。") for msg in role_combination_errors(roles, has_unit=bool(unit_name))]
        clearance_label = row.get("涉密等级", "") or "无"
        if clearance_label not in _CLEARANCE_BY_LABEL:
            problems.append(f"涉密等级「{clearance_label}」无效，应为：{'、'.join(_CLEARANCE_BY_LABEL)}")
        mobile = row.get("手机", "")
        if mobile and not _MOBILE_RE.match(mobile):
            problems.append(f"手机号码「{mobile}」应为 11 位数字")
        rank_text = row.get("领导排序", "")
        rank: int | None = None
        if rank_text:
            if Role.LEADER not in roles:
                problems.append("只有领导才能填写领导排序")
            elif not is_number(rank_text) or int(rank_text) < 1:
                problems.append(f"领导排序「{rank_text}」应为正整数")
            else:
                rank = int(rank_text)
                holder = ranks.get(rank)
                if holder is not None and holder != username:
                    problems.append(f"领导排序 {rank} 已由「{holder}」使用")
                else:
                    ranks[rank] = username
        if problems:
            bad("用户", number, "；".join(problems) + "。")
            continue
        seen_users.add(username)
        report.users.append(
            {
                "username": username,
                "full_name": full_name[:50],
                "roles": sorted(roles),
                "unit": unit_name,
                "clearance": _CLEARANCE_BY_LABEL[clearance_label],
                "mobile": mobile,
                "rank": rank,
                "post": row.get("领导职务", "")[:100],
                "responsibilities": row.get("分管领域", ""),
                "office_location": row.get("办公室位置", "")[:100],
            }
        )
    return report


@audit.atomic
def directory_import(*, data: bytes, actor: User) -> ImportReport:
    """Import a directory workbook: every row is valid or nothing is written.

    Units are matched by name, contacts by unit and name, users by user name; matches are updated.
    New users get no usable password: the administrator sets one before they can log in.
    """
    report = directory_check(data)
    if report.errors:
        raise ImportRejected(report.errors)
    from shuniu.core.services import (
        contact_save,
        leader_profile_set,
        unit_save,
        user_create,
        user_set_roles,
        user_update,
    )

    # Every row through the same services as a form: each change is checked and audited before → after.
    units = {values["name"]: unit_save(actor=actor, **values) for values in report.units}
    units |= {unit.name: unit for unit in Unit.objects.exclude(name__in=list(units))}
    for values in report.contacts:
        contact_save(unit=units[values.pop("unit")], actor=actor, **values)
    for values in report.users:
        user_unit = units.get(values["unit"]) if values["unit"] else None
        particulars = {
            "full_name": values["full_name"],
            "unit": user_unit,
            "clearance": values["clearance"],
            "mobile": values["mobile"],
        }
        user = User.objects.filter(username=values["username"]).first()
        if user is None:
            user = user_create(username=values["username"], roles=values["roles"], actor=actor, **particulars)
        else:
            user_update(user=user, actor=actor, **particulars)
        user_set_roles(user=user, roles=values["roles"], actor=actor)
        if values["rank"] is not None:
            leader_profile_set(
                user=user,
                rank=values["rank"],
                post=values["post"],
                responsibilities=values["responsibilities"],
                office_location=values["office_location"],
                actor=actor,
            )
    for unit in Unit.objects.prefetch_related("contacts"):  # the directory's search entries, in this transaction
        entry_update(unit)
    audit.record(actor=actor, action="directory.import", data=report.counts())
    return report


def directory_export() -> bytes:
    """The whole directory as a workbook in the import format (it imports back unchanged)."""
    kind_label = dict(UnitKind.choices)
    clearance_label = dict(Clearance.choices)
    role_label = dict(Role.choices)
    sheets: dict[str, list[list[Any]]] = {
        "单位": [
            [u.name, u.short_name, kind_label[u.kind], u.phone, u.address, u.sort_order]
            for u in Unit.objects.order_by("kind", "sort_order", "name")
        ],
        "联系人": [
            [c.unit.name, c.name, c.title, c.office_phone, c.mobile, c.sort_order]
            for c in Contact.objects.select_related("unit").order_by("unit__name", "sort_order", "name")
        ],
    }
    grants: dict[int, list[str]] = {}
    for user_id, role in RoleGrant.objects.values_list("user_id", "role"):
        grants.setdefault(user_id, []).append(role)
    users = []
    for user in User.objects.select_related("unit", "leader_profile").order_by("username"):
        profile = getattr(user, "leader_profile", None)
        roles = [role_label[r] for r in Role.values if r in grants.get(user.pk, [])]
        users.append(
            [
                user.username,
                user.full_name,
                "、".join(roles),
                user.unit.name if user.unit else "",
                clearance_label[user.clearance],
                user.mobile,
                profile.rank if profile else "",
                profile.post if profile else "",
                profile.responsibilities if profile else "",
                profile.office_location if profile else "",
            ]
        )
    sheets["用户"] = users
    widths = [16, 14, 16, 16, 14, 14, 10, 16, 24, 14]
    return xlsx_bytes(
        [
            Sheet(title, [Column(h, w) for h, w in zip(SHEETS[title], widths, strict=False)], rows)
            for title, rows in sheets.items()
        ]
    )
