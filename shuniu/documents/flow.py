"""The document's workflow table: which action moves it from which status, and who may take it."""

from __future__ import annotations

from shuniu.core.workflow import STAYS, Action, Workflow
from shuniu.documents.models import Document, Status

S = Status
DOCUMENT_FLOW: Workflow[Document] = Workflow(
    Document,
    [
        Action(
            "correct",
            "更正登记",
            frozenset({S.REGISTERED, S.PROPOSED, S.SENT_BACK}),
            STAYS,
            "documents.correct",
            "outline-secondary",
            True,
        ),
        Action("propose", "拟办", frozenset({S.REGISTERED, S.SENT_BACK}), S.PROPOSED, "documents.propose"),
        Action("repropose", "修改拟办", frozenset({S.PROPOSED}), S.PROPOSED, "documents.propose", "outline-primary"),
        Action("approve", "批准传阅", frozenset({S.PROPOSED}), S.CIRCULATING, "documents.approve", "success"),
        Action(
            "send_back", "退回拟办", frozenset({S.PROPOSED}), S.SENT_BACK, "documents.approve", "outline-danger", True
        ),
        Action("return", "初审退回", frozenset({S.REGISTERED}), S.RETURNED, "documents.return", "outline-danger", True),
        Action("reopen", "恢复登记", frozenset({S.RETURNED}), S.REGISTERED, "documents.return", "outline-primary"),
        Action("finish", "传阅完毕", frozenset({S.CIRCULATING}), S.READ, "documents.view", automatic=True),
        Action("close", "办结", frozenset({S.READ}), S.CLOSED, "documents.close", "success"),
        Action("archive", "归档", frozenset({S.CLOSED}), S.ARCHIVED, "documents.archive", "outline-primary"),
    ],
)
