import datetime as dt
import importlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.core.confirm import NeedsConfirmation
from shuniu.core.inbox import item_key
from shuniu.core.models import InboxItem, InboxKind, Notification, SentReminder, User
from shuniu.core.reminders import reminders_run
from shuniu.core.workcal import WorkingCalendar
from shuniu.schedules import services
from shuniu.schedules.models import Engagement, KeyWork, WeeklyPlanVersion
from shuniu.schedules.reminders import key_work_due, reminder_key
from shuniu.schedules.selectors import availability, grid_changes, weekly_grid
from shuniu.schedules.tasks import send_due_reminders

from .conftest import YEAR, Engage, at

MONDAY = dt.date(2026, 11, 23)


@pytest.mark.django_db
class TestEngagements:
    def test_create_writes_an_audit_entry(self, leader: User, engage: Engage) -> None:
        engagement = engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10))
        assert AuditEntry.objects.filter(action="engagement.create", object_id=str(engagement.pk)).exists()

    def test_overlap_needs_confirmation_and_saves_nothing_without_it(self, leader: User, engage: Engage) -> None:
        first = engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 11))
        with pytest.raises(services.OverlapNeedsConfirmation) as caught:
            engage(leader, at(2026, 11, 24, 10), at(2026, 11, 24, 12), title="另一个会")
        assert caught.value.conflicts == [first]
        assert "时间重叠" in caught.value.messages[0]
        assert Engagement.objects.count() == 1
        engage(leader, at(2026, 11, 24, 10), at(2026, 11, 24, 12), title="另一个会", confirm_overlap=True)
        assert Engagement.objects.count() == 2

    def test_touching_engagements_do_not_overlap(self, leader: User, engage: Engage) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10))
        engage(leader, at(2026, 11, 24, 10), at(2026, 11, 24, 11))
        assert Engagement.objects.count() == 2

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            (at(2026, 11, 24, 10), at(2026, 11, 24, 9), "结束时间必须晚于开始时间"),
            (at(2026, 11, 24, 10), at(2026, 11, 24, 10), "结束时间必须晚于开始时间"),
            (at(2026, 11, 1), at(2027, 3, 1), "62 天"),
        ],
    )
    def test_bad_spans_are_refused(
        self, leader: User, engage: Engage, start: dt.datetime, end: dt.datetime, message: str
    ) -> None:
        with pytest.raises(ValidationError, match=message):
            engage(leader, start, end)
        assert not Engagement.objects.exists()

    def test_only_leaders_have_engagements(self, clerk: User, engage: Engage) -> None:
        with pytest.raises(ValidationError, match="不是县领导"):
            engage(clerk, at(2026, 11, 24, 9), at(2026, 11, 24, 10))

    def test_a_stale_edit_is_refused(self, leader: User, engage: Engage, clerk: User) -> None:
        engagement = engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10))
        fields: dict[str, Any] = dict(kind="meeting", start=engagement.start, end=engagement.end, actor=clerk)
        services.engagement_update(engagement=engagement, version=1, title="改一", **fields)
        with pytest.raises(ValidationError, match="已被他人修改"):
            services.engagement_update(engagement=engagement, version=1, title="改二", **fields)
        engagement.refresh_from_db()
        assert engagement.title == "改一"
        assert engagement.version == 2


@pytest.mark.django_db
class TestWeeklyPlan:
    def test_grid_places_engagements_in_half_days(self, leader: User, leader2: User, engage: Engage) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        engage(leader2, at(2026, 11, 25, 8), at(2026, 11, 27, 18), kind="trip", title="赴省城")
        grid = weekly_grid(MONDAY, viewer=None)
        cells = grid["cells"]
        assert cells[str(leader.pk)]["2026-11-24"] == {"am": ["09:00 常委会"], "pm": []}
        trip = cells[str(leader2.pk)]
        assert all(trip[day][half] for day in ["2026-11-25", "2026-11-26", "2026-11-27"] for half in ["am", "pm"])
        assert "外出：赴省城" in trip["2026-11-26"]["am"][0]
        assert trip["2026-11-28"] == {"am": [], "pm": []}

    def test_confidential_shows_as_busy_to_staff_but_not_to_editors(
        self, leader: User, engage: Engage, clerk: User
    ) -> None:
        engage(leader, at(2026, 11, 24, 15), at(2026, 11, 24, 16), title="专题会", confidential=True)
        assert weekly_grid(MONDAY, viewer=None)["cells"][str(leader.pk)]["2026-11-24"]["pm"] == ["忙碌"]
        assert weekly_grid(MONDAY, viewer=clerk)["cells"][str(leader.pk)]["2026-11-24"]["pm"] == ["15:00 专题会"]
        assert weekly_grid(MONDAY, viewer=leader)["cells"][str(leader.pk)]["2026-11-24"]["pm"] == ["15:00 专题会"]

    def test_publish_freezes_and_later_edits_show_as_changes(self, leader: User, engage: Engage, clerk: User) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        version = services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        assert version.number == 1
        engage(leader, at(2026, 11, 26, 15), at(2026, 11, 26, 16), title="新增会议")
        changes = grid_changes(weekly_grid(MONDAY, viewer=None), version.grid)
        assert changes == {f"{leader.pk}|2026-11-26|pm": []}
        version.refresh_from_db()
        assert "新增会议" not in str(version.grid)
        assert services.weekly_plan_publish(week_start=MONDAY, actor=clerk).number == 2

    def test_publishing_an_unchanged_week_is_refused(self, leader: User, clerk: User) -> None:
        services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        with pytest.raises(ValidationError, match="没有变化"):
            services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        assert WeeklyPlanVersion.objects.count() == 1

    def test_a_week_starts_on_monday(self, clerk: User) -> None:
        with pytest.raises(ValidationError, match="星期一"):
            services.weekly_plan_publish(week_start=dt.date(2026, 11, 24), actor=clerk)


@pytest.mark.django_db
class TestReminders:
    def make(self, clerk: User, leader: User, start: dt.datetime | None = None, minutes: int = 60) -> KeyWork:
        return services.key_work_create(
            title="经济工作会议",
            owner=clerk,
            leader=leader,
            start=start or at(YEAR, 12, 1, 9),
            remind_minutes=minutes,
            checklist=["讲话稿", "会场", ""],
            actor=clerk,
        )

    def send(self, now: dt.datetime) -> int:
        return reminders_run(now=now, sources=["shuniu.schedules.reminders.key_work_due"])

    def test_reminders_for_owner_and_leader(self, clerk: User, leader: User) -> None:
        item = self.make(clerk, leader)
        assert item.checklist.count() == 2
        due = list(key_work_due(at(YEAR, 12, 1, 8), WorkingCalendar.load()))
        assert {d.recipient.pk for d in due} == {clerk.pk, leader.pk}
        assert list(key_work_due(at(YEAR, 12, 1, 7, 59), WorkingCalendar.load())) == []

    def test_nothing_is_sent_before_time(self, clerk: User, leader: User) -> None:
        self.make(clerk, leader)
        assert self.send(at(YEAR, 12, 1, 7, 59)) == 0
        assert not Notification.objects.exists()

    def test_each_reminder_is_sent_exactly_once(self, clerk: User, leader: User) -> None:
        self.make(clerk, leader)
        assert self.send(at(YEAR, 12, 1, 8)) == 2
        # The worker restarts and runs again: nothing more goes out.
        assert self.send(at(YEAR, 12, 1, 8, 1)) == 0
        assert self.send(at(YEAR, 12, 2)) == 0
        titles = list(Notification.objects.values_list("recipient_id", "title"))
        assert sorted(r for r, _ in titles) == sorted([clerk.pk, leader.pk])
        assert all("经济工作会议" in t and "12月01日 09:00" in t for _, t in titles)

    def test_a_reminder_already_claimed_elsewhere_is_not_sent_again(self, clerk: User, leader: User) -> None:
        item = self.make(clerk, leader)
        # Another worker claimed one of them between our read and our claim.
        SentReminder.objects.create(key=reminder_key(item), recipient=clerk)
        assert self.send(at(YEAR, 12, 1, 8)) == 1
        assert Notification.objects.get().recipient == leader

    def test_rescheduling_reminds_for_the_new_time(self, clerk: User, leader: User) -> None:
        item = self.make(clerk, leader)
        assert self.send(at(YEAR, 12, 1, 8, 30)) == 2
        services.key_work_reschedule(item=item, version=item.version, start=at(YEAR, 12, 3, 9), end=None, actor=clerk)
        assert self.send(at(YEAR, 12, 1, 9)) == 0
        assert self.send(at(YEAR, 12, 3, 8)) == 2

    def test_completed_or_started_work_sends_no_reminder(self, clerk: User, leader: User) -> None:
        item = self.make(clerk, leader)
        assert self.send(at(YEAR, 12, 1, 9, 1)) == 0  # it has begun: too late to prepare
        services.key_work_complete(item=item, confirm_open=True, actor=clerk)
        assert self.send(at(YEAR, 12, 1, 8, 30)) == 0

    def test_the_periodic_task_sends_due_reminders(self, clerk: User, leader: User) -> None:
        self.make(clerk, leader, start=timezone.now() + dt.timedelta(minutes=30))
        assert send_due_reminders.call_local() == 2
        assert send_due_reminders.call_local() == 0

    def test_bad_key_work_is_refused(self, clerk: User, leader: User) -> None:
        with pytest.raises(ValidationError, match="结束时间"):
            services.key_work_create(
                title="x", owner=clerk, start=at(YEAR, 12, 1, 9), end=at(YEAR, 12, 1, 8), actor=clerk
            )
        with pytest.raises(ValidationError, match="不是县领导"):
            services.key_work_create(title="x", owner=clerk, leader=clerk, start=at(YEAR, 12, 1, 9), actor=clerk)


def soon(**delta: float) -> dt.datetime:
    """A moment still to come (key work may not start in the past)."""
    return timezone.now().replace(second=0, microsecond=0) + dt.timedelta(**delta)


@pytest.mark.django_db
class TestSharedEngagements:
    """A 常委会 is one meeting of several leaders: one record, in each of their calendars."""

    def test_one_record_in_both_rows_and_both_availabilities(self, leader: User, leader2: User, engage: Engage) -> None:
        meeting = engage([leader2, leader], at(2026, 11, 26, 9), at(2026, 11, 26, 11), title="常委会")
        assert Engagement.objects.count() == 1
        assert meeting.leader == leader  # the first in protocol order
        assert list(meeting.others.all()) == [leader2]
        cells = weekly_grid(MONDAY, viewer=None)["cells"]
        assert cells[str(leader.pk)]["2026-11-26"]["am"] == ["09:00 常委会"]
        assert cells[str(leader2.pk)]["2026-11-26"]["am"] == ["09:00 常委会"]
        for who in (leader, leader2):
            assert availability(who, at(2026, 11, 26), at(2026, 11, 27))[:2] == [
                (at(2026, 11, 26, 8, 30), at(2026, 11, 26, 9)),
                (at(2026, 11, 26, 11), at(2026, 11, 26, 12)),
            ]

    def test_a_clash_of_any_of_its_leaders_needs_confirmation(
        self, leader: User, leader2: User, engage: Engage
    ) -> None:
        engage(leader2, at(2026, 11, 26, 10), at(2026, 11, 26, 12), title="调研")
        with pytest.raises(services.OverlapNeedsConfirmation) as caught:
            engage([leader, leader2], at(2026, 11, 26, 9), at(2026, 11, 26, 11), title="常委会")
        assert [m.label for m in caught.value.matches] == ["领导2：会议：调研"]
        assert Engagement.objects.count() == 1

    def test_editing_once_changes_it_for_every_leader(
        self, clerk: User, leader: User, leader2: User, engage: Engage
    ) -> None:
        meeting = engage([leader, leader2], at(2026, 11, 26, 9), at(2026, 11, 26, 11), title="常委会")
        services.engagement_update(
            engagement=meeting,
            version=1,
            leaders=[leader2],
            kind="meeting",
            title="常委会（改）",
            start=at(2026, 11, 26, 15),
            end=at(2026, 11, 26, 17),
            actor=clerk,
        )
        meeting.refresh_from_db()
        assert meeting.leader == leader2
        assert not meeting.others.exists()
        assert meeting.version == 2
        assert len(availability(leader, at(2026, 11, 26), at(2026, 11, 27))) == 2  # the whole day free again
        assert availability(leader2, at(2026, 11, 26, 14), at(2026, 11, 26, 18)) == [
            (at(2026, 11, 26, 14, 30), at(2026, 11, 26, 15)),
            (at(2026, 11, 26, 17), at(2026, 11, 26, 18)),
        ]

    def test_deleting_twice_says_so(self, clerk: User, leader: User, leader2: User, engage: Engage) -> None:
        meeting = engage([leader, leader2], at(2026, 11, 26, 9), at(2026, 11, 26, 11))
        services.engagement_delete(engagement=meeting, actor=clerk)
        with pytest.raises(ValidationError, match="已被删除"):
            services.engagement_delete(engagement=meeting, actor=clerk)
        assert AuditEntry.objects.filter(action="engagement.delete").count() == 1

    def test_the_migration_merges_meetings_entered_once_per_leader(
        self, clerk: User, leader: User, leader2: User
    ) -> None:
        from django.apps import apps

        merge = importlib.import_module("shuniu.schedules.migrations.0003_shared_engagements_keywork_versions")
        fields = dict(kind="meeting", title="常委会", start=at(2026, 11, 23, 9), end=at(2026, 11, 23, 11))
        Engagement.objects.create(leader=leader2, created_by=clerk, **fields)
        kept = Engagement.objects.create(leader=leader, created_by=clerk, **fields)
        other = Engagement.objects.create(leader=leader, created_by=clerk, **dict(fields, title="另一个会"))
        leave = dict(fields, kind="leave", title="事假")
        Engagement.objects.create(leader=leader, created_by=clerk, **leave)
        Engagement.objects.create(leader=leader2, created_by=clerk, **leave)
        merge.merge_shared_meetings(apps, None)
        assert set(Engagement.objects.values_list("pk", flat=True)) - {kept.pk, other.pk} == set(
            Engagement.objects.filter(kind="leave").values_list("pk", flat=True)
        )
        kept.refresh_from_db()
        assert kept.leader == leader
        assert list(kept.others.all()) == [leader2]
        assert kept.version == 2
        assert Engagement.objects.filter(kind="leave").count() == 2  # only meetings are merged


@pytest.mark.django_db
class TestPublishing:
    def test_the_counter_continues_after_versions_published_before_it(
        self, leader: User, engage: Engage, clerk: User
    ) -> None:
        for number in (1, 2):
            WeeklyPlanVersion.objects.create(week_start=MONDAY, number=number, grid={}, published_by=clerk)
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        assert services.weekly_plan_publish(week_start=MONDAY, actor=clerk).number == 3
        engage(leader, at(2026, 11, 25, 9), at(2026, 11, 25, 10), title="调研")
        assert services.weekly_plan_publish(week_start=MONDAY, actor=clerk).number == 4
        other_week = services.weekly_plan_publish(week_start=MONDAY + dt.timedelta(days=7), actor=clerk)
        assert other_week.number == 1  # one series per week

    def test_a_refused_publish_uses_no_number(self, leader: User, engage: Engage, clerk: User) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        with pytest.raises(ValidationError, match="没有变化"):
            services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        engage(leader, at(2026, 11, 25, 9), at(2026, 11, 25, 10), title="调研")
        assert services.weekly_plan_publish(week_start=MONDAY, actor=clerk).number == 2  # no gap

    def test_a_version_published_since_the_editor_looked_stops_the_publish(
        self, leader: User, engage: Engage, clerk: User, director: User
    ) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        services.weekly_plan_publish(week_start=MONDAY, actor=director, base=0)
        with pytest.raises(ValidationError, match=r"本周安排刚由 黄主任 于 .* 发布为第 1 版"):
            services.weekly_plan_publish(week_start=MONDAY, actor=clerk, base=0)
        assert WeeklyPlanVersion.objects.count() == 1

    def test_staff_and_leaders_are_told_once_per_version(
        self, leader: User, leader2: User, engage: Engage, clerk: User, director: User, liaison: User
    ) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        first = services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        told = set(InboxItem.objects.filter(key=item_key(first, "publish")).values_list("recipient_id", flat=True))
        assert told == {leader.pk, leader2.pk, director.pk}  # not the publisher, not a liaison
        assert first.notified == 3
        item = InboxItem.objects.get(recipient=leader)
        assert item.kind == InboxKind.TOREAD
        assert item.category == "周工作安排"
        assert item.url.endswith("?week=2026-11-23")
        assert "第 1 版" in item.title
        assert Notification.objects.filter(recipient=leader).count() == 1
        engage(leader, at(2026, 11, 25, 9), at(2026, 11, 25, 10), title="调研")
        second = services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        # The unread first version is replaced by the second in everybody's 待阅.
        assert list(InboxItem.objects.filter(recipient=leader).values_list("key", flat=True)) == [
            item_key(second, "publish")
        ]
        assert services.weekly_plan_read(version=second, reader=leader) is True
        assert services.weekly_plan_read(version=second, reader=leader) is False
        assert InboxItem.objects.get(recipient=leader).done_at is not None

    def test_confidential_items_go_out_as_busy(self, leader: User, leader2: User, engage: Engage, clerk: User) -> None:
        engage([leader, leader2], at(2026, 11, 24, 15), at(2026, 11, 24, 16), title="个别谈话", confidential=True)
        version = services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        assert "个别谈话" not in str(version.grid)
        assert version.grid["cells"][str(leader2.pk)]["2026-11-24"]["pm"] == ["忙碌"]


@pytest.mark.django_db
class TestKeyWorkSafeTwice:
    def make(self, clerk: User, **extra: Any) -> KeyWork:
        fields: dict[str, Any] = dict(
            title="经济工作会议", owner=clerk, start=soon(days=3), checklist=["讲话稿", "会场"], actor=clerk
        )
        return services.key_work_create(**(fields | extra))

    def test_a_start_in_the_past_is_refused(self, clerk: User) -> None:
        with pytest.raises(ValidationError, match="时间不能早于现在。"):
            self.make(clerk, start=soon(minutes=-5))
        assert not KeyWork.objects.exists()
        item = self.make(clerk)
        with pytest.raises(ValidationError, match="时间不能早于现在。"):
            services.key_work_reschedule(item=item, version=1, start=soon(days=-1), end=None, actor=clerk)
        item.refresh_from_db()
        assert item.version == 1
        assert item.start > timezone.now()

    def test_a_stale_reschedule_is_refused(self, clerk: User, director: User) -> None:
        item = self.make(clerk)
        services.key_work_reschedule(item=item, version=1, start=soon(days=4), end=None, actor=director)
        stale = KeyWork.objects.get(pk=item.pk)
        stale.version = 1
        with pytest.raises(ValidationError, match="已被他人修改"):
            services.key_work_reschedule(item=stale, version=1, start=soon(days=5), end=None, actor=clerk)
        item.refresh_from_db()
        assert item.version == 2
        assert item.start == soon(days=4)

    def test_edit_keeps_a_started_item_editable_unless_its_time_moves(self, clerk: User, leader: User) -> None:
        item = self.make(clerk)
        KeyWork.objects.filter(pk=item.pk).update(start=soon(hours=-1))  # it has begun
        item.refresh_from_db()
        fields: dict[str, Any] = dict(
            title="经济工作会议（扩大）", owner=clerk, leader=leader, remind_minutes=60, actor=clerk
        )
        services.key_work_update(item=item, version=1, start=item.start, add_checklist=["座签"], **fields)
        item.refresh_from_db()
        assert item.title == "经济工作会议（扩大）"
        assert item.version == 2
        assert [c.text for c in item.checklist.all()] == ["讲话稿", "会场", "座签"]
        with pytest.raises(ValidationError, match="时间不能早于现在"):
            services.key_work_update(item=item, version=2, start=soon(hours=-2), **fields)
        entry = AuditEntry.objects.get(action="key_work.update")
        assert entry.data["before"] == {"title": "经济工作会议", "leader": None}

    def test_completing_with_open_steps_lists_them_first(self, clerk: User) -> None:
        item = self.make(clerk)
        with pytest.raises(NeedsConfirmation) as caught:
            services.key_work_complete(item=item, actor=clerk)
        assert caught.value.heading == "还有 2 项准备事项未完成："
        assert [m.label for m in caught.value.matches] == ["讲话稿", "会场"]
        assert not KeyWork.objects.get(pk=item.pk).done
        services.key_work_complete(item=item, confirm_open=True, actor=clerk)
        assert KeyWork.objects.get(pk=item.pk).done

    def test_completing_twice_says_who_did_it(self, clerk: User, director: User) -> None:
        item = self.make(clerk, checklist=[])
        services.key_work_complete(item=item, actor=director)
        with pytest.raises(ValidationError, match=r"已由 黄主任 于 \d+月\d+日 \d\d:\d\d 标记完成"):
            services.key_work_complete(item=item, actor=clerk)
        item.refresh_from_db()
        assert item.done_by == director
        assert AuditEntry.objects.filter(action="key_work.complete").count() == 1
        with pytest.raises(ValidationError, match="标记完成，不能再修改"):
            services.key_work_reschedule(item=item, version=item.version, start=soon(days=9), end=None, actor=clerk)

    def test_a_tick_carries_the_state_meant(self, clerk: User, director: User) -> None:
        step = self.make(clerk).checklist.first()
        assert step is not None
        services.check_item_set(item=step, done=True, actor=director)
        with pytest.raises(ValidationError, match=r"该事项已由 黄主任 于 \d+月\d+日 \d\d:\d\d 标记完成。"):
            services.check_item_set(item=step, done=True, actor=clerk)
        step.refresh_from_db()
        assert step.done_by == director
        services.check_item_set(item=step, done=False, actor=clerk)
        with pytest.raises(ValidationError, match="已被取消完成"):
            services.check_item_set(item=step, done=False, actor=director)
        assert AuditEntry.objects.filter(action="key_work.check").count() == 2

    def test_reminders_read_in_days_and_hours(self) -> None:
        assert KeyWork(remind_minutes=4320).remind_label == "提前 3 天"
        assert KeyWork(remind_minutes=60).remind_label == "提前 1 小时"
        assert KeyWork(remind_minutes=1530).remind_label == "提前 1 天 1 小时 30 分钟"
