"""Notifications that leave the building: by e-mail and by SMS, as each person chose, sent by the worker.

`notify` stores a notification for the app and, in the same transaction, one `Delivery` for each channel
the recipient chose for that kind of event — so a message is never lost between the commit and the
sending. Outside quiet hours (or for an urgent one) it is due at once; otherwise when the quiet hours end.

The worker (`deliveries_send`: right after a commit that made deliveries, and every minute) claims each
due delivery with a compare-and-swap, so two workers never send the same one; sends it outside any
transaction; and records the outcome. A failure is tried again after 1, 5, 15, 60 and 240 minutes and
then given up: the administrator sees it at /accounts/deliveries/ with the reason, and may send it
again once the cause (an address, the gateway) is put right. A claim lasts ten minutes: a worker that
dies mid-send leaves the delivery to be claimed again (a message may then go twice: the mail's
Message-ID lets a mail client drop the repeat, an SMS's OutId lets the gateway's report show it), and
after the last try it is given up and shown instead. Each outcome is written only by the worker holding
the claim. A message whose notification was read in the app before it went is not sent at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from shuniu import audit
from shuniu.core.models import Channel, Delivery, DeliveryState, Notification, NotificationChoice, User
from shuniu.core.sms import SmsError, sms_sender

log = logging.getLogger("shuniu.delivery")

BACKOFF_MINUTES = (1, 5, 15, 60, 240)  # after the 1st … 5th failure; the 6th gives up
CLAIM = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Kind:
    """A kind of event a person may have sent on, and whether it goes by e-mail / SMS unless they say otherwise.

    Nothing leaves the building unless its person chose it (the defaults are all off).
    """

    label: str
    email: bool
    sms: bool
    role: str = ""  # only people with this role get it (and are asked about it)

    def concerns(self, user: User) -> bool:
        """Whether `user` ever gets this kind (a clerk is not asked about the leaders' briefing)."""
        return not self.role or user.has_role(self.role)


KINDS: dict[str, Kind] = {
    "todo": Kind("待办事项（需要您办理）", email=False, sms=False),
    "toread": Kind("待阅文件与传阅", email=False, sms=False),
    "reminder": Kind("到期提醒与催办", email=False, sms=False),
    "briefing": Kind("今日要情（每个工作日早上）", email=False, sms=False, role="leader"),
    "other": Kind("其他通知", email=False, sms=False),
}


def channels_for(user: User, kind: str) -> list[str]:
    """The channels besides the app that `user` chose for `kind` (the kind's defaults where they chose nothing)
    and has an address for (an e-mail address, a mobile number)."""
    choice = NotificationChoice.objects.filter(user=user, kind=kind).first()
    default = KINDS.get(kind, KINDS["other"])
    email, sms = (choice.email, choice.sms) if choice else (default.email, default.sms)
    wanted = ((Channel.EMAIL, email and bool(user.email)), (Channel.SMS, sms and bool(user.mobile)))
    return [channel for channel, on in wanted if on]


def due_time(user: User, now: dt.datetime, *, urgent: bool) -> dt.datetime:
    """When a message to `user` may go: now, or (not urgent, inside their quiet hours) when the quiet hours end."""
    start, end = user.quiet_start, user.quiet_end
    if urgent or start is None or end is None or start == end:
        return now
    local = timezone.localtime(now)
    clock = local.time()
    quiet = start <= clock < end if start < end else (clock >= start or clock < end)
    if not quiet:
        return now
    day = local.date() if clock < end else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, end), local.tzinfo)


def deliveries_plan(notification: Notification, *, urgent: bool) -> int:
    """In the notification's transaction: one delivery per channel the recipient chose; how many."""
    channels = channels_for(notification.recipient, notification.kind)
    if not channels:
        return 0
    due = due_time(notification.recipient, timezone.now(), urgent=urgent)
    Delivery.objects.bulk_create([Delivery(notification=notification, channel=c, due_at=due) for c in channels])
    if not any(entry[1] is _wake_worker for entry in connection.run_on_commit):  # one wake a commit
        transaction.on_commit(_wake_worker)
    return len(channels)


def _wake_worker() -> None:
    from shuniu.core.tasks import send_deliveries

    try:
        send_deliveries()
    except Exception:  # the queue being down loses nothing: the minute's sweep sends it
        log.exception("无法通知后台任务发送消息；将由每分钟的巡检发送。")


def _due(now: dt.datetime) -> Q:
    pending = Q(state=DeliveryState.PENDING, due_at__lte=now)
    # A worker that died mid-send: claimed again while tries are left (it may have gone: see the docstring).
    abandoned = Q(state=DeliveryState.SENDING, claimed_until__lt=now, attempts__lte=len(BACKOFF_MINUTES))
    return pending | abandoned


def deliveries_send(*, now: dt.datetime | None = None, limit: int = 200) -> Counter[str]:
    """Send what is due (at most `limit`, for at most half a claim's time); a count of outcomes.

    Outcomes: sent, retry, failed, cancelled (read in the app before it went). `now` fixes the clock (tests).
    """
    outcomes: Counter[str] = Counter()
    began = timezone.now()
    outcomes["failed"] += _give_up_abandoned(now or began)
    for pk in list(
        Delivery.objects.filter(_due(now or began)).order_by("due_at", "pk").values_list("pk", flat=True)[:limit]
    ):
        if now is None and timezone.now() - began > CLAIM / 2:
            break  # the rest wait for the next round, their claims not yet at risk
        moment = now or timezone.now()
        token = moment + CLAIM + dt.timedelta(microseconds=secrets.randbelow(10**6))  # this claim's own
        claimed = Delivery.objects.filter(_due(moment), pk=pk).update(
            state=DeliveryState.SENDING, claimed_until=token, attempts=F("attempts") + 1
        )
        if not claimed:  # another worker has it
            continue
        delivery = Delivery.objects.select_related("notification__recipient").get(pk=pk)
        mine = Delivery.objects.filter(pk=pk, state=DeliveryState.SENDING, claimed_until=token)
        if delivery.notification.read_at is not None:  # done or read in the app meanwhile: no need to tell
            outcomes["cancelled"] += mine.update(state=DeliveryState.CANCELLED, claimed_until=None)
            continue
        try:
            _send(delivery)
        except Exception as exc:  # any failure is retried, then given up and shown: never a loop
            outcomes[_failed(delivery, mine, _reason(exc), moment)] += 1
        else:
            mine.update(state=DeliveryState.SENT, sent_at=timezone.now(), claimed_until=None, last_error="")
            outcomes["sent"] += 1
    return +outcomes


def _reason(exc: Exception) -> str:
    """Why it failed, in Chinese and without anyone's address (an SMTP refusal names the recipients)."""
    if isinstance(exc, SmsError):
        return str(exc)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, smtplib.SMTPException):
        return f"邮件服务器拒绝或中断（{type(exc).__name__}）"
    if isinstance(exc, OSError):
        return f"无法连接（{type(exc).__name__}）"
    log.exception("消息发送出错")
    return f"发送出错（{type(exc).__name__}）"


def _give_up_abandoned(now: dt.datetime) -> int:
    """Deliveries whose worker died mid-send on the last try: given up (they may have gone), audited, shown."""
    stale = Delivery.objects.filter(
        state=DeliveryState.SENDING, claimed_until__lt=now, attempts__gt=len(BACKOFF_MINUTES)
    ).select_related("notification__recipient")
    given = 0
    for delivery in stale:
        mine = Delivery.objects.filter(
            pk=delivery.pk, state=DeliveryState.SENDING, claimed_until=delivery.claimed_until
        )
        given += _failed(delivery, mine, "发送中断（后台进程退出），可能已经发出；请核实后再重发。", now) == "failed"
    return given


def _failed(delivery: Delivery, mine: QuerySet[Delivery], reason: str, now: dt.datetime) -> str:
    person = delivery.notification.recipient
    if delivery.attempts <= len(BACKOFF_MINUTES):
        retry_at = due_time(person, now + dt.timedelta(minutes=BACKOFF_MINUTES[delivery.attempts - 1]), urgent=False)
        mine.update(state=DeliveryState.PENDING, due_at=retry_at, claimed_until=None, last_error=reason[:300])
        log.warning("消息发送失败（第%s次），%s 再试：%s", delivery.attempts, retry_at, reason)
        return "retry"
    with audit.deferred_transaction():
        if not mine.update(state=DeliveryState.FAILED, claimed_until=None, last_error=reason[:300]):
            return "lost-claim"
        audit.record(
            actor=None,
            action="delivery.failed",
            obj=person,
            data={
                "delivery": delivery.pk,
                "channel": delivery.channel,
                "attempts": delivery.attempts,
                "reason": reason[:300],
            },
        )
    log.error("消息发送失败%s次，已放弃：%s", delivery.attempts, reason)
    return "failed"


CONFIDENTIAL_TEXT = "您有一件涉密事项，请登录枢纽查看。"
TEXT_LEAVES = frozenset({"briefing"})


def _send(delivery: Delivery) -> None:
    notification = delivery.notification
    person = notification.recipient
    title = CONFIDENTIAL_TEXT if notification.confidential else " ".join(notification.title.split())
    # Outside the building goes the title and a link; the text stays in the app (it may quote a citizen),
    # but for kinds written to be read outside (the briefing, which names no classified title).
    text = notification.body if notification.kind in TEXT_LEAVES and not notification.confidential else ""
    link = f"{settings.SITE_URL}{notification.url}" if settings.SITE_URL and notification.url else ""
    if delivery.channel == Channel.EMAIL:
        if not person.email:
            raise ValidationError(f"{person.full_name} 没有登记电子邮箱。")
        body = "\n\n".join(
            part for part in (text, link or "详情请登录枢纽查看。", "——枢纽（县委办公室工作平台）") if part
        )
        message = EmailMessage(
            subject=title,
            body=body,
            to=[person.email],
            headers={"Message-ID": f"<delivery-{delivery.pk}@{settings.EMAIL_MESSAGE_DOMAIN}>"},
            connection=get_connection(fail_silently=False),
        )
        message.send()
    else:
        if not person.mobile:
            raise ValidationError(f"{person.full_name} 没有登记手机号码。")
        sms_sender().send(to=person.mobile, text=title, message_id=str(delivery.pk))


# Writes by people ----------------------------------------------------------------------------------


@audit.atomic
def delivery_retry(*, pk: int, actor: User) -> Delivery:
    """The administrator sends a given-up delivery again (after putting the cause right)."""
    changed = Delivery.objects.filter(pk=pk, state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, due_at=timezone.now(), attempts=0, last_error=""
    )
    if not changed:
        raise ValidationError("该消息已在发送或已发出，无需重发。")
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=pk)
    audit.record(actor=actor, action="delivery.retry", obj=delivery.notification.recipient, data={"delivery": pk})
    transaction.on_commit(_wake_worker)
    return delivery


@audit.atomic
def notification_choices_save(
    *, user: User, choices: Iterable[tuple[str, bool, bool]], quiet_start: dt.time | None, quiet_end: dt.time | None
) -> None:
    """Save `user`'s channels per kind — (kind, e-mail, SMS) — and their quiet hours (both or neither)."""
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError("免打扰时段须同时填写开始和结束时间（或都不填）。")
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationError("免打扰时段的开始和结束时间不能相同。")
    saved = {}
    for kind, email, sms in choices:
        if kind not in KINDS:
            raise ValidationError(f"没有这一类通知：{kind}")
        NotificationChoice.objects.update_or_create(user=user, kind=kind, defaults={"email": email, "sms": sms})
        saved[kind] = [c for c, on in ((Channel.EMAIL, email), (Channel.SMS, sms)) if on]
    User.objects.filter(pk=user.pk).update(quiet_start=quiet_start, quiet_end=quiet_end)
    user.quiet_start, user.quiet_end = quiet_start, quiet_end
    quiet = f"{quiet_start:%H:%M}-{quiet_end:%H:%M}" if quiet_start and quiet_end else ""
    audit.record(actor=user, action="notification.choices", obj=user, data={"channels": saved, "quiet": quiet})
