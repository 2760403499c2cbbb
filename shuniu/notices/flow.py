"""The notice's status table (core.workflow)."""

from __future__ import annotations

from shuniu.core.workflow import Action, Workflow
from shuniu.notices.models import Notice
from shuniu.notices.models import Status as S

NOTICE_FLOW: Workflow[Notice] = Workflow(
    Notice,
    [
        # Every unit confirmed: done by itself; or staff close it with units that cannot be reached.
        Action("done", "全部确认", frozenset({S.CALLING}), S.DONE, "notices.manage", automatic=True),
        Action("close", "结束通知", frozenset({S.CALLING}), S.DONE, "notices.manage", needs_reason=True),
        Action("reopen", "重新通知", frozenset({S.DONE}), S.CALLING, "notices.manage", automatic=True),
        Action("cancel", "取消通知", frozenset({S.CALLING, S.DONE}), S.CANCELLED, "notices.manage", needs_reason=True),
    ],
)
