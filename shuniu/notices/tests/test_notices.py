"""Phone notices: the read-back rule, the hold on a unit being called, a change after calls began, who sees
and does what, and bad input refused in Chinese with nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import InboxItem, Role, Unit, UnitKind, User
from shuniu.core.testing import at_once, client_for, make_unit, make_user
from shuniu.notices import selectors, services
from shuniu.notices.models import Attempt, Change, Fact, Notice, Recipient, State, Status
from shuniu.notices.services import Heard

FACTS = [Fact.TIME, Fact.PLACE, Fact.ATTENDEES]


@pytest.fixture
def townships(db: None) -> list[Unit]:
    return [make_unit(name, UnitKind.TOWNSHIP) for name in ("城关镇", "东山镇", "石门乡")]


@pytest.fixture
def notice(clerk: User, townships: list[Unit]) -> Notice:
    return services.notice_create(
        actor=clerk,
        subject="召开森林防火工作会议",
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="县委大楼三楼第一会议室",
        attendees="各乡镇分管副乡镇长",
        facts=FACTS,
        units=townships,
    )


def row(notice: Notice, name: str) -> Recipient:
    return notice.recipients.get(unit__name=name)


def dial(*, recipient: Recipient, actor: User, now: dt.datetime | None = None, **call: Any) -> Recipient:
    """Take the unit (拨打), then record the call, as the sheet and the call page do."""
    services.recipient_hold(recipient=recipient, actor=actor, now=now)
    return services.recipient_call(recipient=recipient, actor=actor, now=now, **call)


def all_right(notice: Notice) -> dict[str, Heard]:
    return {f: Heard(True) for f in notice.facts}


@pytest.mark.django_db
class TestReadBack:
    def test_confirmed_only_when_every_fact_ends_up_right(self, notice: Notice, clerk: User) -> None:
        wrong_then_fixed = {**all_right(notice), Fact.TIME: Heard(False, "下午 9 点", fixed=True)}
        done = dial(
            recipient=row(notice, "城关镇"),
            actor=clerk,
            outcome="reached",
            taken_by="值班员",
            readback=wrong_then_fixed,
        )
        assert done.state == State.CONFIRMED
        assert Attempt.objects.get(recipient=done).errors == 1  # the error caught is counted
        left_wrong = {**all_right(notice), Fact.PLACE: Heard(False, "县政府三楼")}
        told = dial(
            recipient=row(notice, "东山镇"), actor=clerk, outcome="reached", taken_by="值班员", readback=left_wrong
        )
        assert told.state == State.NOTIFIED
        figures = selectors.notice_figures(notice)
        assert figures.errors == 2
        assert sorted(figures.errors_units) == sorted(["城关镇", "东山镇"])

    def test_an_unticked_fact_or_an_unsaid_error_is_refused_and_changes_nothing(
        self, notice: Notice, clerk: User
    ) -> None:
        target = row(notice, "城关镇")
        unticked: dict[str, Heard] = {Fact.TIME: Heard(True), Fact.PLACE: Heard(True)}
        with pytest.raises(ValidationError, match="参加人员"):
            dial(recipient=target, actor=clerk, outcome="reached", taken_by="值班员", readback=unticked)
        unsaid = {**all_right(notice), Fact.TIME: Heard(False, "")}
        with pytest.raises(ValidationError, match="说成了什么"):
            dial(recipient=target, actor=clerk, outcome="reached", taken_by="值班员", readback=unsaid)
        with pytest.raises(ValidationError, match="接听人"):
            dial(recipient=target, actor=clerk, outcome="reached", readback=all_right(notice))
        target.refresh_from_db()
        assert (target.state, target.tries) == (State.PENDING, 0)
        assert not Attempt.objects.exists()

    def test_no_answer_is_retried_and_the_last_confirmation_closes_the_notice(
        self, notice: Notice, clerk: User
    ) -> None:
        now = timezone.now()
        missed = dial(recipient=row(notice, "石门乡"), actor=clerk, outcome="no_answer", now=now)
        assert missed.state == State.NO_ANSWER
        assert missed.retry_at == now + services.RETRY_AFTER
        assert selectors.progress(notice, now + dt.timedelta(minutes=16)).retry_due == 1
        for name in ("城关镇", "东山镇", "石门乡"):
            dial(
                recipient=row(notice, name),
                actor=clerk,
                outcome="reached",
                taken_by="值班员",
                readback=all_right(notice),
            )
        notice.refresh_from_db()
        assert notice.status == Status.DONE
        assert row(notice, "石门乡").tries == 2


@pytest.mark.django_db
def test_a_unit_being_called_is_held_by_its_caller(notice: Notice, clerk: User, director: User) -> None:
    target = row(notice, "城关镇")
    now = timezone.now()
    services.recipient_hold(recipient=target, actor=clerk, now=now)
    with pytest.raises(ValidationError, match="王文书正在拨打城关镇"):
        services.recipient_hold(recipient=target, actor=director, now=now + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="正在拨打"):
        services.recipient_call(
            recipient=target, actor=director, outcome="no_answer", now=now + dt.timedelta(minutes=1)
        )
    services.recipient_hold(recipient=target, actor=director, now=now + dt.timedelta(minutes=11))  # the hold lapsed
    target.refresh_from_db()
    assert target.held_by == director
    page = client_for(clerk).get(reverse("notices:detail", args=[notice.pk])).text
    assert "黄主任 正在拨打" in page


@pytest.mark.django_db
def test_a_change_after_calls_began_sends_the_reached_units_back(
    notice: Notice, clerk: User, townships: list[Unit]
) -> None:
    liaison = make_user("cg", [Role.LIAISON], unit=townships[0])
    dial(recipient=row(notice, "城关镇"), actor=clerk, outcome="reached", taken_by="值班员", readback=all_right(notice))
    dial(recipient=row(notice, "东山镇"), actor=clerk, outcome="no_answer")
    assert not InboxItem.objects.filter(recipient=liaison, done_at__isnull=True).exists()
    later = notice.starts_at + dt.timedelta(hours=5)
    services.notice_change(notice=notice, actor=clerk, starts_at=later, place=notice.place)
    notice.refresh_from_db()
    assert notice.version == 2
    assert row(notice, "城关镇").state == State.RECALL
    assert row(notice, "东山镇").state == State.NO_ANSWER
    assert row(notice, "石门乡").state == State.PENDING
    change = Change.objects.get()
    assert change.what.startswith("时间 由 ")
    assert InboxItem.objects.filter(recipient=liaison, done_at__isnull=True).exists()  # told again
    assert "第 2 版变更" in client_for(clerk).get(reverse("notices:detail", args=[notice.pk])).text
    with pytest.raises(ValidationError, match="没有变化"):
        services.notice_change(notice=notice, actor=clerk, starts_at=later, place=notice.place)


@pytest.mark.django_db
def test_a_change_before_anyone_was_called_is_no_new_version(notice: Notice, clerk: User) -> None:
    services.notice_change(notice=notice, actor=clerk, starts_at=notice.starts_at, place="县委大楼一楼报告厅")
    notice.refresh_from_db()
    assert (notice.version, notice.place) == (1, "县委大楼一楼报告厅")
    assert not Change.objects.exists()


@pytest.mark.django_db
def test_a_liaison_sees_and_confirms_only_their_own_unit(
    notice: Notice, clerk: User, townships: list[Unit], outsider: User, auditor: User
) -> None:
    liaison = make_user("cg", [Role.LIAISON], unit=townships[0])
    other = services.notice_create(
        actor=clerk,
        subject="另一通知",
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="县政府",
        attendees="各部门主要负责人",
        facts=FACTS,
        units=[make_unit("县财政局")],
    )
    client = client_for(liaison)
    listed = client.get(reverse("notices:list")).text
    assert notice.number in listed
    assert other.number not in listed
    assert client.get(reverse("notices:detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("notices:detail", args=[notice.pk])).text
    assert "东山镇" not in page  # their own row only
    mine = row(notice, "城关镇")
    theirs = row(notice, "东山镇")
    assert client.post(reverse("notices:hold", args=[notice.pk, mine.pk])).status_code == 403
    assert client.post(reverse("notices:confirm", args=[notice.pk, theirs.pk]), {"ticked": FACTS}).status_code == 404
    client.post(reverse("notices:confirm", args=[notice.pk, mine.pk]), {"ticked": FACTS[:2]})  # one unticked
    mine.refresh_from_db()
    assert mine.state == State.PENDING
    client.post(reverse("notices:confirm", args=[notice.pk, mine.pk]), {"ticked": FACTS})
    mine.refresh_from_db()
    assert mine.state == State.CONFIRMED
    assert Attempt.objects.get(recipient=mine).channel == "screen"
    for user in (auditor,):
        assert client_for(user).get(reverse("notices:list")).status_code == 403
        assert client_for(user).get(reverse("notices:detail", args=[notice.pk])).status_code == 403
    assert client_for(outsider).get(reverse("notices:detail", args=[other.pk])).status_code == 404
    assert client_for(liaison).get(reverse("notices:sheet_pdf", args=[notice.pk])).status_code == 403


@pytest.mark.django_db
def test_bad_notices_are_refused_in_chinese(clerk: User, townships: list[Unit]) -> None:
    fields = {
        "actor": clerk,
        "subject": "会议",
        "starts_at": timezone.now() + dt.timedelta(days=1),
        "place": "县委",
        "attendees": "书记",
        "units": townships,
    }
    with pytest.raises(ValidationError, match="至少选择一项"):
        services.notice_create(**fields, facts=[])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="携带材料"):
        services.notice_create(**fields, facts=[Fact.BRING])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="通知的单位"):
        services.notice_create(**fields | {"units": []}, facts=FACTS)  # type: ignore[arg-type]
    assert not Notice.objects.exists()
    page = client_for(clerk).post(
        reverse("notices:new"),
        {
            "subject": "会议",
            "starts_at": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "县委",
            "attendees": "书记",
            "kinds": ["township"],
        },
    )
    assert page.status_code == 200
    assert "至少选择一项" in page.text
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_units_by_kind_and_a_saved_scope(clerk: User, townships: list[Unit]) -> None:
    make_unit("县财政局")
    form = {
        "subject": "会议",
        "starts_at": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "县委",
        "attendees": "书记",
        "facts": FACTS,
        "kinds": ["township"],
        "save_scope": "全体乡镇",
    }
    response = client_for(clerk).post(reverse("notices:new"), form)
    notice = Notice.objects.get()
    assert response["Location"] == reverse("notices:detail", args=[notice.pk])
    assert sorted(notice.recipients.values_list("unit__name", flat=True)) == sorted(u.name for u in townships)
    scope = selectors.scopes().get()
    assert scope.name == "全体乡镇"
    assert scope.units.count() == 3
    client_for(clerk).post(reverse("notices:new"), form | {"subject": "又一会议", "kinds": [], "scope": scope.pk})
    assert Notice.objects.get(subject="又一会议").recipients.count() == 3


@pytest.mark.django_db
def test_the_follow_up_sheet_prints_and_exports(notice: Notice, clerk: User) -> None:
    dial(
        recipient=row(notice, "城关镇"),
        actor=clerk,
        outcome="reached",
        taken_by="值班员",
        readback={**all_right(notice), Fact.TIME: Heard(False, "下午", fixed=True)},
    )
    pdf = client_for(clerk).get(reverse("notices:sheet_pdf", args=[notice.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    xlsx = client_for(clerk).get(reverse("notices:sheet_xlsx", args=[notice.pk]))
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_reminders_for_a_retry_due_and_units_unreached_before_the_event(
    notice: Notice, clerk: User, director: User
) -> None:
    from shuniu.core.models import Notification
    from shuniu.core.reminders import reminders_run

    source = ["shuniu.notices.reminders.notices_due"]
    now = timezone.now()
    dial(recipient=row(notice, "石门乡"), actor=clerk, outcome="no_answer", now=now)
    assert reminders_run(now=now + dt.timedelta(minutes=5), sources=source) == 0
    assert reminders_run(now=now + dt.timedelta(minutes=16), sources=source) == 1  # the caller
    assert reminders_run(now=now + dt.timedelta(minutes=17), sources=source) == 0  # once
    assert Notification.objects.filter(recipient=clerk, title__contains="该重拨了：石门乡").exists()
    close = notice.starts_at - dt.timedelta(hours=2)
    assert reminders_run(now=close, sources=source) == 1  # the director; the retry was told already
    assert Notification.objects.filter(recipient=director, title__contains="仍未通知到").exists()


@pytest.mark.django_db
def test_a_call_for_a_unit_not_on_the_notice_is_a_404_and_changes_nothing(
    notice: Notice, clerk: User, townships: list[Unit]
) -> None:
    other = services.notice_create(
        actor=clerk,
        subject="另一通知",
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="县政府",
        attendees="各部门主要负责人",
        facts=FACTS,
        units=[make_unit("县财政局")],
    )
    foreign = other.recipients.get()
    client = client_for(clerk)
    assert client.post(reverse("notices:hold", args=[notice.pk, foreign.pk])).status_code == 404
    assert (
        client.post(reverse("notices:call", args=[notice.pk, foreign.pk]), {"outcome": "no_answer"}).status_code == 404
    )
    foreign.refresh_from_db()
    assert (foreign.state, foreign.tries, foreign.held_by) == (State.PENDING, 0, None)


@pytest.mark.django_db(transaction=True)
def test_two_callers_taking_one_unit_at_once_one_gets_it(clerk: User, director: User, townships: list[Unit]) -> None:
    notice = services.notice_create(
        actor=clerk,
        subject="会议",
        starts_at=timezone.now() + dt.timedelta(days=1),
        place="县委",
        attendees="书记",
        facts=FACTS,
        units=townships,
    )
    target = notice.recipients.get(unit__name="城关镇")
    outcomes = at_once(
        lambda: services.recipient_hold(recipient=target, actor=clerk),
        lambda: services.recipient_hold(recipient=target, actor=director),
    )
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1
    assert "正在拨打城关镇" in refused[0].messages[0]
    target.refresh_from_db()
    assert target.held_by in (clerk, director)


@pytest.mark.django_db
def test_a_second_click_or_a_call_on_an_older_version_records_nothing(notice: Notice, clerk: User) -> None:
    target = row(notice, "城关镇")
    dial(recipient=target, actor=clerk, outcome="no_answer")
    with pytest.raises(ValidationError, match="无需重复提交"):  # the hold was used up by the first
        services.recipient_call(recipient=target, actor=clerk, outcome="no_answer")
    target.refresh_from_db()
    assert target.tries == 1
    services.recipient_hold(recipient=target, actor=clerk)
    services.notice_change(
        notice=notice, actor=clerk, starts_at=notice.starts_at + dt.timedelta(hours=1), place=notice.place
    )
    services.recipient_hold(recipient=target, actor=clerk)  # the change let go of every hold
    with pytest.raises(ValidationError, match="刚刚变更"):
        services.recipient_call(
            recipient=target, actor=clerk, outcome="reached", taken_by="值班员", readback=all_right(notice), version=1
        )
    target.refresh_from_db()
    assert (target.state, target.tries) == (State.NO_ANSWER, 1)
