"""Workflow: a status, a table of actions between statuses, and one function that applies them.

A module declares its table once::

    DOCUMENT_FLOW = Workflow(Document, [
        Action("approve", "批准传阅", {Status.PROPOSED}, Status.CIRCULATING, "documents.approve"),
        ...
    ])

`flow.apply(obj, "approve", actor=...)` moves the object with a compare-and-swap on its status
(two people acting at once: one succeeds, the other gets a clear message), writes a history row
(old → new, who, when, why) and the audit record. `flow.actions_for(obj, user)` answers "what may
this user do with this object now" from the same table; pages draw their buttons from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from shuniu import audit
from shuniu.audit import vocabulary
from shuniu.core.models import StatusHistory, User
from shuniu.core.permissions import can
from shuniu.core.personal import scrub

M = TypeVar("M", bound=Model)
STAYS = ""  # an action's target that keeps the object's status


@dataclass(frozen=True)
class Action(Generic[M]):
    """One move of the table: from any of `source` to `target`, for holders of `capability`.

    `when` narrows it further for a given object and user (e.g. only the proposer may withdraw);
    `needs_reason` makes the reason required; `style` is the button's Bootstrap colour. An
    `automatic` action follows from another one (the last leader signs: circulation is complete):
    it is never offered as a button and the service that takes it has already checked the actor.
    A `target` of ``STAYS`` keeps the status (a correction): still compared-and-swapped, recorded.
    """

    name: str
    label: str
    source: frozenset[str]
    target: str
    capability: str
    style: str = "primary"
    needs_reason: bool = False
    automatic: bool = False
    when: Callable[[M, User], bool] | None = field(default=None, compare=False)


class Workflow(Generic[M]):
    """The status machine of one model: its actions, who may take them, and how they are applied."""

    def __init__(self, model: type[M], actions: Iterable[Action[M]], *, status_field: str = "status") -> None:
        self.model = model
        self.status_field = status_field
        self.actions: dict[str, Action[M]] = {}
        for action in actions:
            if action.name in self.actions:
                raise ValueError(f"duplicate action {action.name!r}")
            self.actions[action.name] = action
        # The audit log names this table's operations and statuses in words (shuniu.audit.vocabulary).
        status = model._meta.get_field(status_field)
        vocabulary.register({f"{model._meta.model_name}.{a.name}": a.label for a in self.actions.values()})
        vocabulary.register_statuses(
            model._meta.label_lower, {str(k): str(v) for k, v in getattr(status, "choices", None) or []}
        )

    def status_label(self, value: str) -> str:
        status = self.model._meta.get_field(self.status_field)
        choices = dict(getattr(status, "choices", None) or [])
        return str(choices.get(value, value))

    def allows(self, obj: M, name: str, user: User) -> bool:
        """Whether `user` may take action `name` on `obj` in its present status."""
        action = self.actions[name]
        return (
            not action.automatic
            and getattr(obj, self.status_field) in action.source
            and can(user, action.capability)
            and (action.when is None or action.when(obj, user))
        )

    def actions_for(self, obj: M, user: User) -> list[Action[M]]:
        """The actions `user` may take on `obj` now, in the table's order (the page's buttons)."""
        return [action for name, action in self.actions.items() if self.allows(obj, name, user)]

    def apply(
        self,
        obj: M,
        name: str,
        *,
        actor: User | None,
        reason: str = "",
        data: dict[str, Any] | None = None,
        **fields: Any,
    ) -> str:
        """Take action `name` on `obj`: compare-and-swap the status, history row, audit. Returns the old status.

        `fields` are written in the same UPDATE (e.g. ``closed_at=now``). `actor=None` is the system
        (the worker); a person must hold the action's capability and pass its `when`.
        """
        action = self.actions[name]
        old = getattr(obj, self.status_field)
        label = self.status_label(old)
        if old not in action.source:
            raise ValidationError(f"当前状态为“{label}”，不能{action.label}。")
        if actor is not None and not action.automatic and not self.allows(obj, name, actor):
            raise ValidationError(f"您不能对此{self.model._meta.verbose_name}进行“{action.label}”操作。")
        reason = reason.strip()
        if action.needs_reason and not reason:
            raise ValidationError(f"请填写{action.label}理由。")
        new = action.target or old
        manager = self.model._default_manager
        changed = manager.filter(pk=obj.pk, **{self.status_field: old}).update(**{self.status_field: new}, **fields)
        if not changed:
            raise ValidationError("状态已被他人改变，请刷新页面后再试。")
        obj.refresh_from_db()
        StatusHistory.objects.create(
            **StatusHistory.of(obj),
            action=name,
            old=old,
            new=new,
            actor=actor,
            at=timezone.now(),
            reason=reason[:300],
        )
        audit.record(
            actor=actor,
            action=f"{self.model._meta.model_name}.{name}",
            obj=obj,
            data={"from": old, "to": new, "reason": scrub(reason), **(data or {})},
        )
        return str(old)

    def history(self, obj: M) -> Sequence[StatusHistory]:
        """The object's status changes, oldest first, with the actors."""
        return list(StatusHistory.objects.filter(**StatusHistory.of(obj)).select_related("actor"))
