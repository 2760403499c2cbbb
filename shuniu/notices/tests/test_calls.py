"""The incoming-call register: the caller's unit found from the number however it is written, their earlier
calls shown as it is typed, the proposal, instruction and result, the callback owed, and a call opened
as a supervised matter or a petition with the link shown on both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import Contact, Notification, Role, Unit, UnitKind, User
from shuniu.core.reminders import reminders_run
from shuniu.core.testing import client_for, make_unit, make_user
from shuniu.notices import selectors, services
from shuniu.notices.models import Call
from shuniu.petitions.models import Petition
from shuniu.supervision.services import matter_register


@pytest.fixture
def finance(db: None) -> Unit:
    unit = make_unit("县财政局")
    Unit.objects.filter(pk=unit.pk).update(phone="0999-6018666")
    Contact.objects.create(unit=unit, name="周科长", mobile="13909990001")
    unit.refresh_from_db()
    return unit


@pytest.mark.django_db
@override_settings(AREA_CODE="0999")
def test_the_caller_s_unit_is_found_and_earlier_calls_show_as_the_number_is_typed(clerk: User, finance: Unit) -> None:
    now = timezone.now()
    first = services.call_record(
        actor=clerk, at=now - dt.timedelta(days=2), number="(0999)601-8666转12", content="询问会议时间。"
    )
    assert first.unit == finance
    mobile = services.call_record(
        actor=clerk, at=now - dt.timedelta(days=1), number="+86 139 0999 0001", content="补充材料。"
    )
    assert mobile.unit == finance
    stranger = services.call_record(actor=clerk, at=now, number="13512345678", caller="李先生", content="供暖不热。")
    assert stranger.unit is None  # an unknown caller is recorded just as fully
    assert stranger.caller == "李先生"
    page = client_for(clerk).get(reverse("calls:lookup"), {"number": "6018666"}).text
    assert "县财政局" in page
    assert first.number_label in page
    assert mobile.number_label not in page  # another number
    assert selectors.earlier_calls(clerk, "0999 601 8666") == [first]


@pytest.mark.django_db
def test_a_call_is_handled_called_back_and_closed(clerk: User, finance: Unit, leader: User) -> None:
    now = timezone.now()
    call = services.call_record(
        actor=clerk,
        at=now - dt.timedelta(minutes=10),
        number="0999-6018666",
        content="请示会议安排。",
        callback_due=now + dt.timedelta(minutes=10),
    )
    assert reminders_run(now=now, sources=["shuniu.notices.reminders.callbacks_due"]) == 1
    assert Notification.objects.filter(recipient=clerk, title__startswith="请回电").exists()
    with pytest.raises(ValidationError, match="批示的领导"):
        services.call_update(call=call, actor=clerk, proposal="", instruction="同意", instructed_by=None, result="")
    with pytest.raises(ValidationError, match="办理结果"):
        services.call_update(
            call=call, actor=clerk, proposal="", instruction="", instructed_by=None, result="", close=True
        )
    services.call_update(call=call, actor=clerk, proposal="报主任", instruction="同意", instructed_by=leader, result="")
    services.call_called_back(call=call, actor=clerk)
    with pytest.raises(ValidationError, match="已登记回电"):
        services.call_called_back(call=call, actor=clerk)
    client_for(clerk).post(
        reverse("calls:handle", args=[call.pk]),
        {
            "proposal": "报主任",
            "instruction": "同意",
            "instructed_by": leader.pk,
            "result": "已回复对方",
            "close": "on",
        },
    )
    call.refresh_from_db()
    assert call.closed_at is not None
    assert (call.instructed_by, call.result) == (leader, "已回复对方")


@pytest.mark.django_db
def test_a_call_opens_a_supervised_matter_and_a_petition_shown_on_both(clerk: User, finance: Unit) -> None:
    call = services.call_record(
        actor=clerk, at=timezone.now(), number="13512345678", caller="李先生", content="反映补贴未发放。"
    )
    supervisor = make_user("du", [Role.SUPERVISOR], full_name="督查员")
    form = client_for(supervisor).get(reverse("supervision:new"), {"call": call.pk}).text
    assert "反映补贴未发放" in form
    matter = matter_register(
        actor=supervisor,
        source="call_letter",
        title="补贴发放",
        content=call.content,
        lead_unit=finance,
        deadline=timezone.now() + dt.timedelta(days=10),
        call=call,
    )
    call.refresh_from_db()
    assert call.matter == matter
    assert call.number_label in client_for(supervisor).get(reverse("supervision:detail", args=[matter.pk])).text
    officer = make_user("xf", [Role.PETITION_OFFICER], unit=make_unit("信访接待室", UnitKind.SECTION))
    intake = client_for(officer).get(reverse("petitions:new"), {"call": call.pk}).text
    assert "13512345678" in intake
    assert "反映补贴未发放" in intake
    client_for(officer).post(
        reverse("petitions:new"),
        {
            "channel": "call",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": "request",
            "topic": "agriculture",
            "summary": "反映补贴未发放。",
            "appeal": "请求发放。",
            "people_count": "1",
            "p-TOTAL_FORMS": "1",
            "p-INITIAL_FORMS": "0",
            "p-0-name": "李先生",
            "p-0-phone": "13512345678",
            "call": str(call.pk),
        },
    )
    petition = Petition.objects.get()
    call.refresh_from_db()
    assert call.petition == petition
    assert call.number_label in client_for(officer).get(reverse("petitions:detail", args=[petition.pk])).text


@pytest.mark.django_db
def test_calls_are_the_office_s_own(clerk: User, liaison: User, auditor: User) -> None:
    call = services.call_record(actor=clerk, at=timezone.now(), content="咨询。")
    for user in (liaison, auditor):
        assert client_for(user).get(reverse("calls:list")).status_code == 403
        assert client_for(user).get(reverse("calls:detail", args=[call.pk])).status_code == 403
    with pytest.raises(ValidationError, match="办公室工作人员"):
        services.call_record(actor=liaison, at=timezone.now(), content="咨询。")
    page = client_for(clerk).post(
        reverse("calls:new"), {"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "topic": "work"}
    )
    assert "请填写来电内容" in page.text
    assert Call.objects.count() == 1


@pytest.mark.django_db
def test_monthly_figures_by_unit_and_kind_with_callbacks_on_time(clerk: User, finance: Unit) -> None:
    now = timezone.now()
    kept = services.call_record(
        actor=clerk,
        at=now - dt.timedelta(hours=3),
        number="0999-6018666",
        content="一",
        callback_due=now + dt.timedelta(hours=1),
    )
    services.call_called_back(call=kept, actor=clerk)
    services.call_record(
        actor=clerk,
        at=now - dt.timedelta(hours=2),
        number="0999-6018666",
        topic="report",
        content="二",
        callback_due=now - dt.timedelta(hours=1),  # owed an hour ago, not yet made
    )
    services.call_record(actor=clerk, at=now - dt.timedelta(hours=1), number="13512345678", content="三")
    rows = {r.key: r for r in selectors.call_figures(clerk, start=now - dt.timedelta(days=1), end=now, by="unit")}
    assert (rows["县财政局"].calls, rows["县财政局"].callbacks, rows["县财政局"].on_time) == (2, 2, 1)
    assert rows["县财政局"].on_time_rate == 0.5
    assert rows["外单位或个人"].calls == 1
    kinds = {
        r.key: r.calls for r in selectors.call_figures(clerk, start=now - dt.timedelta(days=1), end=now, by="topic")
    }
    assert kinds == {"工作联系": 2, "反映情况": 1}
    page = client_for(clerk).get(reverse("calls:figures"), {"by": "unit"})
    assert "县财政局" in page.text
    assert "50%" in page.text
    sheet = client_for(clerk).get(reverse("calls:figures"), {"by": "topic", "format": "xlsx"})
    assert b"".join(sheet.streaming_content)[:2] == b"PK"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_two_clerks_editing_one_call_do_not_overwrite_each_other(clerk: User, director: User, leader: User) -> None:
    call = services.call_record(actor=clerk, at=timezone.now(), content="请示。")
    loaded = call.updated_at
    services.call_update(
        call=call, actor=director, proposal="", instruction="同意", instructed_by=leader, result="", expected=loaded
    )
    with pytest.raises(ValidationError, match="刚被同事修改过"):
        services.call_update(
            call=call, actor=clerk, proposal="", instruction="", instructed_by=None, result="已回复", expected=loaded
        )
    call.refresh_from_db()
    assert (call.instruction, call.result) == ("同意", "")
    with pytest.raises(ValidationError, match="县领导"):
        services.call_update(call=call, actor=clerk, proposal="", instruction="同意", instructed_by=director, result="")
    page = client_for(clerk).post(
        reverse("calls:handle", args=[call.pk]), {"result": "已回复", "stamp": "not-a-date"}, follow=True
    )
    assert page.status_code == 200
    assert "刚被同事修改过" in page.text
