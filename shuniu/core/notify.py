"""Notifications: stored for the app, then handed to the configured senders (e-mail, SMS…).

A sender is a callable `(notification) -> None` named in settings.NOTIFICATION_SENDERS; the default
only logs, as SPEC §7 asks of the SMS gateway. Senders run after the transaction commits, so a
rolled-back change never sends anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from shuniu import audit
from shuniu.core.models import Notification, User

log = logging.getLogger("shuniu.notify")


def log_sender(notification: Notification) -> None:
    log.info("通知 → %s：%s", notification.recipient.username, notification.title)


def email_sender(notification: Notification) -> None:
    address = notification.recipient.email
    if address:
        send_mail(notification.title, notification.body, None, [address], fail_silently=True)


def _senders() -> list[Callable[[Notification], None]]:
    return [import_string(path) for path in settings.NOTIFICATION_SENDERS]


def notify(*, recipient: User, title: str, body: str = "", url: str = "", key: str = "") -> Notification:
    """Store a notification for `recipient` and send it on once the transaction commits.

    `key` names the inbox item it announces: when that item is done, the notification is read.
    """
    notification = Notification.objects.create(recipient=recipient, title=title[:200], body=body, url=url, key=key)

    def send() -> None:
        for sender in _senders():
            try:
                sender(notification)
            except Exception:  # a broken gateway must not break the office's work
                log.exception("通知发送失败：%s", notification.pk)

    transaction.on_commit(send)
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
