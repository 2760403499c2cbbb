"""Supervision's follow-up: default deadlines from the administrator's table, extensions, the escalation
ladder, stalling, report cycles, the feedback report and the leader's comment, and the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.core.files import Upload
from shuniu.core.models import Clearance, InboxItem, Role, Unit, UnitKind, User
from shuniu.core.testing import at_once, make_unit, make_user
from shuniu.core.workcal import WorkingCalendar
from shuniu.supervision import selectors, services
from shuniu.supervision.flow import MATTER_FLOW
from shuniu.supervision.models import (
    Assignment,
    Cycle,
    Escalation,
    Extension,
    ExtensionStatus,
    Level,
    Matter,
    Source,
    Status,
    TimeLimit,
    Urgency,
)
from shuniu.supervision.selectors import figures, matter_light, stalled, suggested_level

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def supervisor(db: None) -> User:
    return make_user("supervisor", [Role.SUPERVISOR], full_name="赵督查", unit=make_unit("督查室", UnitKind.SECTION))


@pytest.fixture
def finance(db: None) -> Unit:
    return make_unit("县财政局")


def under_way(
    supervisor: User,
    liaison: User,
    leader: User,
    *,
    deadline: dt.datetime | None,
    now: dt.datetime,
    cycle: str = Cycle.NONE,
    unit: Unit | None = None,
    title: str = "冬季供暖保障",
) -> tuple[Matter, Assignment]:
    matter = services.matter_register(
        actor=supervisor,
        source=Source.INSTRUCTION,
        title=title,
        content="确保供暖。",
        lead_unit=unit or liaison.unit or make_unit(),
        instructing_leader=leader,
        deadline=deadline,
        cycle=cycle,
        now=now,
    )
    lead = Assignment.objects.get(matter=matter)
    services.assignment_sign(assignment=lead, actor=liaison, at=now)
    matter.refresh_from_db()
    return matter, lead


def open_categories(user: User) -> list[str]:
    return sorted(InboxItem.objects.filter(recipient=user, done_at__isnull=True).values_list("category", flat=True))


@pytest.mark.django_db
def test_the_administrators_table_sets_the_default_deadline() -> None:
    calendar = WorkingCalendar.load()
    start = at(dt.date(2026, 11, 2))  # a Monday
    assert timezone.localtime(
        selectors.default_deadline(Source.INSTRUCTION, Urgency.NORMAL, start, calendar)
    ).date() == dt.date(2026, 11, 17)  # 15 days: Nov 17 (a Tuesday)
    TimeLimit.objects.filter(source=Source.INSTRUCTION).update(normal=10, urgent=1)
    assert timezone.localtime(
        selectors.default_deadline(Source.INSTRUCTION, Urgency.NORMAL, start, calendar)
    ).date() == dt.date(2026, 11, 12)
    assert timezone.localtime(
        selectors.default_deadline(Source.INSTRUCTION, Urgency.URGENT, start, calendar)
    ).date() == dt.date(2026, 11, 3)
    # superior's assignment (a document's matter): 30 days, as seeded
    assert timezone.localtime(
        selectors.default_deadline(Source.SUPERIOR, Urgency.NORMAL, start, calendar)
    ).date() == dt.date(2026, 12, 2)


@pytest.mark.django_db
class TestExtension:
    def test_asked_before_the_deadline_then_approved_with_a_new_date(
        self, supervisor: User, liaison: User, leader: User
    ) -> None:
        now = timezone.now()
        matter, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=5), now=now)
        old = matter.deadline
        assert old is not None
        extension = services.extension_request(
            assignment=lead,
            actor=liaison,
            reason="资金待常委会研究",
            expected=old + dt.timedelta(days=10),
            progress="已完成六成",
        )
        assert open_categories(supervisor) == ["延期申请待审批"]
        with pytest.raises(ValidationError, match="审批中"):
            services.extension_request(
                assignment=lead, actor=liaison, reason="再申请", expected=old + dt.timedelta(days=20), progress="同上"
            )
        with pytest.raises(ValidationError, match="晚于原时限"):
            services.extension_decide(extension=extension, actor=supervisor, approve=True, new_deadline=old)
        with pytest.raises(ValidationError, match="督查人员"):
            services.extension_decide(
                extension=extension, actor=liaison, approve=True, new_deadline=old + dt.timedelta(days=7)
            )
        services.extension_decide(
            extension=extension, actor=supervisor, approve=True, new_deadline=old + dt.timedelta(days=7)
        )
        matter.refresh_from_db()
        extension.refresh_from_db()
        assert matter.deadline == old + dt.timedelta(days=7)
        assert matter.original_deadline == old  # the old deadline stays
        assert matter.measured_deadline == matter.deadline  # asked in time: on time is measured by the new one
        assert extension.old_deadline == old
        assert extension.status == ExtensionStatus.APPROVED
        assert open_categories(supervisor) == []
        with pytest.raises(ValidationError, match="不能重复审批"):
            services.extension_decide(extension=extension, actor=supervisor, approve=False, answer="不同意")
        assert AuditEntry.objects.filter(action="extension.approve").count() == 1

    def test_refused_needs_a_reason_and_leaves_the_deadline(
        self, supervisor: User, liaison: User, leader: User
    ) -> None:
        now = timezone.now()
        matter, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=5), now=now)
        assert matter.deadline is not None
        extension = services.extension_request(
            assignment=lead,
            actor=liaison,
            reason="人手不足",
            expected=matter.deadline + dt.timedelta(days=3),
            progress="五成",
        )
        with pytest.raises(ValidationError, match="说明理由"):
            services.extension_decide(extension=extension, actor=supervisor, approve=False)
        services.extension_decide(
            extension=extension, actor=supervisor, approve=False, answer="时限为县委确定，不能延期"
        )
        deadline = matter.deadline
        matter.refresh_from_db()
        assert matter.deadline == deadline
        assert Extension.objects.get().status == ExtensionStatus.REFUSED

    def test_asked_after_the_deadline_it_is_marked_late_and_cannot_rescue_the_figures(
        self, supervisor: User, liaison: User, leader: User
    ) -> None:
        start = timezone.now() - dt.timedelta(days=20)
        matter, lead = under_way(supervisor, liaison, leader, deadline=start + dt.timedelta(days=15), now=start)
        missed = matter.deadline
        assert missed is not None
        with pytest.raises(ValidationError, match="晚于现在"):
            services.extension_request(
                assignment=lead, actor=liaison, reason="x", expected=missed + dt.timedelta(days=1), progress="八成"
            )
        extension = services.extension_request(
            assignment=lead,
            actor=liaison,
            reason="设备到货延误",
            expected=timezone.now() + dt.timedelta(days=3),
            progress="八成",
        )
        assert extension.late
        new = timezone.now() + dt.timedelta(days=3)
        services.extension_decide(extension=extension, actor=supervisor, approve=True, new_deadline=new)
        matter.refresh_from_db()
        assert matter.deadline == new  # the unit works to the new date (lights, reminders)
        assert matter.measured_deadline == missed  # the figures still count the deadline it missed

    def test_a_co_units_liaison_cannot_ask(self, supervisor: User, liaison: User, leader: User) -> None:
        now = timezone.now()
        _, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=9), now=now)
        other = make_user("other", [Role.LIAISON], unit=make_unit("石门乡", UnitKind.TOWNSHIP))
        with pytest.raises(ValidationError, match="主办单位联络员"):
            services.extension_request(
                assignment=lead, actor=other, reason="x", expected=now + dt.timedelta(days=30), progress="x"
            )
        assert not Extension.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_one_request_at_once_decide_it_once(
    supervisor: User, director: User, liaison: User, leader: User
) -> None:
    now = timezone.now()
    matter, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=5), now=now)
    assert matter.deadline is not None
    extension = services.extension_request(
        assignment=lead, actor=liaison, reason="资金", expected=matter.deadline + dt.timedelta(days=9), progress="六成"
    )
    new = matter.deadline + dt.timedelta(days=9)
    results = at_once(
        lambda: services.extension_decide(extension=extension, actor=supervisor, approve=True, new_deadline=new),
        lambda: services.extension_decide(extension=extension, actor=director, approve=False, answer="不同意"),
    )
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert AuditEntry.objects.filter(action__startswith="extension.").exclude(action="extension.request").count() == 1


@pytest.mark.django_db
class TestLadder:
    def test_the_level_follows_the_light_and_red_is_copied_to_director_and_leader(
        self, supervisor: User, director: User, liaison: User, leader: User
    ) -> None:
        calendar = WorkingCalendar.load()
        monday = dt.date(2026, 11, 2)
        matter, lead = under_way(supervisor, liaison, leader, deadline=at(dt.date(2026, 11, 13), 18), now=at(monday))
        assert suggested_level(matter, at(monday), calendar) == ""
        assert suggested_level(matter, at(dt.date(2026, 11, 10)), calendar) == Level.BLUE  # 3 working days left
        assert suggested_level(matter, at(dt.date(2026, 11, 16)), calendar) == Level.RED
        services.escalation_issue(
            matter=matter, assignment=lead, actor=supervisor, level=Level.BLUE, text="请抓紧办理，按期报告。"
        )
        assert open_categories(liaison) == ["蓝色提示单"]
        assert open_categories(director) == []
        assert open_categories(leader) == []
        red = services.escalation_issue(
            matter=matter, assignment=lead, actor=supervisor, level=Level.RED, text="已逾期，请立即办结并书面说明。"
        )
        assert red.copied_to == "黄主任、领导1"
        assert open_categories(director) == ["红色警示单（抄送）"]
        assert open_categories(leader) == ["红色警示单（抄送）"]
        with pytest.raises(ValidationError, match="督查人员"):
            services.escalation_issue(matter=matter, assignment=lead, actor=liaison, level=Level.RED, text="x")
        with pytest.raises(ValidationError, match="督办要求"):
            services.escalation_issue(matter=matter, assignment=lead, actor=supervisor, level=Level.RED, text="  ")
        assert Escalation.objects.count() == 2

    def test_a_stalling_unit_is_seen_and_reported_to_the_leaders(
        self, supervisor: User, director: User, liaison: User, leader: User
    ) -> None:
        calendar = WorkingCalendar.load()
        matter, lead = under_way(
            supervisor, liaison, leader, deadline=at(dt.date(2026, 11, 6), 18), now=at(dt.date(2026, 11, 2))
        )
        assert not stalled(matter, at(dt.date(2026, 11, 6)), calendar)  # no report yet, but not behind
        # Overdue from Friday 11月6日: five working days after it, silent, end on Friday the 13th.
        assert not stalled(matter, at(dt.date(2026, 11, 13)), calendar)
        assert stalled(matter, at(dt.date(2026, 11, 16)), calendar)
        assert suggested_level(matter, at(dt.date(2026, 11, 16)), calendar) == Level.LEADERS
        services.report_submit(assignment=lead, actor=liaison, text="正在办", percent=30, now=at(dt.date(2026, 11, 16)))
        matter.refresh_from_db()
        assert not stalled(matter, at(dt.date(2026, 11, 20)), calendar)  # a report restarts the count
        services.escalation_issue(
            matter=matter, assignment=lead, actor=supervisor, level=Level.LEADERS, text="财政局逾期且长期无进展"
        )
        assert open_categories(director) == ["督办事项停滞报告"]
        assert open_categories(leader) == ["督办事项停滞报告"]
        assert open_categories(liaison) == []  # the report goes to the leaders, not to the unit


@pytest.mark.django_db
def test_a_missed_report_cycle_turns_the_light_yellow(supervisor: User, liaison: User, leader: User) -> None:
    calendar = WorkingCalendar.load()
    start = at(dt.date(2026, 11, 2))
    matter, lead = under_way(supervisor, liaison, leader, deadline=None, cycle=Cycle.WEEKLY, now=start)
    assert matter_light(matter, at(dt.date(2026, 11, 6)), calendar) == "green"
    assert matter_light(matter, at(dt.date(2026, 11, 10)), calendar) == "yellow"  # a week without a report
    assert suggested_level(matter, at(dt.date(2026, 11, 10)), calendar) == Level.YELLOW
    services.report_submit(assignment=lead, actor=liaison, text="本周进展", percent=20, now=at(dt.date(2026, 11, 10)))
    matter.refresh_from_db()
    assert matter_light(matter, at(dt.date(2026, 11, 12)), calendar) == "green"


@pytest.mark.django_db
def test_a_report_carries_attachments_except_on_a_classified_matter(
    supervisor: User, liaison: User, leader: User
) -> None:
    now = timezone.now()
    matter, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=9), now=now)
    report = services.report_submit(
        assignment=lead, actor=liaison, text="附拨付凭证", percent=50, uploads=[Upload("凭证.png", PNG)]
    )
    assert [a.name for a in report.attachments.all()] == ["凭证.png"]
    Matter.objects.filter(pk=matter.pk).update(secrecy=Clearance.SECRET)
    with pytest.raises(ValidationError, match="涉密"):
        services.report_submit(assignment=lead, actor=liaison, text="x", percent=60, uploads=[Upload("a.png", PNG)])
    assert matter.reports.count() == 1


@pytest.mark.django_db
class TestFeedback:
    def close(self, supervisor: User, liaison: User, leader: User) -> Matter:
        now = timezone.now()
        matter, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=9), now=now)
        services.report_submit(assignment=lead, actor=liaison, text="已办结", percent=100, completion=True)
        services.matter_review(matter=matter, actor=supervisor, action="close")
        matter.refresh_from_db()
        return matter

    def test_the_leader_reads_the_feedback_and_asks_for_more_a_new_round(
        self, supervisor: User, liaison: User, leader: User, leader2: User
    ) -> None:
        matter = self.close(supervisor, liaison, leader)
        assert open_categories(leader) == ["督办反馈待阅示"]
        with pytest.raises(ValidationError, match="交办领导或分管领导"):
            services.comment_add(matter=matter, actor=leader2, text="继续", more=True)
        with pytest.raises(ValidationError, match="阅示意见"):
            services.comment_add(matter=matter, actor=leader, text=" ", more=True)
        services.comment_add(matter=matter, actor=leader, text="困难群众补贴还要跟踪到位", more=True)
        matter.refresh_from_db()
        assert (matter.status, matter.round, matter.closed_at, matter.completed_at) == (Status.ACTING, 2, None, None)
        assert matter.deadline is not None
        assert matter.deadline > timezone.now() + dt.timedelta(days=14)
        assert open_categories(leader) == []
        assert open_categories(liaison) == ["领导阅示要求继续办理"]
        assert [h.action for h in MATTER_FLOW.history(matter)][-2:] == ["close", "reopen"]
        with pytest.raises(ValidationError, match="办结后"):
            services.comment_add(matter=matter, actor=leader, text="再看", more=False)

    def test_a_comment_that_asks_nothing_more_leaves_it_closed(
        self, supervisor: User, liaison: User, leader: User
    ) -> None:
        matter = self.close(supervisor, liaison, leader)
        services.comment_add(matter=matter, actor=leader, text="办得好，阅。", more=False)
        matter.refresh_from_db()
        assert matter.status == Status.CLOSED
        assert matter.round == 1
        assert open_categories(leader) == []

    def test_send_back_reaches_the_lead_unit(self, supervisor: User, liaison: User, leader: User) -> None:
        now = timezone.now()
        matter, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=9), now=now)
        services.report_submit(assignment=lead, actor=liaison, text="已办结", percent=100, completion=True)
        services.matter_review(matter=matter, actor=supervisor, action="send_back", reason="缺少拨付凭证")
        assert open_categories(liaison) == ["督办事项退回重办"]
        services.report_submit(assignment=lead, actor=liaison, text="凭证已补", percent=100, completion=True)
        assert open_categories(liaison) == []


@pytest.mark.django_db
def test_figures_count_on_time_against_the_original_deadline_unless_extended(
    supervisor: User, liaison: User, leader: User, leader2: User
) -> None:
    township = make_unit("石门乡", UnitKind.TOWNSHIP)
    xz = make_user("xz", [Role.LIAISON], unit=township)
    start = at(dt.date(2026, 10, 1))
    deadline = at(dt.date(2026, 10, 20), 18)

    # 财政局: one on time; one completed late without an approved extension; one extended and on time.
    on_time, lead1 = under_way(supervisor, liaison, leader, deadline=deadline, now=start, title="一")
    late, lead2 = under_way(supervisor, liaison, leader, deadline=deadline, now=start, title="二")
    extended, lead3 = under_way(supervisor, liaison, leader, deadline=deadline, now=start, title="三")
    services.report_submit(
        assignment=lead1, actor=liaison, text="完", percent=100, completion=True, now=at(dt.date(2026, 10, 15))
    )
    services.report_submit(
        assignment=lead2, actor=liaison, text="完", percent=100, completion=True, now=at(dt.date(2026, 10, 25))
    )
    ext = services.extension_request(
        assignment=lead3,
        actor=liaison,
        reason="r",
        expected=at(dt.date(2026, 10, 28)),
        progress="p",
        now=at(dt.date(2026, 10, 18)),
    )
    services.extension_decide(
        extension=ext,
        actor=supervisor,
        approve=True,
        new_deadline=at(dt.date(2026, 10, 30), 18),
        now=at(dt.date(2026, 10, 19)),
    )
    services.report_submit(
        assignment=lead3, actor=liaison, text="完", percent=100, completion=True, now=at(dt.date(2026, 10, 27))
    )
    for m in (on_time, late, extended):
        services.matter_review(matter=m, actor=supervisor, action="close")
    # 石门乡: one still open past its deadline, instructed by another leader.
    under_way(supervisor, xz, leader2, deadline=deadline, now=start, unit=township, title="四")

    now = at(dt.date(2026, 11, 27))
    rows = {
        r.name: r
        for r in figures(supervisor, start=at(dt.date(2026, 10, 1), 0), end=at(dt.date(2026, 11, 1), 0), now=now)
    }
    cz, sm = rows["县财政局"], rows["石门乡"]
    assert (cz.registered, cz.due, cz.on_time, cz.late, cz.overdue_now, cz.extensions) == (3, 3, 2, 1, 0, 1)
    assert cz.rate == pytest.approx(2 / 3)
    assert (sm.registered, sm.due, sm.on_time, sm.late, sm.overdue_now) == (1, 1, 0, 1, 1)
    assert sm.rate == 0
    assert list(rows) == ["石门乡", "县财政局"]  # the units most behind first
    by_leader = {r.name: r for r in figures(supervisor, start=start, end=now, now=now, by="leader")}
    assert (by_leader["领导1"].due, by_leader["领导2"].due) == (3, 1)
    # a leader's figures cover only the matters they instructed
    assert [r.name for r in figures(leader2, start=start, end=now, now=now)] == ["石门乡"]


@pytest.mark.django_db
def test_an_objection_is_accepted_only_within_three_working_days(
    supervisor: User, liaison: User, leader: User, finance: Unit
) -> None:
    long_ago = timezone.now() - dt.timedelta(days=10)
    matter = services.matter_register(
        actor=supervisor,
        source=Source.INSTRUCTION,
        title="秸秆禁烧",
        content="加强巡查。",
        lead_unit=finance,
        instructing_leader=leader,
        deadline=timezone.now() + dt.timedelta(days=5),
        now=long_ago,
    )
    lead = Assignment.objects.get(matter=matter)
    with pytest.raises(ValidationError, match="3 个工作日内"):
        services.assignment_object(assignment=lead, actor=liaison, reason="属于农业农村局职责")
    lead.refresh_from_db()
    assert lead.objection == ""
    Assignment.objects.filter(pk=lead.pk).update(assigned_at=timezone.now())
    services.assignment_object(assignment=lead, actor=liaison, reason="属于农业农村局职责")
    lead.refresh_from_db()
    assert lead.objection == "属于农业农村局职责"


@pytest.mark.django_db
class TestReviewFindings:
    """What the section's first review found, each kept from coming back."""

    def test_a_second_request_after_a_late_approval_is_still_late(
        self, supervisor: User, liaison: User, leader: User
    ) -> None:
        start = timezone.now() - dt.timedelta(days=20)
        matter, lead = under_way(supervisor, liaison, leader, deadline=start + dt.timedelta(days=15), now=start)
        first = services.extension_request(
            assignment=lead, actor=liaison, reason="迟", expected=timezone.now() + dt.timedelta(days=3), progress="八成"
        )
        services.extension_decide(
            extension=first, actor=supervisor, approve=True, new_deadline=timezone.now() + dt.timedelta(days=3)
        )
        second = services.extension_request(
            assignment=lead,
            actor=liaison,
            reason="再迟",
            expected=timezone.now() + dt.timedelta(days=9),
            progress="九成",
        )
        assert second.late  # still past the deadline the figures count
        services.extension_decide(
            extension=second, actor=supervisor, approve=True, new_deadline=timezone.now() + dt.timedelta(days=9)
        )
        missed = matter.measured_deadline
        matter.refresh_from_db()
        assert matter.measured_deadline == missed

    def test_reported_on_time_counts_on_time_before_the_review(
        self, supervisor: User, liaison: User, leader: User
    ) -> None:
        start = at(dt.date(2026, 10, 1))
        matter, lead = under_way(supervisor, liaison, leader, deadline=at(dt.date(2026, 10, 20), 18), now=start)
        services.report_submit(
            assignment=lead, actor=liaison, text="完", percent=100, completion=True, now=at(dt.date(2026, 10, 19))
        )
        row = figures(supervisor, start=start, end=at(dt.date(2026, 11, 1)), now=at(dt.date(2026, 10, 25)))[0]
        assert (row.due, row.on_time, row.late) == (1, 1, 0)
        calendar = WorkingCalendar.load()
        matter.refresh_from_db()
        assert matter_light(matter, at(dt.date(2026, 10, 25)), calendar) is None  # not red while awaiting review

    def test_the_new_rounds_item_is_done_when_the_unit_reports(
        self, supervisor: User, liaison: User, leader: User
    ) -> None:
        now = timezone.now()
        matter, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=9), now=now)
        services.report_submit(assignment=lead, actor=liaison, text="完", percent=100, completion=True)
        services.matter_review(matter=matter, actor=supervisor, action="close")
        services.comment_add(matter=matter, actor=leader, text="还要回访", more=True)
        assert open_categories(liaison) == ["领导阅示要求继续办理"]
        services.report_submit(assignment=lead, actor=liaison, text="已回访 3 户", percent=30)
        assert open_categories(liaison) == []
        assert open_categories(supervisor) == []

    def test_the_feedback_reaches_both_leaders_and_each_answers_for_themselves(
        self, supervisor: User, liaison: User, leader: User, leader2: User
    ) -> None:
        now = timezone.now()
        matter = services.matter_register(
            actor=supervisor,
            source=Source.INSTRUCTION,
            title="秸秆禁烧",
            content="巡查。",
            lead_unit=make_unit(),
            instructing_leader=leader,
            leader_in_charge=leader2,
            deadline=now + dt.timedelta(days=9),
        )
        lead = Assignment.objects.get(matter=matter)
        services.assignment_sign(assignment=lead, actor=liaison)
        services.report_submit(assignment=lead, actor=liaison, text="完", percent=100, completion=True)
        services.matter_review(matter=matter, actor=supervisor, action="close")
        assert open_categories(leader) == open_categories(leader2) == ["督办反馈待阅示"]
        services.comment_add(matter=matter, actor=leader2, text="阅。", more=False)
        assert open_categories(leader) == ["督办反馈待阅示"]
        assert open_categories(leader2) == []

    def test_a_pending_extension_is_withdrawn_when_completion_is_reported(
        self, supervisor: User, liaison: User, leader: User
    ) -> None:
        now = timezone.now()
        matter, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=5), now=now)
        assert matter.deadline is not None
        services.extension_request(
            assignment=lead, actor=liaison, reason="r", expected=matter.deadline + dt.timedelta(days=5), progress="p"
        )
        services.report_submit(assignment=lead, actor=liaison, text="提前办完", percent=100, completion=True)
        assert Extension.objects.get().status == ExtensionStatus.WITHDRAWN
        assert open_categories(supervisor) == ["办结报告待复核"]

    def test_the_same_chase_notice_or_comment_twice_is_refused(
        self, supervisor: User, liaison: User, leader: User
    ) -> None:
        now = timezone.now()
        matter, lead = under_way(supervisor, liaison, leader, deadline=now + dt.timedelta(days=5), now=now)
        services.chase_record(matter=matter, actor=supervisor, method="phone", reached="王科长", outcome="周五前报")
        with pytest.raises(ValidationError, match="请勿重复"):
            services.chase_record(matter=matter, actor=supervisor, method="phone", reached="王科长", outcome="周五前报")
        services.escalation_issue(matter=matter, assignment=lead, actor=supervisor, level=Level.BLUE, text="请抓紧")
        with pytest.raises(ValidationError, match="请勿重复"):
            services.escalation_issue(matter=matter, assignment=lead, actor=supervisor, level=Level.BLUE, text="请抓紧")
        services.report_submit(assignment=lead, actor=liaison, text="完", percent=100, completion=True)
        services.matter_review(matter=matter, actor=supervisor, action="close")
        services.comment_add(matter=matter, actor=leader, text="阅。", more=False)
        with pytest.raises(ValidationError, match="请勿重复"):
            services.comment_add(matter=matter, actor=leader, text="阅。", more=False)
        assert (matter.chases.count(), matter.escalations.count(), matter.comments.count()) == (1, 1, 1)

    def test_a_classified_matter_reaches_only_cleared_people(
        self, supervisor: User, liaison: User, leader: User, finance: Unit
    ) -> None:
        from shuniu.core.models import Notification

        cleared = make_user("cleared", [Role.LIAISON], unit=finance, clearance=Clearance.SECRET)
        matter = services.matter_register(
            actor=supervisor,
            source=Source.INSTRUCTION,
            title="涉密事项的标题",
            content="x",
            lead_unit=finance,
            instructing_leader=leader,
            deadline=timezone.now() + dt.timedelta(days=5),
        )
        Matter.objects.filter(pk=matter.pk).update(secrecy=Clearance.SECRET)
        matter.refresh_from_db()
        InboxItem.objects.all().delete()
        Notification.objects.all().delete()  # registered as open; classified from here on
        services.escalation_issue(
            matter=matter,
            assignment=Assignment.objects.get(matter=matter),
            actor=supervisor,
            level=Level.BLUE,
            text="请抓紧",
        )
        assert open_categories(liaison) == []  # not cleared: not told
        assert open_categories(cleared) == ["蓝色提示单"]
        assert not Notification.objects.filter(title__contains="涉密事项的标题").exists()  # by number only
