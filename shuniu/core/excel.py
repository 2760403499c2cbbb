"""Excel in and out: one writer and one reader for every module.

Writer: `xlsx_bytes(sheets)` — real dates as dates, column widths, a bold frozen header, text that
starts with ``=``, ``+``, ``-`` or ``@`` written as text (never evaluated as a formula), rows
streamed through openpyxl's write-only mode so a ten-year register does not sit in memory.
Reader: `read_workbook` refuses a file whose contents expand past `MAX_EXPANDED_BYTES`, numbers
rows as Excel does and never echoes a huge cell back (`short`). Imports built on it are
all-or-nothing and call the module's own service per row, so every rule and audit record applies.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from shuniu.core.responses import named

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column of an exported sheet: its header and width (in characters); `wrap` for long text."""

    header: str
    width: float = 12
    wrap: bool = False


@dataclass(frozen=True)
class Sheet:
    """One sheet to write: columns, rows (any iterable, consumed once), an optional heading line above."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    heading: str = ""
    landscape: bool = False


def _cell(sheet: WriteOnlyWorksheet, value: Any, *, wrap: bool = False, bold: bool = False) -> Any:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        cell.data_type = "s"  # text that looks like a formula stays text (CSV/formula injection)
    if isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if bold:
        cell.font = Font(bold=True)
    return cell


def _write(book: Workbook, spec: Sheet) -> None:
    sheet = book.create_sheet(spec.title[:31])
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 2 if spec.heading else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    if spec.landscape:
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4
    if spec.heading:
        sheet.append([_cell(sheet, spec.heading, bold=True)])
    sheet.append([_cell(sheet, column.header, bold=True) for column in spec.columns])
    wraps = [column.wrap for column in spec.columns]
    for row in spec.rows:
        sheet.append([_cell(sheet, value, wrap=wrap) for value, wrap in zip(row, wraps, strict=False)])


def xlsx_file(sheets: Sequence[Sheet]) -> Any:
    """The workbook written to a temporary file (rewound), streamed row by row as it is written."""
    book = Workbook(write_only=True)
    for spec in sheets:
        _write(book, spec)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed on to the response, which closes it
    book.save(handle)
    handle.seek(0)
    return handle


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook as bytes (for tests and small exports)."""
    with xlsx_file(sheets) as handle:
        return bytes(handle.read())


def xlsx_response(sheets: Sequence[Sheet], filename: str) -> FileResponse:
    """A streamed download of the workbook under a Chinese file name."""
    response = FileResponse(xlsx_file(sheets), content_type=XLSX)
    named(response, filename)
    return response


def short(value: Any, limit: int = 40) -> str:
    """A cell's text cut to `limit` characters, for error messages that quote it."""
    text = cell_text(value)
    return text if len(text) <= limit else text[:limit] + "…"


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
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRejected(["无法读取文件：不是有效的 Excel（.xlsx）文件。"]) from None
    if expanded > MAX_EXPANDED_BYTES:
        raise ImportRejected([f"文件解压后超过 {MAX_EXPANDED_BYTES // 1024 // 1024} MB，请拆分后分批导入。"])
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
                errors.append(f"工作表「{short(name)}」无法识别，应为：{'、'.join(columns)}。")
                continue
            iterator = book[name].iter_rows(values_only=True)
            header = [cell_text(v) for v in next(iterator, ())]
            missing = [col for col in required[title] if col not in header]
            if missing:
                errors.append(f"工作表「{name}」第 1 行缺少列：{'、'.join(missing)}。")
                continue
            unknown = [short(col) for col in header if col and col not in columns[title]][:10]
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
