"""The weekly plan as PDF (WeasyPrint, A4 landscape, CJK fonts embedded) and as Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shuniu.core.excel import Column, Sheet
from shuniu.core.printing import render_pdf
from shuniu.schedules.selectors import HALF_LABELS, HALVES, day_headers, grid_rows


def week_title(week_start: dt.date) -> str:
    end = week_start + dt.timedelta(days=6)
    return f"县委领导周工作安排（{week_start.year}年{week_start.month}月{week_start.day}日—{end.month}月{end.day}日）"


def weekly_plan_pdf(grid: dict[str, Any], *, subtitle: str) -> bytes:
    week_start = dt.date.fromisoformat(grid["week_start"])
    return render_pdf(
        "schedules/weekly_plan_pdf.html",
        {
            "title": week_title(week_start),
            "subtitle": subtitle,
            "days": day_headers(grid),
            "rows": grid_rows(grid),
            "halves": [HALF_LABELS[h] for h in HALVES],
        },
    )


def weekly_plan_sheet(grid: dict[str, Any], *, subtitle: str) -> Sheet:
    """The weekly plan as one sheet: a leader a row, a column per half-day."""
    week_start = dt.date.fromisoformat(grid["week_start"])
    columns = [Column("领导", 16, wrap=True)] + [
        Column(f"{day['date']} {day['weekday']} {HALF_LABELS[half]}", 14, wrap=True)
        for day in day_headers(grid)
        for half in HALVES
    ]
    rows = (
        [f"{row['leader']['name']}\n{row['leader']['post']}"] + ["\n".join(c["items"]) for c in row["cells"]]
        for row in grid_rows(grid)
    )
    return Sheet("周工作安排", columns, rows, heading=f"{week_title(week_start)}　{subtitle}", landscape=True)
