"""Excel import of leader engagements: every row valid, or nothing imported.

The 领导 column may name several leaders (张建国、李明华): the row is one engagement of them all.
Each row is saved by `services.engagement_create`, so every rule and audit record applies.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from shuniu import audit
from shuniu.core.excel import ImportRejected, cell_text, read_workbook
from shuniu.core.models import User
from shuniu.schedules import services
from shuniu.schedules.models import EngagementKind
from shuniu.schedules.selectors import leader_queryset, overlapping

COLUMNS = ["领导", "类型", "事项", "开始", "结束", "地点", "备注", "保密"]
REQUIRED = ["领导", "类型", "事项", "开始", "结束"]
SHEET = "领导日程"
_KIND_BY_LABEL = {label: value for value, label in EngagementKind.choices}
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M")
_YES = {"是", "保密", "1", "true", "yes", "y"}
_NO = {"", "否", "0", "false", "no", "n"}
_NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")


@dataclass(frozen=True)
class Row:
    number: int
    leaders: tuple[User, ...]
    kind: str
    title: str
    start: dt.datetime
    end: dt.datetime
    place: str
    notes: str
    confidential: bool


def _moment(value: Any) -> dt.datetime | None:
    tz = timezone.get_current_timezone()
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=tz)
    text = cell_text(value)
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    return None


def engagements_check(data: bytes, *, allow_overlap: bool = False) -> list[Row]:
    """Validate an engagements workbook; raise ImportRejected naming every bad row."""
    sheets, errors = read_workbook(data, {SHEET: COLUMNS}, {SHEET: REQUIRED})
    leaders: dict[str, User] = {}
    for leader in leader_queryset():
        leaders[leader.full_name] = leaders[leader.username] = leader
    rows: list[Row] = []
    for number, raw in sheets.get(SHEET, []):
        problems = []
        names = [n for n in _NAME_SEPARATORS.split(cell_text(raw.get("领导"))) if n]
        found = tuple(leaders[n] for n in names if n in leaders)
        if not names:
            problems.append("领导不能为空")
        problems += [f"领导「{n}」不存在" for n in names if n not in leaders]
        kind_label = cell_text(raw.get("类型"))
        if kind_label not in _KIND_BY_LABEL:
            problems.append(f"类型「{kind_label}」无效，应为：{'、'.join(_KIND_BY_LABEL)}")
        title = cell_text(raw.get("事项"))
        if not title:
            problems.append("事项不能为空")
        start, end = _moment(raw.get("开始")), _moment(raw.get("结束"))
        if start is None:
            problems.append(f"开始时间「{cell_text(raw.get('开始'))}」格式应如 2026-11-30 09:00")
        if end is None:
            problems.append(f"结束时间「{cell_text(raw.get('结束'))}」格式应如 2026-11-30 12:00")
        if start and end and end <= start:
            problems.append("结束时间必须晚于开始时间")
        secret = cell_text(raw.get("保密")).lower()
        if secret not in _YES | _NO:
            problems.append(f"保密「{secret}」应填“是”或“否”")
        if problems:
            errors.append(f"第 {number} 行：{'；'.join(problems)}。")
            continue
        assert start is not None  # noqa: S101 - checked above
        assert end is not None  # noqa: S101 - checked above
        rows.append(
            Row(
                number,
                found,
                _KIND_BY_LABEL[kind_label],
                title[:200],
                start,
                end,
                cell_text(raw.get("地点"))[:200],
                cell_text(raw.get("备注")),
                secret in _YES,
            )
        )
    if not allow_overlap:
        for index, row in enumerate(rows):
            mine = {leader.pk for leader in row.leaders}
            clashes = [
                f"第 {other.number} 行"
                for other in rows[:index]
                if mine & {leader.pk for leader in other.leaders} and other.start < row.end and other.end > row.start
            ] + [f"已有日程「{e}」" for e in overlapping(leaders=row.leaders, start=row.start, end=row.end)]
            if clashes:
                errors.append(f"第 {row.number} 行：与{'、'.join(clashes)}时间重叠（确认无误可勾选“允许时间重叠”）。")
    if errors:
        raise ImportRejected(errors)
    return rows


@audit.atomic
def engagements_import(*, data: bytes, actor: User, allow_overlap: bool = False) -> int:
    """Import every engagement in the workbook, or none; returns how many were imported."""
    rows = engagements_check(data, allow_overlap=allow_overlap)
    errors = []
    for row in rows:
        try:
            services.engagement_create(
                leaders=row.leaders,
                kind=row.kind,
                title=row.title,
                start=row.start,
                end=row.end,
                place=row.place,
                notes=row.notes,
                confidential=row.confidential,
                confirm_overlap=True,  # overlaps were checked above, for all rows at once
                actor=actor,
            )
        except ValidationError as exc:
            errors.append(f"第 {row.number} 行：{''.join(exc.messages)}")
    if errors:
        raise ImportRejected(errors)  # rolls back the rows already saved
    audit.record(actor=actor, action="engagement.import", data={"rows": len(rows), "allow_overlap": allow_overlap})
    return len(rows)
