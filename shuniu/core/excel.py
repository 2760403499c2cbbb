"""Reading uploaded workbooks for all-or-nothing imports: rows with their numbers, or errors."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 20_000
Rows = list[tuple[int, dict[str, Any]]]


class ImportRejected(ValidationError):
    """The file has bad rows; nothing was imported."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(errors)
        self.errors = errors


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value).strip()


def read_workbook(
    data: bytes, columns: dict[str, list[str]], required: dict[str, list[str]]
) -> tuple[dict[str, Rows], list[str]]:
    """Rows of each known sheet as {column: raw value}, numbered as Excel numbers them.

    A workbook with a single sheet is read as the first expected sheet whatever its title.
    """
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise ImportRejected([f"无法读取文件：不是有效的 Excel（.xlsx）文件（{type(exc).__name__}）。"]) from None
    rows_by_sheet: dict[str, Rows] = {}
    errors: list[str] = []
    titles = list(columns)
    try:
        names = book.sheetnames
        for name in names:
            title = titles[0] if len(names) == 1 and len(titles) == 1 else name
            if title not in columns:
                errors.append(f"工作表「{name}」无法识别，应为：{'、'.join(columns)}。")
                continue
            iterator = book[name].iter_rows(values_only=True)
            header = [cell_text(v) for v in next(iterator, ())]
            missing = [col for col in required[title] if col not in header]
            if missing:
                errors.append(f"工作表「{name}」第 1 行缺少列：{'、'.join(missing)}。")
                continue
            unknown = [col for col in header if col and col not in columns[title]]
            if unknown:
                errors.append(f"工作表「{name}」第 1 行有无法识别的列：{'、'.join(unknown)}。")
                continue
            rows: Rows = []
            for number, values in enumerate(iterator, start=2):
                cells = {col: value for col, value in zip(header, values, strict=False) if col}
                if not any(cell_text(v) for v in cells.values()):
                    continue
                rows.append((number, cells))
                if len(rows) > MAX_ROWS:
                    errors.append(f"工作表「{name}」超过 {MAX_ROWS} 行，请分批导入。")
                    break
            rows_by_sheet[title] = rows
    finally:
        book.close()
    if not rows_by_sheet and not errors:
        errors.append(f"文件中没有{'、'.join('「' + t + '」' for t in titles)}工作表。")
    return rows_by_sheet, errors
