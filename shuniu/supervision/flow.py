"""The matter's status table (core.workflow): what moves a matter, and who may move it."""

from __future__ import annotations

from shuniu.core.workflow import Action, Workflow
from shuniu.supervision.models import Matter
from shuniu.supervision.models import Status as S

MATTER_FLOW: Workflow[Matter] = Workflow(
    Matter,
    [
        Action("start", "开始办理", frozenset({S.ASSIGNED}), S.ACTING, "supervision.manage", automatic=True),
        Action("report_done", "报告办结", frozenset({S.ACTING}), S.REPORTED, "supervision.report", automatic=True),
        Action("close", "办结", frozenset({S.REPORTED}), S.CLOSED, "supervision.manage"),
        Action(
            "send_back",
            "退回重办",
            frozenset({S.REPORTED}),
            S.ACTING,
            "supervision.manage",
            "warning",
            needs_reason=True,
        ),
        # The instructing leader's comment asks for more (the service checks who may): a new round.
        Action("reopen", "领导阅示要求继续办理", frozenset({S.CLOSED}), S.ACTING, "supervision.view", automatic=True),
    ],
)
