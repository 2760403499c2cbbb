"""The inbox (待办 / 待阅 / 已办 / 已阅): every step that hands work to someone puts it here.

A module's service calls `inbox_put` when it hands work over (a proposal to approve, a copy
delivered to a leader's desk) and `inbox_done` when the work is done — inside its own transaction,
so both commit or roll back with the step. Putting an item also notifies the person (in the app,
and through the configured senders after commit). The menu's counts are one query
(`inbox_counts`); the lists start from what the user may see (their own items, and those of a
leader whose desk they keep, up to their clearance).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import Field, Model, Q, QuerySet
from django.utils import timezone

from shuniu.core.models import Clearance, InboxItem, InboxKind, Notification, User
from shuniu.core.notify import notify


def item_key(obj: Model, step: str, *parts: object) -> str:
    """A stable key for one step on one object: ``documents.document:12:approve``."""
    return ":".join([obj._meta.label_lower, str(obj.pk), step, *(str(p) for p in parts)])


def inbox_put(
    *,
    recipients: Iterable[User],
    key: str,
    kind: str,
    category: str,
    title: str,
    url: str,
    note: str = "",
    secrecy: int = Clearance.NONE,
    urgent: bool = False,
) -> int:
    """Hand work (or reading) to each recipient: open their item for `key` and notify them.

    An item already open for the key is left as it is (a retried step adds nothing and notifies
    nobody twice); one that was done is opened again. Nobody below `secrecy` is handed it (nor told
    its title); a classified item's e-mail or SMS says only that something is waiting. `urgent` sends
    them through the recipient's quiet hours. Returns how many people were told.
    """
    now = timezone.now()
    told = 0
    cleared = (r for r in recipients if r.is_active and r.clearance >= secrecy)
    for recipient in {r.pk: r for r in cleared}.values():
        item, created = InboxItem.objects.get_or_create(
            recipient=recipient,
            key=key,
            defaults={
                "kind": kind,
                "category": category,
                "title": title[:300],
                "note": note[:300],
                "url": url,
                "secrecy": secrecy,
                "created_at": now,
            },
        )
        if not created:
            reopened = InboxItem.objects.filter(pk=item.pk, done_at__isnull=False).update(
                done_at=None,
                done_by=None,
                created_at=now,
                category=category,
                title=title[:300],
                note=note[:300],
                url=url,
                secrecy=secrecy,
            )
            if not reopened:
                continue
        notify(
            recipient=recipient,
            title=f"{category}：{title}",
            body=note,
            url=url,
            key=key,
            kind="todo" if kind == InboxKind.TODO else "toread",
            urgent=urgent,
            confidential=secrecy > Clearance.NONE,
        )
        told += 1
    return told


def inbox_done(*, key: str, by: User | None, recipients: Iterable[User] | None = None) -> int:
    """Close the open items of `key` (for everyone, or only `recipients`); they stay as 已办/已阅."""
    items = InboxItem.objects.filter(key=key, done_at__isnull=True)
    if recipients is not None:
        items = items.filter(recipient__in=[r.pk for r in recipients])
    now = timezone.now()
    # The notifications that announced the work are read once it is done (by anyone).
    Notification.objects.filter(key=key, read_at__isnull=True, recipient__in=items.values("recipient")).update(
        read_at=now
    )
    return items.update(done_at=now, done_by=by)


def inbox_withdraw(*, key: str) -> int:
    """Take back open items of `key` that will not be done (a copy taken off an absent leader's desk)."""
    items = InboxItem.objects.filter(key=key, done_at__isnull=True)
    Notification.objects.filter(key=key, read_at__isnull=True, recipient__in=items.values("recipient")).update(
        read_at=timezone.now()
    )
    deleted, _ = items.delete()
    return deleted


def inbox_withdraw_about(*, recipient: User, objects: Iterable[Model]) -> int:
    """Take back everything open in one person's inbox about these objects (they stepped aside from them)."""
    prefixes = [f"{obj._meta.label_lower}:{obj.pk}:" for obj in objects]
    if not prefixes:
        return 0
    about = Q()
    for prefix in prefixes:
        about |= Q(key__startswith=prefix)
    Notification.objects.filter(about, recipient=recipient, read_at__isnull=True).update(read_at=timezone.now())
    deleted, _ = InboxItem.objects.filter(about, recipient=recipient, done_at__isnull=True).delete()
    return deleted


# Reads ------------------------------------------------------------------------------------------

TABS = {
    "todo": ("待办", InboxKind.TODO, False),
    "toread": ("待阅", InboxKind.TOREAD, False),
    "done": ("已办", InboxKind.TODO, True),
    "read": ("已阅", InboxKind.TOREAD, True),
}


def inbox_visible_to(user: User) -> QuerySet[InboxItem]:
    """Items the user may see: their own, up to their clearance (a lowered clearance hides the titles)."""
    return InboxItem.objects.filter(recipient=user, secrecy__lte=user.clearance)


def inbox_list(user: User, *, tab: str, query: str = "") -> QuerySet[InboxItem]:
    """One tab of the inbox, newest first; `query` searches titles, categories and notes."""
    _, kind, done = TABS.get(tab, TABS["todo"])
    items = inbox_visible_to(user).filter(kind=kind, done_at__isnull=not done)
    if query:
        items = items.filter(Q(title__icontains=query) | Q(category__icontains=query) | Q(note__icontains=query))
    order = "-done_at" if done else "-created_at"
    return items.select_related("recipient", "done_by").order_by(order, "-pk")


@dataclass(frozen=True)
class Counts:
    """What the menu shows on every page."""

    todo: int = 0
    toread: int = 0
    unread: int = 0

    @property
    def waiting(self) -> int:
        """待办, 待阅 and unread notifications together: the badge on the phone's folded menu button."""
        return self.todo + self.toread + self.unread


def inbox_counts(user: User) -> Counts:
    """Open 待办 and 待阅 of the user and their unread notifications, in one query.

    Every page's menu asks this, so it is written out once in SQL: the ORM spent 1.7 ms a page building the
    query, which runs in 0.03 ms. The counts read the open-items and the unread-notifications indexes.
    """
    with connection.cursor() as cursor:
        cursor.execute(_counts_sql(), [user.pk, user.clearance, InboxKind.TODO, user.pk, user.clearance,
                                       InboxKind.TOREAD, user.pk])  # fmt: skip
        row = cursor.fetchone()
    todo, toread, unread = row if row else (0, 0, 0)
    return Counts(todo=todo or 0, toread=toread or 0, unread=unread or 0)


@lru_cache(maxsize=1)
def _counts_sql() -> str:
    """Built once, when first asked (the models are ready by then)."""

    def column(model: type[Model], name: str) -> str:
        field = model._meta.get_field(name)
        if not isinstance(field, Field):  # a reverse relation has no column
            raise TypeError(name)
        return connection.ops.quote_name(field.column)

    items = connection.ops.quote_name(InboxItem._meta.db_table)
    notes = connection.ops.quote_name(Notification._meta.db_table)
    # Only quoted names from the models go into the text; every value is a parameter.
    recipient, done, secrecy, kind = (column(InboxItem, f) for f in ("recipient", "done_at", "secrecy", "kind"))
    open_item = " ".join(["SELECT COUNT(*) FROM", items, "WHERE", recipient, "= %s AND", done, "IS NULL AND",
                          secrecy, "<= %s AND", kind, "= %s"])  # fmt: skip
    unread = " ".join(["SELECT COUNT(*) FROM", notes, "WHERE", column(Notification, "recipient"), "= %s AND",
                       column(Notification, "read_at"), "IS NULL"])  # fmt: skip
    return f"SELECT ({open_item}), ({open_item}), ({unread})"
