"""Notifications that leave the building: chosen channels, quiet hours, the worker's sending and retries."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from shuniu.audit.models import AuditEntry
from shuniu.core import delivery
from shuniu.core.delivery import deliveries_send, delivery_retry, due_time, notification_choices_save
from shuniu.core.inbox import inbox_put
from shuniu.core.models import (
    Channel,
    Clearance,
    Delivery,
    DeliveryState,
    InboxKind,
    NotificationChoice,
    Role,
    User,
)
from shuniu.core.notify import notify
from shuniu.core.sms import SmsError, aliyun_signature
from shuniu.core.testing import client_for, make_user

TZ = timezone.get_current_timezone()


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, second, tzinfo=TZ)


@pytest.fixture
def reachable(clerk: User) -> User:
    User.objects.filter(pk=clerk.pk).update(email="wangfang@example.gov.cn", mobile="13800000001")
    clerk.refresh_from_db()
    return clerk


class FlakySms:
    """An SMS sender that fails its first `failures` sends, then takes every message (and remembers it)."""

    failures = 0
    sent: ClassVar[list[tuple[str, str, str]]] = []
    calls = 0

    def send(self, *, to: str, text: str, message_id: str) -> None:
        FlakySms.calls += 1
        if FlakySms.calls <= FlakySms.failures:
            raise SmsError("网关超时")
        FlakySms.sent.append((to, text, message_id))


@pytest.fixture
def flaky(settings: Settings) -> type[FlakySms]:
    settings.SMS_SENDER = "shuniu.core.tests.test_delivery.FlakySms"
    FlakySms.failures, FlakySms.calls, FlakySms.sent = 0, 0, []
    return FlakySms


@pytest.mark.django_db
class TestChoosing:
    def test_nothing_leaves_unless_chosen_and_only_where_there_is_an_address(self, reachable: User) -> None:
        with transaction.atomic():
            notify(recipient=reachable, title="待办", kind="todo")
        assert not Delivery.objects.exists()  # the defaults are all off
        notification_choices_save(
            user=reachable, choices=[("todo", True, True), ("other", False, True)], quiet_start=None, quiet_end=None
        )
        with transaction.atomic():
            notify(recipient=reachable, title="待办一", kind="todo")
        assert sorted(Delivery.objects.values_list("channel", flat=True)) == ["email", "sms"]
        User.objects.filter(pk=reachable.pk).update(email="")
        reachable.refresh_from_db()
        with transaction.atomic():
            notify(recipient=reachable, title="待办二", kind="todo")
        assert list(Delivery.objects.filter(notification__title="待办二").values_list("channel", flat=True)) == ["sms"]
        assert AuditEntry.objects.filter(action="notification.choices", actor=reachable).exists()

    def test_bad_choices_are_refused_and_change_nothing(self, reachable: User) -> None:
        for quiet in [(dt.time(22), None), (dt.time(8), dt.time(8))]:
            with pytest.raises(ValidationError, match="免打扰"):
                notification_choices_save(
                    user=reachable, choices=[("todo", False, False)], quiet_start=quiet[0], quiet_end=quiet[1]
                )
        with pytest.raises(ValidationError, match="没有这一类通知"):
            notification_choices_save(
                user=reachable, choices=[("nonsense", True, True)], quiet_start=None, quiet_end=None
            )
        assert not NotificationChoice.objects.exists()
        reachable.refresh_from_db()
        assert reachable.quiet_start is None

    @pytest.mark.parametrize(
        ("quiet", "now", "urgent", "due"),
        [
            ((22, 7), at(3, 23, 30), False, at(4, 7)),  # overnight: until tomorrow morning
            ((22, 7), at(4, 6, 59), False, at(4, 7)),
            ((22, 7), at(4, 7, 0), False, at(4, 7)),  # the end itself is outside
            ((22, 7), at(3, 23, 30), True, at(3, 23, 30)),  # urgent goes through
            ((12, 14), at(3, 13), False, at(3, 14)),  # the lunch hour
            ((12, 14), at(3, 11, 59), False, at(3, 11, 59)),
        ],
    )
    def test_quiet_hours(
        self, reachable: User, quiet: tuple[int, int], now: dt.datetime, urgent: bool, due: dt.datetime
    ) -> None:
        reachable.quiet_start, reachable.quiet_end = dt.time(quiet[0]), dt.time(quiet[1])
        assert due_time(reachable, now, urgent=urgent) == due


@pytest.mark.django_db
class TestSending:
    def test_an_email_goes_once_with_its_link_and_id(self, reachable: User, settings: Settings) -> None:
        settings.SITE_URL = "https://shuniu.example.gov.cn"
        NotificationChoice.objects.create(user=reachable, kind="todo", email=True)
        with transaction.atomic():
            notify(
                recipient=reachable,
                title="待审批：关于冬季防火的通知",
                body="信访人张某反映",
                url="/documents/5/",
                kind="todo",
            )
        assert deliveries_send() == {"sent": 1}
        assert deliveries_send() == {}  # never twice
        (message,) = mail.outbox
        assert message.subject == "待审批：关于冬季防火的通知"
        assert message.to == ["wangfang@example.gov.cn"]
        assert "https://shuniu.example.gov.cn/documents/5/" in message.body
        assert "张某" not in message.body  # the text stays in the app: it may quote a citizen
        assert "张某" not in message.body  # the text stays in the app: it may quote a citizen
        sent = Delivery.objects.get()
        assert message.extra_headers["Message-ID"] == f"<delivery-{sent.pk}@shuniu.local>"
        assert sent.state == DeliveryState.SENT
        assert sent.sent_at is not None

    def test_a_classified_items_message_names_nothing(self, reachable: User, flaky: type[FlakySms]) -> None:
        User.objects.filter(pk=reachable.pk).update(clearance=Clearance.SECRET)
        reachable.refresh_from_db()
        NotificationChoice.objects.create(user=reachable, kind="toread", email=True, sms=True)
        with transaction.atomic():
            inbox_put(
                recipients=[reachable], key="doc:9:read", kind=InboxKind.TOREAD, category="待阅", title="关于某机密事项",
                url="/documents/9/", note="机密件", secrecy=Clearance.SECRET,
            )  # fmt: skip
        assert deliveries_send() == {"sent": 2}
        (message,) = mail.outbox
        assert "机密事项" not in f"{message.subject} {message.body}"
        assert "机密件" not in message.body
        assert flaky.sent == [("13800000001", delivery.CONFIDENTIAL_TEXT, str(Delivery.objects.get(channel="sms").pk))]

    def test_a_failing_sender_is_retried_with_backoff_then_succeeds_once(
        self, reachable: User, flaky: type[FlakySms]
    ) -> None:
        flaky.failures = 2
        NotificationChoice.objects.create(user=reachable, kind="reminder", email=False, sms=True)
        with transaction.atomic():
            notify(recipient=reachable, title="提醒：督〔2026〕8号明日到期", kind="reminder")
        now = timezone.now()
        assert deliveries_send(now=now) == {"retry": 1}
        item = Delivery.objects.get()
        assert (item.state, item.attempts, item.last_error) == (DeliveryState.PENDING, 1, "网关超时")
        assert item.due_at == now + dt.timedelta(minutes=1)
        assert deliveries_send(now=now + dt.timedelta(seconds=30)) == {}  # not yet
        assert deliveries_send(now=now + dt.timedelta(minutes=1)) == {"retry": 1}
        item.refresh_from_db()
        assert item.due_at == now + dt.timedelta(minutes=6)  # 1 + 5
        assert deliveries_send(now=now + dt.timedelta(minutes=6)) == {"sent": 1}
        assert deliveries_send(now=now + dt.timedelta(hours=9)) == {}
        assert flaky.sent == [("13800000001", "提醒：督〔2026〕8号明日到期", str(item.pk))]
        item.refresh_from_db()
        assert (item.state, item.attempts, item.last_error) == (DeliveryState.SENT, 3, "")

    def test_given_up_after_six_then_the_administrator_sends_it_again(
        self, reachable: User, flaky: type[FlakySms]
    ) -> None:
        flaky.failures = 6
        NotificationChoice.objects.create(user=reachable, kind="other", email=False, sms=True)
        with transaction.atomic():
            notify(recipient=reachable, title="通知")
        moment = timezone.now()
        outcomes = []
        for _ in range(6):
            outcomes.append(deliveries_send(now=moment))
            moment += dt.timedelta(hours=5)
        assert outcomes[-1] == {"failed": 1}
        item = Delivery.objects.get()
        assert (item.state, item.attempts) == (DeliveryState.FAILED, 6)
        assert AuditEntry.objects.filter(action="delivery.failed").count() == 1
        admin = make_user("sysadmin", [Role.ADMIN])
        delivery_retry(pk=item.pk, actor=admin)
        with pytest.raises(ValidationError, match="无需重发"):
            delivery_retry(pk=item.pk, actor=admin)  # a second click changes nothing
        assert deliveries_send() == {"sent": 1}
        assert len(flaky.sent) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_it_once(
    reachable: User, flaky: type[FlakySms], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "_wake_worker", lambda: None)  # left for the two workers below
    NotificationChoice.objects.create(user=reachable, kind="other", email=False, sms=True)
    with transaction.atomic():
        for n in range(5):
            notify(recipient=reachable, title=f"通知{n}")
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            deliveries_send()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(text for _, text, _ in flaky.sent) == [f"通知{n}" for n in range(5)]
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


# The Alibaba Cloud adapter against a fake gateway on loopback ------------------------------------


class FakeGateway(BaseHTTPRequestHandler):
    """Checks each request's signature with the secret, refuses the first (flow control), then accepts."""

    secret = "test-secret"
    requests: ClassVar[list[dict[str, str]]] = []
    refuse_first = True

    def do_GET(self) -> None:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        signature = params.pop("Signature", "")
        if signature != aliyun_signature(params, self.secret):
            answer = {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."}
            status = 400
        elif FakeGateway.refuse_first and not FakeGateway.requests:
            answer, status = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}, 200
        else:
            answer, status = {"Code": "OK", "Message": "OK", "BizId": "1"}, 200
        FakeGateway.requests.append(params)
        body = json.dumps(answer, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(settings: Settings) -> Iterator[str]:
    FakeGateway.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_SENDER = "shuniu.core.sms.AliyunSms"
    settings.SMS_ALIYUN = {
        "key_id": "test-key",
        "key_secret": FakeGateway.secret,
        "sign_name": "示例县委办",
        "template": "SMS_123456",
        "endpoint": f"http://127.0.0.1:{server.server_address[1]}/",
    }
    yield FakeGateway.secret
    server.shutdown()


@pytest.mark.django_db
class TestAliyunAdapter:
    def test_signed_refused_then_sent_once(self, reachable: User, gateway: str) -> None:
        NotificationChoice.objects.create(user=reachable, kind="other", email=False, sms=True)
        with transaction.atomic():
            notify(recipient=reachable, title="电话通知待确认：通〔2026〕3号")
        now = timezone.now()
        assert deliveries_send(now=now) == {"retry": 1}
        item = Delivery.objects.get()
        assert "BUSINESS_LIMIT_CONTROL" in item.last_error
        assert deliveries_send(now=now + dt.timedelta(minutes=1)) == {"sent": 1}
        assert len(FakeGateway.requests) == 2
        sent = FakeGateway.requests[-1]
        assert sent["PhoneNumbers"] == "13800000001"
        assert sent["SignName"] == "示例县委办"
        assert sent["OutId"] == str(item.pk)
        assert json.loads(sent["TemplateParam"]) == {"content": "电话通知待确认：通〔2026〕3号"}

    def test_a_wrong_secret_is_a_failure_with_the_gateways_reason(
        self, reachable: User, gateway: str, settings: Settings
    ) -> None:
        settings.SMS_ALIYUN = {**settings.SMS_ALIYUN, "key_secret": "wrong"}
        NotificationChoice.objects.create(user=reachable, kind="other", email=False, sms=True)
        with transaction.atomic():
            notify(recipient=reachable, title="通知")
        assert deliveries_send() == {"retry": 1}
        assert "SignatureDoesNotMatch" in Delivery.objects.get().last_error


# Pages ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPages:
    def test_a_person_chooses_channels_and_quiet_hours(self, reachable: User) -> None:
        client = client_for(reachable)
        url = reverse("core:notification_settings")
        page = client.get(url)
        assert page.status_code == 200
        assert "待办事项" in page.text
        response = client.post(
            url, {"todo": ["email", "sms"], "reminder": ["sms"], "quiet_start": "22:00", "quiet_end": "07:30"}
        )
        assert response.status_code == 302
        assert set(NotificationChoice.objects.values_list("kind", "email", "sms")) == {
            ("todo", True, True), ("toread", False, False), ("reminder", False, True), ("other", False, False),
        }  # fmt: skip
        reachable.refresh_from_db()
        assert (reachable.quiet_start, reachable.quiet_end) == (dt.time(22), dt.time(7, 30))

    def test_a_leader_is_asked_about_the_briefing_a_clerk_is_not(self, reachable: User, leader: User) -> None:
        url = reverse("core:notification_settings")
        assert "今日要情" in client_for(leader).get(url).text
        assert "今日要情" not in client_for(reachable).get(url).text

    def test_bad_quiet_hours_get_a_message_and_change_nothing(self, reachable: User) -> None:
        client = client_for(reachable)
        response = client.post(reverse("core:notification_settings"), {"todo": ["sms"], "quiet_start": "22:00"})
        assert response.status_code == 200
        assert "免打扰时段须同时填写" in response.text
        assert not NotificationChoice.objects.exists()
        response = client.post(reverse("core:notification_settings"), {"quiet_start": "25:99", "quiet_end": "x"})
        assert response.status_code == 200
        assert not NotificationChoice.objects.exists()

    def test_the_administrator_sees_failures_and_sends_again(self, reachable: User, flaky: type[FlakySms]) -> None:
        flaky.failures = 99
        NotificationChoice.objects.create(user=reachable, kind="other", email=False, sms=True)
        with transaction.atomic():
            notify(recipient=reachable, title="通知甲")
        Delivery.objects.update(state=DeliveryState.FAILED, attempts=6, last_error="网关超时")
        url = reverse("core:deliveries")
        assert client_for(reachable).get(url).status_code == 403
        admin = make_user("sysadmin", [Role.ADMIN])
        client = client_for(admin)
        page = client.get(url)
        assert "网关超时" in page.text
        assert "通知甲" not in page.text  # the administrator sees who and why, not what
        item = Delivery.objects.get()
        assert client.post(reverse("core:delivery_retry", args=[item.pk])).status_code == 302
        item.refresh_from_db()
        assert item.state == DeliveryState.PENDING
        assert client.post(reverse("core:delivery_retry", args=[item.pk])).status_code == 302  # twice: a message
        assert Delivery.objects.get().attempts == 0
        assert item.channel == Channel.SMS


@pytest.mark.django_db(transaction=True)
def test_the_worker_is_woken_by_the_commit(reachable: User) -> None:
    NotificationChoice.objects.create(user=reachable, kind="todo", email=True)
    with transaction.atomic():
        notify(recipient=reachable, title="待审批：收〔2026〕15号", kind="todo")
        assert not mail.outbox  # nothing before the commit
    assert [m.subject for m in mail.outbox] == ["待审批：收〔2026〕15号"]  # the worker (immediate in tests) sent it
    assert Delivery.objects.get().state == DeliveryState.SENT


@pytest.mark.django_db
class TestEdges:
    def test_read_in_the_app_before_it_went_is_not_sent(self, reachable: User, flaky: type[FlakySms]) -> None:
        NotificationChoice.objects.create(user=reachable, kind="other", email=False, sms=True)
        with transaction.atomic():
            note = notify(recipient=reachable, title="通知")
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
        assert deliveries_send() == {"cancelled": 1}
        assert flaky.sent == []
        assert Delivery.objects.get().state == DeliveryState.CANCELLED

    def test_an_unexpected_error_is_retried_with_a_chinese_reason(self, reachable: User, settings: Settings) -> None:
        settings.SMS_SENDER = "shuniu.core.tests.test_delivery.NoSuchSender"  # a mistyped setting
        NotificationChoice.objects.create(user=reachable, kind="other", email=False, sms=True)
        with transaction.atomic():
            notify(recipient=reachable, title="通知")
        assert deliveries_send() == {"retry": 1}
        assert Delivery.objects.get().last_error == "发送出错（ImportError）"

    def test_a_worker_that_died_on_the_last_try_is_given_up_not_looped(self, reachable: User) -> None:
        NotificationChoice.objects.create(user=reachable, kind="other", email=False, sms=True)
        with transaction.atomic():
            notify(recipient=reachable, title="通知")
        past = timezone.now() - dt.timedelta(hours=1)
        Delivery.objects.update(state=DeliveryState.SENDING, attempts=6, claimed_until=past)
        assert deliveries_send() == {"failed": 1}
        item = Delivery.objects.get()
        assert item.state == DeliveryState.FAILED
        assert "可能已经发出" in item.last_error
        assert deliveries_send() == {}

    def test_a_retry_waits_for_the_end_of_quiet_hours(self, reachable: User, flaky: type[FlakySms]) -> None:
        flaky.failures = 1
        NotificationChoice.objects.create(user=reachable, kind="other", email=False, sms=True)
        User.objects.filter(pk=reachable.pk).update(quiet_start=dt.time(22), quiet_end=dt.time(7))
        with transaction.atomic():
            notify(recipient=reachable, title="通知", urgent=True)  # urgent: planned at once
        Delivery.objects.update(due_at=at(3, 21, 59))
        assert deliveries_send(now=at(3, 21, 59, 30)) == {"retry": 1}
        assert Delivery.objects.get().due_at == at(4, 7)  # not 22:00
