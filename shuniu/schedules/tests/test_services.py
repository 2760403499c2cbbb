import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.core.models import Notification, SentReminder
from shuniu.core.reminders import reminders_run
from shuniu.core.workcal import WorkingCalendar
from shuniu.schedules import services
from shuniu.schedules.models import Engagement, WeeklyPlanVersion
from shuniu.schedules.reminders import key_work_due, reminder_key
from shuniu.schedules.selectors import grid_changes, weekly_grid
from shuniu.schedules.tasks import send_due_reminders

from .conftest import YEAR, at

MONDAY = dt.date(2026, 11, 23)


@pytest.mark.django_db
class TestEngagements:
    def test_create_writes_an_audit_entry(self, leader, engage):
        engagement = engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10))
        assert AuditEntry.objects.filter(action="engagement.create", object_id=str(engagement.pk)).exists()

    def test_overlap_needs_confirmation_and_saves_nothing_without_it(self, leader, engage):
        first = engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 11))
        with pytest.raises(services.OverlapNeedsConfirmation) as caught:
            engage(leader, at(2026, 11, 24, 10), at(2026, 11, 24, 12), title="另一个会")
        assert caught.value.conflicts == [first]
        assert "时间重叠" in caught.value.messages[0]
        assert Engagement.objects.count() == 1
        engage(leader, at(2026, 11, 24, 10), at(2026, 11, 24, 12), title="另一个会", confirm_overlap=True)
        assert Engagement.objects.count() == 2

    def test_touching_engagements_do_not_overlap(self, leader, engage):
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
    def test_bad_spans_are_refused(self, leader, engage, start, end, message):
        with pytest.raises(ValidationError, match=message):
            engage(leader, start, end)
        assert not Engagement.objects.exists()

    def test_only_leaders_have_engagements(self, clerk, engage):
        with pytest.raises(ValidationError, match="不是县领导"):
            engage(clerk, at(2026, 11, 24, 9), at(2026, 11, 24, 10))

    def test_a_stale_edit_is_refused(self, leader, engage, clerk):
        engagement = engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10))
        fields = dict(kind="meeting", start=engagement.start, end=engagement.end, actor=clerk)
        services.engagement_update(engagement=engagement, version=1, title="改一", **fields)
        with pytest.raises(ValidationError, match="已被他人修改"):
            services.engagement_update(engagement=engagement, version=1, title="改二", **fields)
        engagement.refresh_from_db()
        assert engagement.title == "改一" and engagement.version == 2


@pytest.mark.django_db
class TestWeeklyPlan:
    def test_grid_places_engagements_in_half_days(self, leader, leader2, engage):
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        engage(leader2, at(2026, 11, 25, 8), at(2026, 11, 27, 18), kind="trip", title="赴省城")
        grid = weekly_grid(MONDAY, viewer=None)
        cells = grid["cells"]
        assert cells[str(leader.pk)]["2026-11-24"] == {"am": ["09:00 常委会"], "pm": []}
        trip = cells[str(leader2.pk)]
        assert all(trip[day][half] for day in ["2026-11-25", "2026-11-26", "2026-11-27"] for half in ["am", "pm"])
        assert "外出：赴省城" in trip["2026-11-26"]["am"][0]
        assert trip["2026-11-28"] == {"am": [], "pm": []}

    def test_confidential_shows_as_busy_to_staff_but_not_to_editors(self, leader, engage, clerk):
        engage(leader, at(2026, 11, 24, 15), at(2026, 11, 24, 16), title="专题会", confidential=True)
        assert weekly_grid(MONDAY, viewer=None)["cells"][str(leader.pk)]["2026-11-24"]["pm"] == ["忙碌"]
        assert weekly_grid(MONDAY, viewer=clerk)["cells"][str(leader.pk)]["2026-11-24"]["pm"] == ["15:00 专题会"]
        assert weekly_grid(MONDAY, viewer=leader)["cells"][str(leader.pk)]["2026-11-24"]["pm"] == ["15:00 专题会"]

    def test_publish_freezes_and_later_edits_show_as_changes(self, leader, engage, clerk):
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        version = services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        assert version.number == 1
        engage(leader, at(2026, 11, 26, 15), at(2026, 11, 26, 16), title="新增会议")
        changes = grid_changes(weekly_grid(MONDAY, viewer=None), version.grid)
        assert changes == {f"{leader.pk}|2026-11-26|pm": []}
        version.refresh_from_db()
        assert "新增会议" not in str(version.grid)
        assert services.weekly_plan_publish(week_start=MONDAY, actor=clerk).number == 2

    def test_publishing_an_unchanged_week_is_refused(self, leader, clerk):
        services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        with pytest.raises(ValidationError, match="没有变化"):
            services.weekly_plan_publish(week_start=MONDAY, actor=clerk)
        assert WeeklyPlanVersion.objects.count() == 1

    def test_a_week_starts_on_monday(self, clerk):
        with pytest.raises(ValidationError, match="星期一"):
            services.weekly_plan_publish(week_start=dt.date(2026, 11, 24), actor=clerk)


@pytest.mark.django_db
class TestReminders:
    def make(self, clerk, leader, start=None, minutes=60):
        return services.key_work_create(
            title="经济工作会议",
            owner=clerk,
            leader=leader,
            start=start or at(YEAR, 12, 1, 9),
            remind_minutes=minutes,
            checklist=["讲话稿", "会场", ""],
            actor=clerk,
        )

    def send(self, now):
        return reminders_run(now=now, sources=["shuniu.schedules.reminders.key_work_due"])

    def test_reminders_for_owner_and_leader(self, clerk, leader):
        item = self.make(clerk, leader)
        assert item.checklist.count() == 2
        due = list(key_work_due(at(YEAR, 12, 1, 8), WorkingCalendar.load()))
        assert {d.recipient.pk for d in due} == {clerk.pk, leader.pk}
        assert list(key_work_due(at(YEAR, 12, 1, 7, 59), WorkingCalendar.load())) == []

    def test_nothing_is_sent_before_time(self, clerk, leader):
        self.make(clerk, leader)
        assert self.send(at(YEAR, 12, 1, 7, 59)) == 0
        assert not Notification.objects.exists()

    def test_each_reminder_is_sent_exactly_once(self, clerk, leader):
        self.make(clerk, leader)
        assert self.send(at(YEAR, 12, 1, 8)) == 2
        # The worker restarts and runs again: nothing more goes out.
        assert self.send(at(YEAR, 12, 1, 8, 1)) == 0
        assert self.send(at(YEAR, 12, 2)) == 0
        titles = list(Notification.objects.values_list("recipient_id", "title"))
        assert sorted(r for r, _ in titles) == sorted([clerk.pk, leader.pk])
        assert all("经济工作会议" in t and "12月01日 09:00" in t for _, t in titles)

    def test_a_reminder_already_claimed_elsewhere_is_not_sent_again(self, clerk, leader):
        item = self.make(clerk, leader)
        # Another worker claimed one of them between our read and our claim.
        SentReminder.objects.create(key=reminder_key(item), recipient=clerk)
        assert self.send(at(YEAR, 12, 1, 8)) == 1
        assert Notification.objects.get().recipient == leader

    def test_rescheduling_reminds_for_the_new_time(self, clerk, leader):
        item = self.make(clerk, leader)
        assert self.send(at(YEAR, 12, 1, 8, 30)) == 2
        services.key_work_reschedule(item=item, version=item.version, start=at(YEAR, 12, 3, 9), end=None, actor=clerk)
        assert self.send(at(YEAR, 12, 1, 9)) == 0
        assert self.send(at(YEAR, 12, 3, 8)) == 2

    def test_completed_or_started_work_sends_no_reminder(self, clerk, leader):
        item = self.make(clerk, leader)
        assert self.send(at(YEAR, 12, 1, 9, 1)) == 0  # it has begun: too late to prepare
        services.key_work_complete(item=item, confirm_open=True, actor=clerk)
        assert self.send(at(YEAR, 12, 1, 8, 30)) == 0

    def test_the_periodic_task_sends_due_reminders(self, clerk, leader):
        self.make(clerk, leader, start=timezone.now() + dt.timedelta(minutes=30))
        assert send_due_reminders.call_local() == 2
        assert send_due_reminders.call_local() == 0

    def test_bad_key_work_is_refused(self, clerk, leader):
        with pytest.raises(ValidationError, match="结束时间"):
            services.key_work_create(
                title="x", owner=clerk, start=at(YEAR, 12, 1, 9), end=at(YEAR, 12, 1, 8), actor=clerk
            )
        with pytest.raises(ValidationError, match="不是县领导"):
            services.key_work_create(title="x", owner=clerk, leader=clerk, start=at(YEAR, 12, 1, 9), actor=clerk)
