"""What each role may do: one table, read by views, the menu, templates and workflow actions.

A capability is a dotted name (``documents.approve``). `can(user, capability)` is the only
question anyone asks; `capability_required` guards a view (403); templates read `perms_of(user)`
through the context processor as ``caps``. Object scoping — unit, need-to-know, clearance — is
each module's `visible_to(user)` selector, which every query starts from.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from shuniu.core.models import Role

_LEADER = frozenset({Role.LEADER})
_DIRECTOR = frozenset({Role.DIRECTOR})
_DOC_STAFF = frozenset({Role.CLERK, Role.DIRECTOR})
_DOC_READERS = _DOC_STAFF | _LEADER
_PLAN_READERS = frozenset({Role.CLERK, Role.DIRECTOR, Role.LEADER, Role.SUPERVISOR, Role.PETITION_OFFICER})
_OFFICE = frozenset({Role.LEADER, Role.DIRECTOR, Role.CLERK, Role.SUPERVISOR, Role.PETITION_OFFICER})
_STAFF = frozenset({Role.DIRECTOR, Role.CLERK, Role.SUPERVISOR, Role.PETITION_OFFICER})
_BUSINESS = _OFFICE | {Role.LIAISON}

CAPABILITIES: dict[str, frozenset[str]] = {
    # Everyone who does the office's business has an inbox.
    "inbox.view": _BUSINESS,
    # Documents and circulation (SPEC §1).
    "documents.view": _DOC_READERS,
    # A document page (supervision: those asking for action; a liaison: those their unit holds a copy of).
    "documents.open": _DOC_READERS | {Role.SUPERVISOR, Role.LIAISON},
    "documents.unit": frozenset({Role.LIAISON}),  # the unit's copies, signed for on screen (签收)
    "documents.register": _DOC_STAFF,
    "documents.correct": _DOC_STAFF,
    "documents.return": _DOC_STAFF,
    "documents.propose": _DOC_STAFF,
    "documents.approve": _DIRECTOR,
    "documents.close": _DIRECTOR,
    "documents.archive": _DOC_STAFF,
    "documents.deliver": _DOC_STAFF,
    "documents.paper_sign": _DOC_STAFF,
    "documents.figures": _DOC_STAFF,
    "documents.desk": _LEADER,
    "documents.delegate": _DOC_READERS,
    "documents.supervise": frozenset({Role.SUPERVISOR, Role.DIRECTOR}),
    # Supervision (SPEC §4).
    "supervision.view": frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.LEADER, Role.LIAISON}),
    "supervision.manage": frozenset({Role.SUPERVISOR, Role.DIRECTOR}),
    "supervision.report": frozenset({Role.LIAISON}),
    "supervision.comment": frozenset({Role.LEADER}),  # the instructing leader's comment on the feedback report
    "supervision.figures": frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.LEADER}),
    # Notices (SPEC §3): office staff draft and call; a liaison sees and confirms their unit's.
    "notices.view": _STAFF | {Role.LIAISON},
    "notices.manage": _STAFF,
    "notices.confirm": frozenset({Role.LIAISON}),
    "calls.view": _STAFF,
    # The county's facts (SPEC §6): everyone at work reads them; office staff (and each group's keeper) edit.
    "knowledge.view": _BUSINESS,
    "knowledge.manage": frozenset({Role.CLERK, Role.DIRECTOR}),
    "calls.manage": _STAFF,
    # Petitions (SPEC §5): particulars only to petition staff, the director and the leader holding the case.
    # a unit: what it handles; a leader: what they hold or instruct on; supervision: what it follows
    "petitions.view": frozenset({Role.PETITION_OFFICER, Role.DIRECTOR, Role.LIAISON, Role.LEADER, Role.SUPERVISOR}),
    "petitions.instruct": frozenset({Role.LEADER}),
    "petitions.register": frozenset({Role.PETITION_OFFICER}),
    "petitions.handle": frozenset({Role.PETITION_OFFICER}),
    "petitions.reply": frozenset({Role.LIAISON}),
    "petitions.figures": frozenset({Role.PETITION_OFFICER, Role.DIRECTOR}),
    "petitions.reveal": frozenset({Role.PETITION_OFFICER, Role.DIRECTOR}),
    # Schedules (SPEC §2).
    "schedules.view": _PLAN_READERS,
    "schedules.edit": _DOC_STAFF,
    "schedules.publish": _DOC_STAFF,
    "schedules.mine": _LEADER,
    "schedules.day": _STAFF,
    "schedules.key_work": _OFFICE,
    "schedules.key_work_new": _STAFF,
    "schedules.planner": _OFFICE,
    # Directory and administration.
    "directory.view": frozenset(set(Role.values) - {Role.AUDITOR}),
    "directory.edit": frozenset({Role.ADMIN, Role.DIRECTOR, Role.CLERK}),
    "audit.view": frozenset({Role.AUDITOR}),
    "admin.site": frozenset({Role.ADMIN}),
    "notify.deliveries": frozenset({Role.ADMIN}),  # e-mail and SMS that could not be sent: who, how, why
    "board.briefing": frozenset({Role.LEADER}),  # 今日要情
    "board.view": frozenset({Role.LEADER, Role.DIRECTOR, Role.CLERK, Role.SUPERVISOR}),  # the office board
    "api.use": _BUSINESS,  # REST API tokens: what the person may see and do on the pages, no more
}


def can(user: Any, capability: str) -> bool:
    """Whether `user` (signed in and active) holds a role that grants `capability`."""
    roles = CAPABILITIES[capability]  # an unknown name is a programming error: KeyError
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*roles))


def require(user: Any, capability: str) -> None:
    """Raise PermissionDenied (403) unless `user` may `capability`."""
    if not can(user, capability):
        raise PermissionDenied("您没有进行此操作的权限。")


def perms_of(user: Any) -> frozenset[str]:
    """Every capability the user holds (for templates: ``{% if 'documents.approve' in caps %}``)."""
    return frozenset(name for name in CAPABILITIES if can(user, name))


View = Callable[..., HttpResponseBase]


def capability_required(capability: str) -> Callable[[View], View]:
    """View decorator: log in first, then `capability` or 403."""
    CAPABILITIES[capability]  # fail at import on a misspelt name

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            require(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
