import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from shuniu.audit.models import AuditEntry
from shuniu.core import files
from shuniu.core.confirm import NeedsConfirmation
from shuniu.core.models import Attachment, User
from shuniu.core.testing import client_for, make_leader
from shuniu.documents import routing_adapter, services
from shuniu.documents.models import Copy, CopyState, Delegation, Document, Reading, Status, Urgency
from shuniu.documents.selectors import delegating_leaders, desk, documents_visible_to

from .conftest import PDF, PNG, Register, set_windows


@pytest.mark.django_db
class TestRegistration:
    def test_numbers_run_per_year_without_gaps(self, register: Register) -> None:
        first, second = register("甲"), register("乙")
        year = timezone.localdate().year
        assert (first.reg_number, second.reg_number) == (f"收〔{year}〕1号", f"收〔{year}〕2号")
        last_year = register("丙", received_at=timezone.now().replace(year=year - 1))
        assert last_year.reg_number == f"收〔{year - 1}〕1号"

    def test_urgent_needs_a_deadline(self, register: Register) -> None:
        with pytest.raises(ValidationError, match="必须填写办理时限"):
            register(urgency=Urgency.FLASH, deadline=None)
        assert not Document.objects.exists()

    def test_duplicate_source_number_asks_first(self, register: Register) -> None:
        original = register(source_number="市委办发〔2026〕12号")
        with pytest.raises(NeedsConfirmation) as caught:
            register(source_number="市委办发〔2026〕12号")
        assert [m.label for m in caught.value.matches] == [original.reg_number]
        assert original.title in caught.value.matches[0].detail
        assert Document.objects.count() == 1
        register(source_number="市委办发〔2026〕12号", confirm_duplicate=True)
        assert Document.objects.count() == 2

    def test_attachments_are_recognised_by_content_and_stored_once(
        self, register: Register, settings: Settings, tmp_path: Path
    ) -> None:
        settings.VAR_DIR = tmp_path
        doc = register(files=[services.Upload("正文.pdf", PDF), services.Upload("附图.jpg", PNG)])
        types = sorted(doc.attachments.values_list("mime", flat=True))
        assert types == ["application/pdf", "image/png"]  # the .jpg is a PNG, and is called one
        again = register("另一件", files=[services.Upload("copy.pdf", PDF)])
        digests = set(Attachment.objects.values_list("sha256", flat=True))
        assert len(digests) == 2
        assert files.path_for(again.attachments.get().sha256).read_bytes() == PDF

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("evil.pdf", b"MZ\x90\x00 not a pdf", "不是 PDF、OFD、PNG、JPEG"),
            ("empty.pdf", b"", "空文件"),
        ],
    )
    def test_bad_attachments_are_refused_and_nothing_is_registered(
        self, register: Register, name: str, data: bytes, message: str, settings: Settings, tmp_path: Path
    ) -> None:
        settings.VAR_DIR = tmp_path
        with pytest.raises(ValidationError, match=message):
            register(files=[services.Upload(name, data)])
        assert not Document.objects.exists()

    def test_too_large_is_refused(self, register: Register, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(files, "MAX_BYTES", 10)
        with pytest.raises(ValidationError, match="超过"):
            register(files=[services.Upload("big.pdf", PDF)])

    def test_classified_documents_hold_metadata_only(self, register: Register) -> None:
        with pytest.raises(ValidationError, match="不得上传附件"):
            register(secrecy=1, files=[services.Upload("a.pdf", PDF)])
        assert register(secrecy=1).attachments.count() == 0

    def test_initial_check_returns_with_a_reason(self, register: Register, clerk: User) -> None:
        doc = register()
        with pytest.raises(ValidationError, match="退回理由"):
            services.document_return(document=doc, reason=" ", actor=clerk)
        services.document_return(document=doc, reason="缺少附件", actor=clerk)
        doc.refresh_from_db()
        assert doc.status == Status.RETURNED
        assert doc.return_reason == "缺少附件"
        assert doc.history.get().new == Status.RETURNED


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_consecutive_numbers(clerk: User) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                services.document_register(
                    actor=clerk, received_at=timezone.now(), source_org="市委", title=f"并发{n}-{i}"
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Document.objects.values_list("reg_seq", flat=True))
    assert numbers == list(range(1, 21))


@pytest.mark.django_db
class TestProposal:
    def test_readers_must_be_leaders_cleared_for_the_document(
        self, register: Register, clerk: User, leader: User, leader2: User
    ) -> None:
        doc = register(secrecy=2)  # 机密; leader2 is cleared only for 秘密
        with pytest.raises(ValidationError, match="涉密等级低于文件密级"):
            services.proposal_submit(document=doc, readers=[leader, leader2], actor=clerk)
        with pytest.raises(ValidationError, match="不是县领导"):
            services.proposal_submit(document=doc, readers=[clerk], actor=clerk)
        doc.refresh_from_db()
        assert doc.status == Status.REGISTERED
        assert not doc.readings.exists()

    def test_cyclic_order_is_refused(self, register: Register, clerk: User, leader: User, leader2: User) -> None:
        doc = register()
        with pytest.raises(ValidationError, match="循环"):
            services.proposal_submit(
                document=doc, readers=[leader, leader2], order=[(leader, leader2), (leader2, leader)], actor=clerk
            )

    def test_classified_gets_one_copy_unless_the_director_approves_more(
        self, register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
    ) -> None:
        doc = register(secrecy=1, urgency=Urgency.URGENT)
        with pytest.raises(ValidationError, match="只传阅一份"):
            services.proposal_submit(document=doc, readers=[leader, leader2], copies_allowed=2, actor=clerk)
        services.proposal_submit(document=doc, readers=[leader, leader2], copies_allowed=1, actor=clerk)
        copies = services.proposal_approve(document=doc, actor=director, copies_allowed=2)
        assert len(copies) == 2

    def test_send_back_shows_as_sent_back_and_can_be_proposed_again(
        self, register: Register, clerk: User, director: User, leader: User
    ) -> None:
        doc = register()
        services.proposal_submit(document=doc, readers=[leader], actor=clerk)
        services.proposal_send_back(document=doc, reason="范围太窄", actor=director)
        doc.refresh_from_db()
        assert doc.status == Status.SENT_BACK
        assert doc.proposal.sent_back_reason == "范围太窄"
        services.proposal_submit(document=doc, readers=[leader], actor=clerk)
        doc.refresh_from_db()
        assert doc.status == Status.PROPOSED
        assert doc.proposal.sent_back_reason == ""


@pytest.mark.django_db
class TestCirculation:
    def test_urgent_goes_out_as_copies_and_order_holds(
        self, circulating: Document, leader: User, leader2: User
    ) -> None:
        copies = list(circulating.copies.order_by("number"))
        assert len(copies) == 2
        # leader2 must wait for leader: one copy goes to leader, the other waits in the office.
        assert [c.state for c in copies] == [CopyState.TO_DELIVER, CopyState.IN_OFFICE]
        assert copies[0].destination == leader

    def test_the_whole_journey(
        self, circulating: Document, clerk: User, director: User, leader: User, leader2: User
    ) -> None:
        first = circulating.copies.get(state=CopyState.TO_DELIVER)
        services.copy_deliver(copy=first, actor=clerk)
        assert [r.document for r in desk(leader)] == [circulating]
        reading = Reading.objects.get(document=circulating, leader=leader)
        services.reading_sign(reading=reading, actor=leader, instruction="请县应急局牵头落实。", requires_action=True)
        circulating.refresh_from_db()
        assert circulating.needs_supervision
        # The copy leaves leader's desk straight for leader2; the copy waiting in the office is done.
        states = dict(circulating.copies.values_list("number", "state"))
        assert states == {1: CopyState.TO_DELIVER, 2: CopyState.RETURNED}
        second = circulating.copies.get(state=CopyState.TO_DELIVER)
        assert second.destination == leader2
        services.copy_deliver(copy=second, actor=clerk)
        later = Reading.objects.get(document=circulating, leader=leader2)
        services.reading_sign(reading=later, actor=clerk, on_paper=True, signed_at=timezone.now())
        circulating.refresh_from_db()
        assert circulating.status == Status.READ
        assert circulating.read_at is not None
        services.document_close(document=circulating, result="已落实", actor=director)
        services.document_archive(document=circulating, retention="10年", actor=clerk)
        circulating.refresh_from_db()
        assert circulating.status == Status.ARCHIVED
        assert circulating.is_read_only
        actions = set(AuditEntry.objects.filter(object_id=str(circulating.pk)).values_list("action", flat=True))
        assert {
            "document.register",
            "proposal.submit",
            "proposal.approve",
            "reading.sign",
            "document.finish",
            "document.close",
            "document.archive",
        } <= actions

    def test_sign_off_by_someone_who_does_not_hold_the_copy(
        self, circulating: Document, leader: User, leader2: User
    ) -> None:
        reading = Reading.objects.get(document=circulating, leader=leader)
        with pytest.raises(ValidationError, match="不在此领导处"):
            services.reading_sign(reading=reading, actor=leader)  # not delivered yet
        services.copy_deliver(copy=circulating.copies.get(state=CopyState.TO_DELIVER), actor=circulating.registered_by)
        with pytest.raises(ValidationError, match="未受其委托"):
            services.reading_sign(reading=reading, actor=leader2)
        assert Reading.objects.get(pk=reading.pk).signed_at is None

    def test_double_sign_off(self, circulating: Document, leader: User, clerk: User) -> None:
        services.copy_deliver(copy=circulating.copies.get(state=CopyState.TO_DELIVER), actor=clerk)
        reading = Reading.objects.get(document=circulating, leader=leader)
        services.reading_sign(reading=reading, actor=leader)
        with pytest.raises(ValidationError, match="不能重复签阅"):
            services.reading_sign(reading=reading, actor=leader)

    def test_delegated_desk(self, circulating: Document, leader: User, leader2: User, clerk: User) -> None:
        services.copy_deliver(copy=circulating.copies.get(state=CopyState.TO_DELIVER), actor=clerk)
        now = timezone.now()
        services.delegation_create(
            leader=leader,
            acting=leader2,
            start=now - dt.timedelta(hours=1),
            end=now + dt.timedelta(days=1),
            actor=leader,
        )
        assert [r.leader for r in desk(leader2)] == [leader]
        reading = Reading.objects.get(document=circulating, leader=leader)
        services.reading_sign(reading=reading, actor=leader2, instruction="代阅")
        reading.refresh_from_db()
        assert reading.leader == leader
        assert reading.signed_by == leader2

    def test_away_leader_is_skipped_and_the_copy_returns_later(
        self,
        register: Register,
        clerk: User,
        director: User,
        leader: User,
        leader2: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        third = make_leader("leader3", 3)
        away = set_windows(monkeypatch, {leader2.pk: timezone.now() + dt.timedelta(days=2)})
        doc = register()
        services.proposal_submit(document=doc, readers=[leader, leader2, third], actor=clerk)
        services.proposal_approve(document=doc, actor=director)
        copy = doc.copies.get()
        assert copy.destination == leader  # lowest rank who is in
        services.copy_deliver(copy=copy, actor=clerk)
        services.reading_sign(reading=Reading.objects.get(document=doc, leader=leader), actor=leader)
        copy.refresh_from_db()
        assert copy.destination == third  # leader2 is away: skipped
        services.copy_deliver(copy=copy, actor=clerk)
        away.clear()
        services.reading_sign(reading=Reading.objects.get(document=doc, leader=third), actor=third)
        copy.refresh_from_db()
        assert copy.destination == leader2  # back now: the copy returns to them

    def test_take_back_from_an_absent_leader(
        self, register: Register, clerk: User, director: User, leader: User, leader2: User, always_in: None
    ) -> None:
        doc = register()
        services.proposal_submit(document=doc, readers=[leader, leader2], actor=clerk)
        services.proposal_approve(document=doc, actor=director)
        copy = doc.copies.get()
        services.copy_deliver(copy=copy, actor=clerk)
        services.copy_take_back(copy=copy, actor=clerk)
        copy.refresh_from_db()
        assert copy.state == CopyState.TO_DELIVER
        assert copy.destination == leader2
        assert Reading.objects.get(document=doc, leader=leader).copy_id is None


@pytest.mark.django_db
class TestVisibility:
    def test_leaders_see_only_what_is_routed_to_them_up_to_clearance(
        self, circulating: Document, register: Register, leader: User, leader2: User, liaison: User, clerk: User
    ) -> None:
        other = register("与领导无关")
        assert set(documents_visible_to(leader)) == {circulating}
        assert set(documents_visible_to(clerk)) == {circulating, other}
        assert not documents_visible_to(liaison).exists()
        Document.objects.filter(pk=circulating.pk).update(secrecy=3)
        assert not documents_visible_to(leader2).exists()

    def test_copies_have_a_single_place(self, circulating: Document) -> None:
        for copy in Copy.objects.all():
            assert (copy.state == CopyState.ON_DESK) == (copy.holder_id is not None and copy.state == CopyState.ON_DESK)


@pytest.mark.django_db
class TestPlanner:
    def test_route_and_prediction_are_stored_and_follow_schedule_changes(
        self,
        register: Register,
        clerk: User,
        director: User,
        leader: User,
        leader2: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        set_windows(monkeypatch)
        doc = register()
        services.proposal_submit(document=doc, readers=[leader, leader2], copies_allowed=1, actor=clerk)
        services.proposal_approve(document=doc, actor=director)
        doc.refresh_from_db()
        copy = doc.copies.get()
        assert [stop["leader"] for stop in copy.route] == [leader.pk, leader2.pk]
        first = doc.predicted_done
        assert first is not None
        # leader2 announces a trip: the worker's refresh moves the prediction.
        set_windows(monkeypatch, {leader2.pk: timezone.now() + dt.timedelta(days=3)})
        from shuniu.documents.tasks import refresh_circulation

        refresh_circulation.call_local()
        doc.refresh_from_db()
        assert doc.predicted_done is not None
        assert doc.predicted_done > first + dt.timedelta(days=2)

    def test_all_allowed_copies_go_out_in_parallel(
        self,
        register: Register,
        clerk: User,
        director: User,
        leader: User,
        leader2: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        set_windows(monkeypatch)
        doc = register()
        services.proposal_submit(document=doc, readers=[leader, leader2], copies_allowed=2, actor=clerk)
        services.proposal_approve(document=doc, actor=director)
        destinations = sorted(doc.copies.values_list("destination_id", flat=True))
        assert destinations == sorted([leader.pk, leader2.pk])

    def test_a_sign_off_follows_the_stored_route_and_replans_after_commit(
        self,
        register: Register,
        clerk: User,
        director: User,
        leader: User,
        leader2: User,
        monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    ) -> None:
        set_windows(monkeypatch)
        doc = register()
        services.proposal_submit(document=doc, readers=[leader, leader2], copies_allowed=1, actor=clerk)
        services.proposal_approve(document=doc, actor=director)
        copy = doc.copies.get()
        services.copy_deliver(copy=copy, actor=clerk)
        plans: list[dict[str, Any]] = []
        real = routing_adapter.replan

        def spy(*a: Any, **k: Any) -> None:
            plans.append(k)
            real(*a, **k)

        monkeypatch.setattr(routing_adapter, "replan", spy)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.reading_sign(reading=Reading.objects.get(document=doc, leader=leader), actor=leader)
            assert plans == []  # the write itself did not plan: the stored route answered
        copy.refresh_from_db()
        assert (copy.state, copy.destination) == (CopyState.TO_DELIVER, leader2)
        assert len(callbacks) == 1
        assert len(plans) == 1
        assert [stop["leader"] for stop in copy.route] == [leader2.pk]

    def test_one_plan_per_service_call_however_many_copies_move(
        self,
        register: Register,
        clerk: User,
        director: User,
        leader: User,
        leader2: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        set_windows(monkeypatch)
        third = make_leader("leader3", 3)
        doc = register()
        services.proposal_submit(document=doc, readers=[leader, leader2, third], copies_allowed=3, actor=clerk)
        plans: list[dict[str, Any]] = []
        real = routing_adapter.replan

        def spy(*a: Any, **k: Any) -> None:
            plans.append(k)
            real(*a, **k)

        monkeypatch.setattr(routing_adapter, "replan", spy)
        services.proposal_approve(document=doc, actor=director)
        assert len(plans) == 1
        assert sorted(doc.copies.values_list("destination_id", flat=True)) == sorted([leader.pk, leader2.pk, third.pk])

    def test_a_copy_whose_route_ran_out_takes_a_reader_waiting_for_a_copy_in_the_office(
        self, circulating: Document, clerk: User, leader: User, leader2: User
    ) -> None:
        first = circulating.copies.get(state=CopyState.TO_DELIVER)
        assert [stop["leader"] for stop in first.route] == [leader.pk]  # leader2's visit is on copy 2's route
        services.copy_deliver(copy=first, actor=clerk)
        services.reading_sign(reading=Reading.objects.get(document=circulating, leader=leader), actor=leader)
        first.refresh_from_db()
        assert (first.state, first.destination) == (CopyState.TO_DELIVER, leader2)

    def test_a_copy_never_reaches_a_reader_before_their_predecessor_signed(
        self, circulating: Document, leader2: User, clerk: User
    ) -> None:
        reading = Reading.objects.get(document=circulating, leader=leader2)
        assert reading.copy_id is None
        copy = circulating.copies.get(state=CopyState.IN_OFFICE)
        Copy.objects.filter(pk=copy.pk).update(state=CopyState.ON_DESK, holder=leader2)
        Reading.objects.filter(pk=reading.pk).update(copy=copy)
        with pytest.raises(ValidationError, match="须待"):
            services.reading_sign(reading=reading, actor=leader2)


@pytest.mark.django_db
def test_planning_near_an_unentered_year_stops_at_its_start(leader: User) -> None:
    from shuniu.core.models import CalendarYear
    from shuniu.core.workcal import WorkingCalendar
    from shuniu.documents.routing_adapter import _windows

    CalendarYear.objects.create(year=2030)
    tz = timezone.get_current_timezone()
    start = dt.datetime(2030, 12, 30, 9, 0, tzinfo=tz)  # 2031 is covered by nobody
    windows = _windows(leader, start, start + dt.timedelta(days=21), WorkingCalendar.load())
    assert windows
    assert windows[-1][1] <= dt.datetime(2031, 1, 1, tzinfo=tz)
    assert (
        _windows(leader, dt.datetime(2031, 1, 5, tzinfo=tz), dt.datetime(2031, 1, 9, tzinfo=tz), WorkingCalendar.load())
        == []
    )


@pytest.mark.django_db
class TestDelegationRules:
    def test_a_leader_delegates_only_their_own_desk(self, leader: User, leader2: User, clerk: User) -> None:
        now = timezone.now()
        with pytest.raises(ValidationError, match="只能委托本人的文件"):
            services.delegation_create(
                leader=leader2, acting=clerk, start=now, end=now + dt.timedelta(days=1), actor=leader
            )
        services.delegation_create(leader=leader2, acting=clerk, start=now, end=now + dt.timedelta(days=1), actor=clerk)

    def test_no_period_in_the_past_and_a_past_start_runs_from_now(self, leader: User, clerk: User) -> None:
        now = timezone.now()
        with pytest.raises(ValidationError, match="结束时间已过"):
            services.delegation_create(
                leader=leader,
                acting=clerk,
                start=now - dt.timedelta(days=2),
                end=now - dt.timedelta(days=1),
                actor=leader,
            )
        made = services.delegation_create(
            leader=leader, acting=clerk, start=now - dt.timedelta(days=2), end=now + dt.timedelta(days=1), actor=leader
        )
        assert made.start >= now.replace(second=0, microsecond=0)

    def test_periods_of_one_leader_do_not_overlap_until_revoked(self, leader: User, leader2: User, clerk: User) -> None:
        now = timezone.now()
        first = services.delegation_create(
            leader=leader, acting=clerk, start=now, end=now + dt.timedelta(days=2), actor=leader
        )
        with pytest.raises(ValidationError, match="时间不能重叠"):
            services.delegation_create(
                leader=leader,
                acting=leader2,
                start=now + dt.timedelta(days=1),
                end=now + dt.timedelta(days=3),
                actor=leader,
            )
        services.delegation_revoke(delegation=first, actor=leader)
        assert leader.pk not in delegating_leaders(clerk)
        with pytest.raises(ValidationError, match="已撤销或已到期"):
            services.delegation_revoke(delegation=first, actor=leader)  # the second click
        services.delegation_create(
            leader=leader,
            acting=leader2,
            start=now + dt.timedelta(days=1),
            end=now + dt.timedelta(days=3),
            actor=leader,
        )
        assert Delegation.objects.filter(leader=leader).count() == 2

    def test_only_the_leader_or_the_office_revokes(self, leader: User, leader2: User, clerk: User) -> None:
        now = timezone.now()
        made = services.delegation_create(
            leader=leader, acting=clerk, start=now, end=now + dt.timedelta(days=1), actor=leader
        )
        with pytest.raises(ValidationError, match="只有领导本人或县委办"):
            services.delegation_revoke(delegation=made, actor=leader2)
        made.refresh_from_db()
        assert made.revoked_at is None


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_delegations_at_once_one_is_refused(leader: User, leader2: User, clerk: User) -> None:
    from shuniu.core.testing import at_once

    now = timezone.now()
    outcomes = at_once(
        *(
            (
                lambda acting=acting: services.delegation_create(
                    leader=leader, acting=acting, start=now, end=now + dt.timedelta(days=1), actor=leader
                )
            )
            for acting in (leader2, clerk)
        )
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert Delegation.objects.filter(leader=leader).count() == 1


@pytest.mark.django_db
def test_the_person_keeping_a_desk_is_told_and_finds_the_documents(
    circulating: Document, leader: User, director: User, clerk: User
) -> None:
    from shuniu.core.models import InboxItem, Notification

    now = timezone.now()
    services.delegation_create(leader=leader, acting=director, start=now, end=now + dt.timedelta(days=1), actor=leader)
    assert Notification.objects.filter(recipient=director, title__contains="委托您代阅").exists()
    services.copy_deliver(copy=circulating.copies.get(state=CopyState.TO_DELIVER), actor=clerk)
    item = InboxItem.objects.get(recipient=director, category="新送达")
    assert item.done_at is None
    text = client_for(director).get(reverse("board:workbench")).text
    assert "受 领导1 委托代阅" in text
    services.reading_sign(reading=Reading.objects.get(document=circulating, leader=leader), actor=director)
    item.refresh_from_db()
    assert item.done_at is not None  # signed by the one keeping the desk: the leader's item and theirs are done


@pytest.mark.django_db
def test_a_leader_sees_a_document_only_once_it_is_sent_out(
    register: Register, clerk: User, director: User, leader: User
) -> None:
    document = register()
    services.proposal_submit(document=document, readers=[leader], actor=clerk)
    assert not documents_visible_to(leader).exists()  # proposed: who reads may still change
    services.proposal_approve(document=document, actor=director)
    assert list(documents_visible_to(leader)) == [document]


@pytest.mark.django_db
def test_without_a_source_number_the_same_issuer_and_title_ask_first(register: Register) -> None:
    register("关于征集民生实事项目的函")
    with pytest.raises(NeedsConfirmation, match="同一标题"):
        register("关于征集民生实事项目的函")
    register("关于征集民生实事项目的函", source_org="示例市发改委")  # another issuer: no question
    assert Document.objects.count() == 2
