"""The petition's status table (core.workflow): who moves a petition, and from where to where."""

from __future__ import annotations

from shuniu.core.workflow import STAYS, Action, Workflow
from shuniu.petitions.models import Petition
from shuniu.petitions.models import Status as S

PETITION_FLOW: Workflow[Petition] = Workflow(
    Petition,
    [
        # Art. 23: within 15 days, tell the petitioner whether the office accepts the matter, or to whom
        # it is forwarded; each with a written notice (告知书).
        Action("accept", "受理", frozenset({S.REGISTERED}), S.ACCEPTED, "petitions.handle", automatic=True),
        Action("forward", "转送", frozenset({S.REGISTERED}), S.FORWARDED, "petitions.handle", automatic=True),
        Action("decline", "不予受理", frozenset({S.REGISTERED}), S.NOT_ACCEPTED, "petitions.handle", automatic=True),
        Action("assign", "交办", frozenset({S.ACCEPTED}), S.ASSIGNED, "petitions.handle", automatic=True),
        Action("reply", "答复", frozenset({S.ASSIGNED}), S.REPLIED, "petitions.reply", automatic=True),
        # Art. 23: a unit that is sent a matter not its own objects within 5 working days, with the reason.
        Action(
            "object", "提出不属于本单位职责", frozenset({S.ASSIGNED}), S.ACCEPTED, "petitions.reply", automatic=True
        ),
        Action("close", "办结", frozenset({S.REPLIED, S.REVIEWED}), S.CLOSED, "petitions.handle", automatic=True),
        # Art. 35: review (复查) asked within 30 days of the written opinion, answered within 30 days;
        # art. 36: re-review (复核) the same, a hearing not counted; after it the matter is final.
        Action("review", "请求复查", frozenset({S.REPLIED, S.CLOSED}), S.REVIEW, "petitions.handle", automatic=True),
        Action("review_answer", "出具复查意见", frozenset({S.REVIEW}), S.REVIEWED, "petitions.reply", automatic=True),
        Action(
            "rereview", "请求复核", frozenset({S.REVIEWED, S.CLOSED}), S.REREVIEW, "petitions.handle", automatic=True
        ),
        Action("hearing", "举行听证", frozenset({S.REREVIEW}), STAYS, "petitions.handle", automatic=True),
        Action("hearing_end", "听证结束", frozenset({S.REREVIEW}), STAYS, "petitions.handle", automatic=True),
        Action("rereview_answer", "出具复核意见", frozenset({S.REREVIEW}), S.FINAL, "petitions.reply", automatic=True),
    ],
)
