"""Rule 1's second half (units' copies at the same time as the leaders'), their receipt and chase, and
circulation following a schedule change at once (issue 16)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from shuniu.audit.models import AuditEntry
from shuniu.core.inbox import item_key
from shuniu.core.models import Clearance, InboxItem, Role, Unit, UnitKind, User
from shuniu.core.testing import client_for, make_unit, make_user
from shuniu.core.workcal import WorkingCalendar
from shuniu.documents import selectors, services
from shuniu.documents.models import Copy, CopyState, Document, Reading, Status, UnitCopy, Urgency
from shuniu.documents.tests.conftest import PDF, Register
from shuniu.schedules import services as schedules
from shuniu.schedules.models import EngagementKind
from shuniu.schedules.selectors import engagements_between, subtract

pytestmark = pytest.mark.django_db


@pytest.fixture
def township(db: None) -> Unit:
    """A unit without a liaison on the platform: its copy can only go on paper."""
    return make_unit("城关镇", UnitKind.TOWNSHIP)


def finance(liaison: User) -> Unit:
    assert liaison.unit is not None
    return liaison.unit


def propose(
    document: Document, clerk: User, readers: list[User], units: list[Unit], *, copy_to_units: bool = False
) -> None:
    services.proposal_submit(
        document=document,
        readers=readers,
        units=units,
        lead_unit=units[0] if units else None,
        copy_to_units=copy_to_units,
        actor=clerk,
    )


def test_urgent_document_copies_go_to_its_units_with_the_leaders(
    register: Register, clerk: User, director: User, leader: User, liaison: User, township: Unit, always_in: None
) -> None:
    document = register(
        "关于做好寒潮防范工作的紧急通知", urgency=Urgency.FLASH, files=[services.Upload("正文.pdf", PDF)]
    )
    propose(document, clerk, [leader], [finance(liaison), township])
    copies = services.proposal_approve(document=document, actor=director)
    made = {c.unit_id: c for c in document.unit_copies.all()}
    assert set(made) == {finance(liaison).pk, township.pk}
    electronic, paper = made[finance(liaison).pk], made[township.pk]
    assert not electronic.on_paper
    assert electronic.number is None
    assert paper.on_paper
    assert paper.number == len(copies) + 1
    assert Copy.objects.filter(document=document).count() == len(copies)  # not counted against the leaders'
    item = InboxItem.objects.get(recipient=liaison, key=item_key(document, "unit_copy", finance(liaison).pk))
    assert item.category == "待签收"
    assert item.done_at is None
    # The liaison now sees the document, its attachment (an electronic copy) and their list.
    assert selectors.documents_visible_to(liaison).filter(pk=document.pk).exists()
    assert list(selectors.unit_inbox(liaison)) == [electronic]
    client = client_for(liaison)
    page = client.get(reverse("documents:detail", args=[document.pk]))
    assert page.status_code == 200
    assert "本单位阅办件" in page.content.decode()
    attachment = document.attachments.get()
    assert client.get(reverse("documents:attachment", args=[document.pk, attachment.pk])).status_code == 200
    # The delivery list carries the paper one (which unit, which office, which copy).
    listing = client_for(clerk).get(reverse("documents:deliveries")).content.decode()
    assert "送承办单位" in listing
    assert township.name in listing
    assert f"第 {paper.number} 份" in listing


def test_no_copies_for_a_plain_document_unless_the_proposal_asks(
    register: Register, clerk: User, director: User, leader: User, liaison: User, always_in: None
) -> None:
    plain = register("关于报送年度工作总结的通知")
    propose(plain, clerk, [leader], [finance(liaison)])
    services.proposal_approve(document=plain, actor=director)
    assert not plain.unit_copies.exists()
    assert not selectors.documents_visible_to(liaison).filter(pk=plain.pk).exists()
    asked = register("关于开展财政资金专项检查的通知")
    propose(asked, clerk, [leader], [finance(liaison)], copy_to_units=True)
    services.proposal_approve(document=asked, actor=director)
    copy = asked.unit_copies.get()
    assert copy.on_paper  # no attachment to open: the paper goes
    with pytest.raises(ValidationError, match="没有选择承办单位"):
        propose(register("第三件"), clerk, [leader], [], copy_to_units=True)


def test_classified_copies_only_on_paper_and_each_approved_by_the_director(
    register: Register, clerk: User, director: User, leader: User, liaison: User, township: Unit, always_in: None
) -> None:
    User.objects.filter(pk=liaison.pk).update(clearance=Clearance.SECRET)
    document = register("关于维稳工作的通报", urgency=Urgency.URGENT, secrecy=Clearance.SECRET)
    propose(document, clerk, [leader], [finance(liaison), township])
    other = make_unit("县公安局")
    with pytest.raises(ValidationError, match="县公安局」不是本文件的承办单位"):
        services.proposal_approve(document=document, actor=director, unit_copies=[other.pk])
    document.refresh_from_db()
    assert document.status == Status.PROPOSED
    assert not UnitCopy.objects.exists()
    services.proposal_approve(document=document, actor=director, unit_copies=[finance(liaison).pk])
    copy = document.unit_copies.get()  # the township's copy was not approved
    assert copy.unit == finance(liaison)
    assert copy.on_paper
    assert copy.approved_by == director


def test_classified_copies_none_without_the_directors_word(
    register: Register, clerk: User, director: User, leader: User, liaison: User, always_in: None
) -> None:
    document = register("涉密急件", urgency=Urgency.URGENT, secrecy=Clearance.SECRET)
    propose(document, clerk, [leader], [finance(liaison)])
    services.proposal_approve(document=document, actor=director)
    assert not document.unit_copies.exists()


@pytest.fixture
def sent(register: Register, clerk: User, director: User, leader: User, liaison: User, always_in: None) -> UnitCopy:
    document = register("关于做好森林防火工作的紧急通知", urgency=Urgency.URGENT)
    propose(document, clerk, [leader], [finance(liaison)])
    services.proposal_approve(document=document, actor=director)
    return document.unit_copies.get()


def test_signing_twice_is_one_receipt(sent: UnitCopy, liaison: User) -> None:
    services.unit_copy_receive(copy=sent, actor=liaison)
    with pytest.raises(ValidationError, match="不能重复签收"):
        services.unit_copy_receive(copy=sent, actor=liaison)
    sent.refresh_from_db()
    assert sent.received_by == liaison
    assert sent.receiver_name == liaison.full_name
    assert AuditEntry.objects.filter(action="unit_copy.receive").count() == 1
    item = InboxItem.objects.get(recipient=liaison, key=item_key(sent.document, "unit_copy", sent.unit_id))
    assert item.done_at is not None
    # On the page, a second click says so and changes nothing.
    response = client_for(liaison).post(reverse("documents:unit_receive", args=[sent.pk]), follow=True)
    assert "不能重复签收" in response.content.decode()


def test_another_units_liaison_cannot_sign(sent: UnitCopy, outsider: User) -> None:
    with pytest.raises(ValidationError, match="不是县财政局的联络员"):
        services.unit_copy_receive(copy=sent, actor=outsider)
    assert client_for(outsider).post(reverse("documents:unit_receive", args=[sent.pk])).status_code == 404
    assert not selectors.documents_visible_to(outsider).filter(pk=sent.document_id).exists()
    assert client_for(outsider).get(reverse("documents:detail", args=[sent.document_id])).status_code == 404
    sent.refresh_from_db()
    assert sent.received_at is None


def test_the_clerk_records_a_paper_receipt_with_person_and_time(sent: UnitCopy, clerk: User) -> None:
    client = client_for(clerk)
    url = reverse("documents:unit_receive", args=[sent.pk])
    before = (sent.sent_at - dt.timedelta(hours=1)).astimezone(timezone.get_current_timezone())
    for data, message in [
        ({"receiver_name": "", "received_at": "2026-11-27T10:00"}, "请填写签收人姓名"),
        ({"receiver_name": "张三", "received_at": before.strftime("%Y-%m-%dT%H:%M")}, "不能早于送出时间"),
        ({"receiver_name": "张三", "received_at": "不是时间"}, "签收时间"),
    ]:
        response = client.post(url, data, follow=True)
        assert message in response.content.decode()
        sent.refresh_from_db()
        assert sent.received_at is None
    at = timezone.localtime().replace(second=0, microsecond=0)
    client.post(url, {"receiver_name": "张三", "received_at": at.strftime("%Y-%m-%dT%H:%M")})
    sent.refresh_from_db()
    assert sent.receiver_name == "张三"
    assert sent.recorded_by == clerk
    assert sent.received_at == at
    assert (
        "张三 签收（王文书 登记）" in client.get(reverse("documents:detail", args=[sent.document_id])).content.decode()
    )


def test_a_later_instruction_reaches_the_units_holding_a_copy(sent: UnitCopy, leader: User, liaison: User) -> None:
    copy = Copy.objects.get(document=sent.document, state=CopyState.TO_DELIVER)
    services.copy_deliver(copy=copy, actor=leader)
    reading = Reading.objects.get(document=sent.document, leader=leader)
    services.reading_sign(reading=reading, actor=leader, instruction="请财政局抓紧落实防火经费。")
    item = InboxItem.objects.get(recipient=liaison, key=item_key(sent.document, "instruction", leader.pk))
    assert item.category == "新批示"
    assert "抓紧落实防火经费" in item.note


def test_an_unsigned_urgent_copy_is_chased_in_the_clerks_inbox(sent: UnitCopy, clerk: User, liaison: User) -> None:
    key = item_key(sent.document, "unit_unreceived", sent.unit_id)
    calendar = WorkingCalendar.load()
    due = selectors.receipt_due(sent, calendar)
    assert services.unit_copies_chase(now=due - dt.timedelta(minutes=1)) == 0
    assert not InboxItem.objects.filter(key=key).exists()
    assert services.unit_copies_chase(now=due) == 1
    assert services.unit_copies_chase(now=due + dt.timedelta(minutes=5)) == 0  # told once
    assert InboxItem.objects.get(key=key, recipient=clerk).done_at is None
    flagged = [i for i in selectors.unreceived_unit_copies(clerk, due) if i["overdue"]]
    assert [i["copy"] for i in flagged] == [sent]
    services.unit_copy_receive(copy=sent, actor=liaison)
    assert InboxItem.objects.get(key=key, recipient=clerk).done_at is not None
    rows = selectors.unit_receipt_figures(clerk, timezone.now())
    assert [(r["unit"].name, r["sent"], r["received"], r["open"]) for r in rows] == [("县财政局", 1, 1, 0)]


def test_a_liaison_of_a_paper_copy_does_not_open_the_attachment(
    register: Register, clerk: User, director: User, leader: User, always_in: None
) -> None:
    unit = make_unit("县应急管理局")
    # A liaison without the clearance of a classified document's unit would not even see it; here the
    # copy is paper because the proposal asked for it on a document whose liaison is set up later.
    document = register("关于汛期值班的通知", files=[services.Upload("正文.pdf", PDF)])
    propose(document, clerk, [leader], [unit], copy_to_units=True)
    services.proposal_approve(document=document, actor=director)
    assert document.unit_copies.get().on_paper
    late = make_user("yingji", [Role.LIAISON], full_name="应急联络", unit=unit)
    client = client_for(late)
    attachment = document.attachments.get()
    assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 200
    assert client.get(reverse("documents:attachment", args=[document.pk, attachment.pk])).status_code == 404


# The plan follows a schedule change at once -------------------------------------------------------------


@pytest.fixture
def engagements_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leaders are in at every hour except during their engagements (the real office hours are tested
    in the schedules module; these tests must not depend on the hour they run at)."""

    def windows(
        leader: User, start: dt.datetime, end: dt.datetime, calendar: WorkingCalendar
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        busy = [(e.start, e.end) for e in engagements_between(start, end, [leader.pk])]
        return subtract([(start, end)], busy)

    monkeypatch.setattr("shuniu.documents.routing_adapter._windows", windows)


@dataclass(frozen=True)
class Way:
    """The one copy of an urgent document for two leaders, on its way to one of them."""

    copy: Copy
    away: User  # the leader it is going to (who will be away)
    other: User  # the other reader


@pytest.fixture
def way(register: Register, clerk: User, director: User, leader: User, leader2: User, engagements_count: None) -> Way:
    document = register("关于安全生产大检查的紧急通知", urgency=Urgency.URGENT)
    services.proposal_submit(document=document, readers=[leader, leader2], actor=clerk)
    services.proposal_approve(document=document, actor=director)
    copy = Copy.objects.get(document=document, state=CopyState.TO_DELIVER)
    assert copy.destination is not None
    return Way(copy, copy.destination, leader2 if copy.destination == leader else leader)


def engage(
    leader: User, clerk: User, length: dt.timedelta, *, kind: str = EngagementKind.TRIP, title: str = "出差"
) -> None:
    """The clerk enters an engagement for the leader from five minutes ago for `length` from now."""
    now = timezone.now()
    schedules.engagement_create(
        leaders=[leader], kind=kind, title=title, start=now - dt.timedelta(minutes=5), end=now + length, actor=clerk
    )


@contextmanager
def announcements() -> Iterator[list[frozenset[int] | None]]:
    """What `availability_changed` announces meanwhile: the leaders named by each announcement."""
    from shuniu.core.availability import availability_changed

    heard: list[frozenset[int] | None] = []

    def listen(sender: object, *, leaders: frozenset[int] | None, **kwargs: object) -> None:
        heard.append(leaders)

    availability_changed.connect(listen)
    try:
        yield heard
    finally:
        availability_changed.disconnect(listen)


def test_a_trip_saved_carries_the_copy_elsewhere_at_once(
    way: Way, clerk: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    copy, away, other = way.copy, way.away, way.other
    with django_capture_on_commit_callbacks(execute=True):
        engage(away, clerk, dt.timedelta(days=2), title="赴省城参加会议")
    copy.refresh_from_db()
    assert (copy.state, copy.destination, copy.redirected_from) == (CopyState.TO_DELIVER, other, away)
    assert Reading.objects.get(document=copy.document, leader=away).copy is None
    assert Reading.objects.get(document=copy.document, leader=other).copy == copy
    assert copy.route
    assert copy.route[0]["leader"] == other.pk
    assert AuditEntry.objects.filter(action="copy.redirect").count() == 1
    page = client_for(clerk).get(reverse("documents:deliveries")).content.decode()
    assert "改送" in page
    assert f"原送 {away.full_name}" in page
    # Delivered: the note is gone.
    services.copy_deliver(copy=copy, actor=clerk)
    copy.refresh_from_db()
    assert copy.redirected_from is None
    assert copy.holder == other


def test_a_short_meeting_or_another_leaders_trip_moves_nothing(
    way: Way, clerk: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    copy, going_to, other = way.copy, way.away, way.other
    with django_capture_on_commit_callbacks(execute=True):
        # back within half an hour: the copy waits for them
        engage(going_to, clerk, dt.timedelta(minutes=20), kind=EngagementKind.MEETING, title="碰头会")
        engage(other, clerk, dt.timedelta(days=1), title="下乡")
    copy.refresh_from_db()
    assert (copy.destination, copy.redirected_from) == (going_to, None)
    assert not AuditEntry.objects.filter(action="copy.redirect").exists()


def test_a_change_rolled_back_replans_nothing(
    way: Way, clerk: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    copy = way.copy

    def save_then_fail() -> None:
        with transaction.atomic():
            engage(way.away, clerk, dt.timedelta(days=2))
            raise RuntimeError("保存后出错，整个事务回滚")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        save_then_fail()
    assert callbacks == []
    copy.refresh_from_db()
    assert copy.redirected_from is None


def test_the_supervision_draft_takes_the_units_holding_copies(sent: UnitCopy) -> None:
    from shuniu.supervision.selectors import draft_from_document

    draft = draft_from_document(sent.document)
    assert draft["lead_unit"] == sent.unit_id
    assert draft["co_units"] == []


def test_a_liaison_sees_only_their_own_units_copy(
    register: Register, clerk: User, director: User, leader: User, liaison: User, township: Unit, always_in: None
) -> None:
    document = register("关于做好寒潮防范工作的紧急通知", urgency=Urgency.URGENT)
    propose(document, clerk, [leader], [finance(liaison), township])
    services.proposal_approve(document=document, actor=director)
    page = client_for(liaison).get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "县财政局" in page
    assert township.name not in page  # another unit's copy, its receipt and receiver: not theirs to see
    office = client_for(clerk).get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert township.name in office


def test_a_copy_carried_elsewhere_is_not_delivered_to_the_reader_the_old_list_named(
    way: Way, clerk: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    copy, away = way.copy, way.away
    with django_capture_on_commit_callbacks(execute=True):
        engage(away, clerk, dt.timedelta(days=3))
    # The clerk's list was printed before: its button names the absent reader.
    response = client_for(clerk).post(reverse("documents:deliver", args=[copy.pk]), {"to": away.pk}, follow=True)
    assert "已改送" in response.content.decode()
    copy.refresh_from_db()
    assert copy.state == CopyState.TO_DELIVER
    assert copy.holder is None


def test_a_redirect_planned_before_a_sign_off_does_not_give_one_reader_two_copies(way: Way, clerk: User) -> None:
    from shuniu.documents.routing_adapter import Redirection

    copy, away, other = way.copy, way.away, way.other
    reading = Reading.objects.get(document=copy.document, leader=other)
    second = Copy.objects.create(document=copy.document, number=2, since=timezone.now())
    Reading.objects.filter(pk=reading.pk).update(copy=second)  # meanwhile another copy went to that reader
    moved = services.copies_redirect(
        moves=[Redirection(copy.pk, away.pk, reading.pk, other.pk)], actor=clerk, now=timezone.now()
    )
    assert moved == []
    copy.refresh_from_db()
    assert (copy.destination, copy.redirected_from) == (away, None)
    assert Reading.objects.get(pk=reading.pk).copy == second
    assert Reading.objects.get(document=copy.document, leader=away).copy == copy


def test_a_desk_someone_keeps_is_not_skipped(way: Way, clerk: User, director: User) -> None:
    from shuniu.documents.routing_adapter import redirections

    copy, away = way.copy, way.away
    now = timezone.now()
    engage(away, clerk, dt.timedelta(days=3))
    assert [m.copy for m in redirections(now)] == [copy.pk]
    services.delegation_create(leader=away, acting=director, start=now, end=now + dt.timedelta(days=3), actor=clerk)
    assert redirections(timezone.now()) == []


def test_the_workers_round_carries_elsewhere_a_copy_whose_readers_trip_has_begun(way: Way, clerk: User) -> None:
    from shuniu.documents.tasks import refresh_circulation

    copy, away = way.copy, way.away
    # Entered without the after-commit follow (a trip entered days ahead that has begun now).
    engage(away, clerk, dt.timedelta(days=3))
    copy.refresh_from_db()
    assert copy.redirected_from is None
    assert refresh_circulation.call_local() == 1
    copy.refresh_from_db()
    assert copy.redirected_from == away


def test_many_changes_in_one_transaction_replan_once(
    register: Register,
    clerk: User,
    leader: User,
    leader2: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    now = timezone.now()
    with announcements() as heard, django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for person, hours in ((leader, 1), (leader2, 2), (leader, 3)):
            schedules.engagement_create(
                leaders=[person],
                kind=EngagementKind.MEETING,
                title="会议",
                start=now + dt.timedelta(hours=hours),
                end=now + dt.timedelta(hours=hours, minutes=30),
                actor=clerk,
            )
    assert heard == [frozenset({leader.pk, leader2.pk})]


def test_a_holiday_set_in_the_admin_replans_for_every_leader(
    sysadmin: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    from shuniu.core.models import CalendarOverride

    with announcements() as heard, django_capture_on_commit_callbacks(execute=True):
        response = client_for(sysadmin).post(
            reverse("admin:core_calendaroverride_add"), {"date": "2026-12-31", "kind": "off", "note": "县里放假"}
        )
    assert response.status_code == 302
    assert CalendarOverride.objects.filter(note="县里放假").exists()
    assert heard == [None]  # everyone's office time
