"""The weekly plan as PDF (WeasyPrint, A4 landscape, CJK fonts embedded) and as Excel."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from shuniu.schedules.selectors import HALF_LABELS, HALVES, day_headers, grid_rows


def week_title(week_start: dt.date) -> str:
    end = week_start + dt.timedelta(days=6)
    return f"县委领导周工作安排（{week_start.year}年{week_start.month}月{week_start.day}日—{end.month}月{end.day}日）"


def weekly_plan_pdf(grid: dict[str, Any], *, subtitle: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only printing needs

    week_start = dt.date.fromisoformat(grid["week_start"])
    html = render_to_string(
        "schedules/weekly_plan_pdf.html",
        {
            "title": week_title(week_start),
            "subtitle": subtitle,
            "days": day_headers(grid),
            "rows": grid_rows(grid),
            "halves": [HALF_LABELS[h] for h in HALVES],
        },
    )
    return HTML(string=html).write_pdf() or b""


def weekly_plan_xlsx(grid: dict[str, Any], *, subtitle: str) -> bytes:
    week_start = dt.date.fromisoformat(grid["week_start"])
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = "周工作安排"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([week_title(week_start)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=15)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([subtitle])
    header_days: list[str] = ["领导"]
    header_halves: list[str] = [""]
    for day in day_headers(grid):
        header_days += [f"{day['date']} {day['weekday']}", ""]
        header_halves += [HALF_LABELS[h] for h in HALVES]
    sheet.append(header_days)
    sheet.append(header_halves)
    for col in range(2, 16, 2):
        sheet.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 1)
    fill = PatternFill("solid", fgColor="EEEEEE")
    for row in sheet.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.font, cell.fill, cell.border = Font(bold=True), fill, border
            cell.alignment = Alignment(horizontal="center", vertical="center")
    for plan_row in grid_rows(grid):
        leader = plan_row["leader"]
        sheet.append([f"{leader['name']}\n{leader['post']}"] + ["\n".join(c["items"]) for c in plan_row["cells"]])
        for cell in sheet[sheet.max_row]:
            cell.alignment, cell.border = wrap, border
    sheet.column_dimensions["A"].width = 16
    for index in range(2, 16):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "B5"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
