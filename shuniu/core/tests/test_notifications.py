import pytest
from django.db import transaction
from django.urls import reverse

from shuniu.audit.models import AuditEntry
from shuniu.core.models import Delivery, Notification, NotificationChoice, User
from shuniu.core.notify import notify
from shuniu.core.testing import client_for


@pytest.mark.django_db
def test_notifications_are_listed_counted_and_marked_read(clerk: User, leader: User) -> None:
    with transaction.atomic():
        notify(recipient=clerk, title="提醒：明天 09:00 经济工作会议", body="地点：县会议中心")
        notify(recipient=leader, title="别人的通知")
    client = client_for(clerk)
    page = client.get(reverse("core:notifications"))
    assert "经济工作会议" in page.text
    assert "别人的通知" not in page.text
    assert 'rounded-pill text-bg-warning">1<' in page.text  # the bell's unread count
    assert client.get(reverse("core:notifications_read")).status_code == 405
    client.post(reverse("core:notifications_read"))
    assert not Notification.objects.filter(recipient=clerk, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=leader, read_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="notification.read", actor=clerk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_notification_leaves_nothing_to_send(clerk: User) -> None:
    User.objects.filter(pk=clerk.pk).update(email="clerk@example.gov.cn")
    clerk.refresh_from_db()
    NotificationChoice.objects.create(user=clerk, kind="todo", email=True)

    def notify_then_fail() -> None:
        with transaction.atomic():
            notify(recipient=clerk, title="回滚", kind="todo")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError, match="rolled back"):
        notify_then_fail()
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    with transaction.atomic():
        notify(recipient=clerk, title="已提交", kind="todo")
    assert list(Delivery.objects.values_list("notification__title", "channel")) == [("已提交", "email")]


@pytest.mark.django_db
def test_a_notification_is_read_when_its_work_is_done_or_when_opened(director: User, clerk: User) -> None:
    from shuniu.core.inbox import inbox_done, inbox_put
    from shuniu.core.models import InboxKind

    with transaction.atomic():
        for key in ("doc:1:approve", "doc:2:approve"):
            inbox_put(
                recipients=[director], key=key, kind=InboxKind.TODO, category="待审批", title=key, url="/documents/"
            )
        inbox_done(key="doc:1:approve", by=director)
    unread = set(Notification.objects.filter(recipient=director, read_at__isnull=True).values_list("key", flat=True))
    assert unread == {"doc:2:approve"}
    other = Notification.objects.get(key="doc:2:approve")
    assert client_for(clerk).post(reverse("core:notification_open", args=[other.pk])).status_code == 404
    response = client_for(director).post(reverse("core:notification_open", args=[other.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/documents/"
    other.refresh_from_db()
    assert other.read_at is not None
