"""Supervision's printouts (core.printing) and Excel (core.excel): the 督办通知单 per unit, the ladder's
notices, the feedback report to the instructing leader, and the weekly 督办通报."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from shuniu.core.excel import Column, Sheet
from shuniu.core.printing import render_pdf
from shuniu.supervision.models import Assignment, Escalation, Matter
from shuniu.supervision.selectors import FigureRow


def notice_pdf(matter: Matter, assignment: Assignment) -> bytes:
    """督办通知单: what one unit is asked to do, by when, and how to report."""
    return render_pdf("supervision/print_notice.html", {"matter": matter, "a": assignment})


def escalation_pdf(escalation: Escalation, title: str) -> bytes:
    """A notice of the escalation ladder (blue, yellow, red) or a stalling report, as issued."""
    return render_pdf(
        "supervision/print_escalation.html", {"e": escalation, "matter": escalation.matter, "title": title}
    )


def feedback_pdf(matter: Matter, context: dict[str, object]) -> bytes:
    """反馈报告: how the matter was done, for the leader who gave the instruction."""
    return render_pdf("supervision/print_feedback.html", {"matter": matter, **context})


def week_title(monday: dt.date) -> str:
    sunday = monday + dt.timedelta(days=6)
    return f"督办通报（{monday.year}年{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日）"


def bulletin_pdf(monday: dt.date, rows: Sequence[FigureRow], overdue: Sequence[Matter]) -> bytes:
    """The weekly 督办通报: units on time and units behind, named; the overdue matters listed."""
    return render_pdf(
        "supervision/print_bulletin.html",
        {
            "title": week_title(monday),
            "rows": rows,
            "good": [r for r in rows if r.due and r.on_time == r.due and not r.overdue_now],
            "behind": [r for r in rows if r.late or r.overdue_now],
            "overdue": overdue,
        },
    )


def _rate(row: FigureRow) -> str:
    return f"{row.rate:.0%}" if row.rate is not None else "—"


def figures_sheet(title: str, rows: Sequence[FigureRow], *, by_label: str = "主办单位") -> Sheet:
    columns = [
        Column(by_label, 24),
        Column("交办", 8),
        Column("到期", 8),
        Column("按期办结", 10),
        Column("按期办结率", 12),
        Column("到期未按期", 12),
        Column("当前逾期", 10),
        Column("办结", 8),
        Column("平均办理天数", 14),
        Column("批准延期", 10),
    ]
    return Sheet(
        "督办统计",
        columns,
        (
            [
                r.name,
                r.registered,
                r.due,
                r.on_time,
                _rate(r),
                r.late,
                r.overdue_now,
                r.closed,
                round(r.average_days, 1) if r.average_days is not None else "—",
                r.extensions,
            ]
            for r in rows
        ),
        heading=title,
    )


def overdue_sheet(overdue: Sequence[Matter], now: dt.datetime) -> Sheet:
    columns = [Column("编号", 16), Column("事项", 40, wrap=True), Column("主办单位", 20), Column("交办领导", 10)]
    columns += [Column("办理时限", 18), Column("逾期天数", 10)]
    return Sheet(
        "逾期事项",
        columns,
        (
            [
                m.number,
                m.title,
                m.lead_unit.name if m.lead_unit else "",
                m.instructing_leader.full_name if m.instructing_leader else "",
                m.deadline,
                (now - m.deadline).days if m.deadline else "",
            ]
            for m in overdue
        ),
    )
