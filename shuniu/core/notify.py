"""Notifications: stored for the app, and sent on by e-mail or SMS as each person chose (core.delivery).

A notification belongs to a kind of event (`core.delivery.KINDS`: 待办, 待阅, reminders, others); the
deliveries it needs are written in the same transaction and sent by the worker after the commit, so a
rolled-back change never sends anything and a committed one is never lost.
"""

from __future__ import annotations

from django.utils import timezone

from shuniu import audit
from shuniu.core.models import Notification, User


def notify(
    *,
    recipient: User,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
    kind: str = "other",
    urgent: bool = False,
    confidential: bool = False,
) -> Notification:
    """Store a notification for `recipient`; its e-mail / SMS go after the commit (urgent ones through quiet hours).

    `key` names the inbox item it announces: when that item is done, the notification is read. A
    `confidential` one (about a classified document) keeps its title and text inside the app: e-mail and
    SMS say only that something is waiting.
    """
    from shuniu.core.delivery import deliveries_plan

    notification = Notification.objects.create(
        recipient=recipient, title=title[:200], body=body, url=url, key=key, kind=kind, confidential=confidential
    )
    deliveries_plan(notification, urgent=urgent)
    return notification


@audit.atomic
def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one (or, without pk, all) of the user's notifications read; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    changed = unread.update(read_at=timezone.now())
    if changed:
        audit.record(actor=user, action="notification.read", obj=user, data={"count": changed})
    return changed
