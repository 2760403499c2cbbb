from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from pytest_django import DjangoAssertNumQueries

from shuniu.core.models import InboxItem, Role, User
from shuniu.core.testing import client_for, make_user, xlsx_sheet
from shuniu.schedules import services
from shuniu.schedules.models import CheckItem, Engagement, FeedToken, KeyWork, WeeklyPlanVersion

from .conftest import YEAR, Engage, at

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

WEEK = "2026-11-23"
PLAN = reverse("schedules:weekly_plan")


def post_engagement(client: Client, who: User, **extra: object) -> _MonkeyPatchedWSGIResponse:
    data: dict[str, object] = {
        "leaders": who.pk,
        "kind": "trip",
        "title": "赴省城汇报",
        "start": "2026-11-24T08:00",
        "end": "2026-11-26T18:00",
        "place": "省城",
    }
    data.update(extra)
    return client.post(reverse("schedules:engagement_new"), data)


@pytest.mark.django_db
class TestWeeklyPlanPages:
    def test_clerk_sees_the_live_plan(self, clerk: User, leader: User, engage: Engage) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        response = client_for(clerk).get(PLAN, {"week": WEEK})
        assert response.status_code == 200
        assert "常委会" in response.text
        assert "草稿" in response.text

    def test_staff_see_only_the_published_version(
        self, clerk: User, leader: User, engage: Engage, request: pytest.FixtureRequest
    ) -> None:
        editor = request.getfixturevalue("director")
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        leader_client = client_for(leader)
        assert "尚未发布" in leader_client.get(PLAN, {"week": WEEK}).text
        services.weekly_plan_publish(week_start=dt.date(2026, 11, 23), actor=clerk)
        engage(leader, at(2026, 11, 25, 9), at(2026, 11, 25, 10), title="发布后新增")
        text = leader_client.get(PLAN, {"week": WEEK}).text
        assert "常委会" in text
        assert "发布后新增" not in text
        editor_text = client_for(editor).get(PLAN, {"week": WEEK}).text
        assert "发布后新增" in editor_text
        assert "新增，尚未发布" in editor_text  # marked as a change against the published version

    def test_outsiders_get_403(self, outsider: User, auditor: User, sysadmin: User) -> None:
        for user in (outsider, auditor, sysadmin):
            assert client_for(user).get(PLAN).status_code == 403

    def test_publish_is_post_only_and_for_editors(self, clerk: User, leader: User) -> None:
        url = reverse("schedules:weekly_plan_publish") + f"?week={WEEK}"
        assert client_for(clerk).get(url).status_code == 405
        assert client_for(leader).post(url).status_code == 403
        response = client_for(clerk).post(url, follow=True)
        assert "已发布第 1 版" in response.text

    def test_pdf_and_excel(self, clerk: User, leader: User, engage: Engage) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        engage(leader, at(2026, 11, 25, 15), at(2026, 11, 25, 16), title="个别谈话", confidential=True)
        client = client_for(clerk)
        # The editor sees the confidential item in full on screen…
        assert "个别谈话" in client.get(reverse("schedules:weekly_plan"), {"week": WEEK}).text
        pdf = client.get(reverse("schedules:weekly_plan_export", args=["pdf"]), {"week": WEEK})
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        xlsx = client.get(reverse("schedules:weekly_plan_export", args=["xlsx"]), {"week": WEEK})
        sheet = xlsx_sheet(xlsx.getvalue())
        values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
        assert any("常委会" in str(v) for v in values)
        # …but what is distributed (Excel and PDF share the grid) shows it as 忙碌.
        assert any("忙碌" in str(v) for v in values)
        assert not any("个别谈话" in str(v) for v in values)
        assert client.get(reverse("schedules:weekly_plan_export", args=["doc"])).status_code == 404

    def test_unpublished_plan_cannot_be_exported_by_staff(self, leader: User) -> None:
        response = client_for(leader).get(reverse("schedules:weekly_plan_export", args=["pdf"]), {"week": WEEK})
        assert response.status_code == 404

    def test_plan_query_count_does_not_grow_with_engagements(
        self,
        clerk: User,
        leader: User,
        leader2: User,
        engage: Engage,
        django_assert_max_num_queries: DjangoAssertNumQueries,
    ) -> None:
        for day in range(23, 28):
            engage(leader, at(2026, 11, day, 9), at(2026, 11, day, 10))
            engage(leader2, at(2026, 11, day, 15), at(2026, 11, day, 16))
        client = client_for(clerk)
        client.get(PLAN, {"week": WEEK})
        with django_assert_max_num_queries(12):
            client.get(PLAN, {"week": WEEK})


@pytest.mark.django_db
class TestEngagementPages:
    def test_clerk_enters_a_trip(self, clerk: User, leader: User) -> None:
        response = post_engagement(client_for(clerk), leader)
        assert response.status_code == 302
        engagement = Engagement.objects.get()
        assert engagement.kind == "trip"
        assert engagement.end - engagement.start == dt.timedelta(days=2, hours=10)

    def test_overlap_is_listed_and_needs_the_checkbox(self, clerk: User, leader: User, engage: Engage) -> None:
        engage(leader, at(2026, 11, 25, 9), at(2026, 11, 25, 10), title="常委会")
        client = client_for(clerk)
        response = post_engagement(client, leader)
        assert response.status_code == 200
        assert "时间重叠" in response.text
        assert "常委会" in response.text
        assert 'type="checkbox" name="confirm"' in response.text
        assert Engagement.objects.count() == 1
        assert post_engagement(client, leader, confirm="on").status_code == 302
        assert Engagement.objects.count() == 2

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            ({"end": "2026-11-23T18:00"}, "结束时间必须晚于开始时间"),
            ({"leaders": 999999}, "领导不存在"),
            ({"start": "明天"}, "时间格式不正确"),
            ({"title": ""}, "请填写事项"),
        ],
    )
    def test_bad_input_gets_a_message_and_saves_nothing(
        self, clerk: User, leader: User, extra: dict[str, object], message: str
    ) -> None:
        response = post_engagement(client_for(clerk), leader, **extra)
        assert response.status_code == 200
        assert message in response.text
        assert not Engagement.objects.exists()

    def test_a_non_leader_cannot_be_chosen(self, clerk: User, leader: User) -> None:
        response = post_engagement(client_for(clerk), leader, leaders=clerk.pk)
        assert "领导不存在" in response.text

    def test_only_editors_enter_engagements(self, leader: User, outsider: User) -> None:
        assert post_engagement(client_for(leader), leader).status_code == 403
        assert post_engagement(client_for(outsider), leader).status_code == 403
        assert not Engagement.objects.exists()

    def test_leader_sees_own_schedule_but_not_a_colleagues(self, leader: User, leader2: User, engage: Engage) -> None:
        engage(leader2, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="机密会")
        client = client_for(leader)
        assert client.get(reverse("schedules:mine")).status_code == 302
        assert client.get(reverse("schedules:leader", args=[leader.pk])).status_code == 200
        assert client.get(reverse("schedules:leader", args=[leader2.pk])).status_code == 404

    def test_delete_is_post_only(self, clerk: User, leader: User, engage: Engage) -> None:
        engagement = engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10))
        url = reverse("schedules:engagement_delete", args=[engagement.pk])
        client = client_for(clerk)
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == 302
        assert not Engagement.objects.exists()


def engagements_book(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "领导日程"
    sheet.append(["领导", "类型", "事项", "开始", "结束", "地点", "备注", "保密"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("rc.xlsx", buffer.getvalue())


@pytest.mark.django_db
class TestImport:
    URL = reverse("schedules:engagement_import")

    def test_good_file(self, clerk: User, leader: User) -> None:
        upload = engagements_book(
            [
                [
                    "领导1",
                    "会议",
                    "常委会",
                    dt.datetime(2026, 11, 24, 9),
                    dt.datetime(2026, 11, 24, 11),
                    "三楼",
                    "",
                    "否",
                ],
                ["leader", "外出", "赴省城", "2026-11-25 08:00", "2026-11-27 18:00", "", "", "是"],
            ]
        )
        response = client_for(clerk).post(self.URL, {"file": upload}, follow=True)
        assert "已导入 2 条" in response.text
        assert Engagement.objects.filter(confidential=True).count() == 1
        assert Engagement.objects.get(title="常委会").start == at(2026, 11, 24, 9)

    def test_bad_rows_are_reported_and_nothing_is_imported(self, clerk: User, leader: User) -> None:
        upload = engagements_book(
            [
                ["领导1", "会议", "常委会", "2026-11-24 09:00", "2026-11-24 11:00", "", "", ""],
                ["无此人", "开会", "", "昨天", "2026-11-24 11:00", "", "", "也许"],
                ["领导1", "会议", "重叠会", "2026-11-24 10:00", "2026-11-24 12:00", "", "", ""],
            ]
        )
        response = client_for(clerk).post(self.URL, {"file": upload})
        text = response.text
        assert "未导入任何日程" in text
        assert "第 3 行" in text
        assert "领导「无此人」不存在" in text
        assert "类型「开会」无效" in text
        assert "开始时间「昨天」" in text
        assert "保密「也许」" in text
        assert "第 4 行：与第 2 行时间重叠" in text
        assert not Engagement.objects.exists()

    def test_overlap_allowed_when_ticked(self, clerk: User, leader: User) -> None:
        upload = engagements_book(
            [
                ["领导1", "会议", "甲", "2026-11-24 09:00", "2026-11-24 11:00", "", "", ""],
                ["领导1", "会议", "乙", "2026-11-24 10:00", "2026-11-24 12:00", "", "", ""],
            ]
        )
        client_for(clerk).post(self.URL, {"file": upload, "allow_overlap": "on"})
        assert Engagement.objects.count() == 2

    def test_import_is_for_editors(self, leader: User) -> None:
        assert client_for(leader).get(self.URL).status_code == 403


@pytest.mark.django_db
class TestFeed:
    def test_token_feed_and_revocation(self, clerk: User, leader: User, engage: Engage) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        engage(leader, at(2026, 11, 24, 15), at(2026, 11, 24, 16), title="机密会", confidential=True)
        client = client_for(leader)
        page = client.post(reverse("schedules:feed_token_new", args=[leader.pk]))
        url = page.context["url"]
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        assert not FeedToken.objects.filter(digest=token).exists()  # only the digest is stored
        anonymous = Client()
        feed = anonymous.get(reverse("schedules:feed", args=[token]), {"now": "x"})
        assert feed.status_code == 200
        assert feed["Content-Type"].startswith("text/calendar")
        events = [c for c in Calendar.from_ical(feed.content).walk("VEVENT")]
        summaries = sorted(str(e["SUMMARY"]) for e in events)
        assert summaries == ["会议：常委会", "忙碌"]
        feed_token = FeedToken.objects.get()
        assert client.post(reverse("schedules:feed_token_revoke", args=[feed_token.pk])).status_code == 302
        assert anonymous.get(reverse("schedules:feed", args=[token])).status_code == 404

    def test_a_wrong_token_is_404(self, client: Client, db: None) -> None:
        assert client.get(reverse("schedules:feed", args=["nope"])).status_code == 404

    def test_another_leader_cannot_make_my_token(self, leader: User, leader2: User) -> None:
        response = client_for(leader2).post(reverse("schedules:feed_token_new", args=[leader.pk]))
        assert response.status_code == 404
        assert not FeedToken.objects.exists()


@pytest.mark.django_db
class TestKeyWork:
    def test_create_and_tick(self, clerk: User, leader: User) -> None:
        client = client_for(clerk)
        response = client.post(
            reverse("schedules:key_work_new"),
            {
                "title": "经济工作会议",
                "owner": clerk.pk,
                "leader": leader.pk,
                "start": f"{YEAR}-12-01T09:00",
                "remind_minutes": 1440,
                "checklist": "讲话稿\n会场\n",
            },
        )
        assert response.status_code == 302
        detail = client.get(response["Location"])
        assert "讲话稿" in detail.text
        check = detail.context["item"].checklist.first()
        partial = client.post(
            reverse("schedules:check_item_set", args=[check.pk]), {"done": "1"}, headers={"HX-Request": "true"}
        )
        assert "<html" not in partial.text
        assert "text-decoration-line-through" in partial.text

    def test_others_cannot_tick_or_see(self, clerk: User, leader2: User, outsider: User) -> None:
        item = services.key_work_create(
            title="甲", owner=clerk, start=at(YEAR, 12, 1, 9), checklist=["一"], actor=clerk
        )
        check = item.checklist.get()
        assert client_for(leader2).get(reverse("schedules:key_work", args=[item.pk])).status_code == 404
        assert (
            client_for(leader2).post(reverse("schedules:check_item_set", args=[check.pk]), {"done": "1"}).status_code
            == 404
        )
        assert client_for(outsider).get(reverse("schedules:key_work", args=[item.pk])).status_code == 403

    def test_bad_key_work_input(self, clerk: User) -> None:
        response = client_for(clerk).post(
            reverse("schedules:key_work_new"),
            {
                "title": "",
                "owner": clerk.pk,
                "start": f"{YEAR}-12-01T09:00",
                "end": f"{YEAR}-12-01T08:00",
                "remind_minutes": 60,
            },
        )
        assert "请填写事项" in response.text
        assert "结束时间必须晚于开始时间" in response.text

    def test_day_planner_shows_the_hour(self, clerk: User) -> None:
        services.key_work_create(title="迎检", owner=clerk, start=at(YEAR, 12, 1, 10), actor=clerk)
        response = client_for(clerk).get(reverse("schedules:day"), {"date": f"{YEAR}-12-01"})
        hours = response.context["hours"]
        ten = next(h for h in hours if h["hour"] == "10:00")
        assert ten["items"]
        assert "迎检" in ten["items"][0]["label"]
        assert not next(h for h in hours if h["hour"] == "09:00")["items"]


@pytest.mark.django_db
def test_edit_an_engagement_and_a_stale_form_is_refused(clerk: User, leader: User, engage: Engage) -> None:
    engagement = engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
    client = client_for(clerk)
    url = reverse("schedules:engagement_edit", args=[engagement.pk])
    page = client.get(url)
    assert 'value="常委会"' in page.text
    assert 'name="version" value="1"' in page.text
    data = {
        "leaders": leader.pk,
        "kind": "meeting",
        "title": "常委会（改期）",
        "start": "2026-11-24T15:00",
        "end": "2026-11-24T16:00",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    engagement.refresh_from_db()
    assert engagement.title == "常委会（改期）"
    assert engagement.version == 2
    stale = client.post(url, dict(data, title="第三次"))
    assert "已被他人修改" in stale.text
    engagement.refresh_from_db()
    assert engagement.title == "常委会（改期）"


def soon(**delta: float) -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0) + dt.timedelta(**delta)


def local(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M}"


@pytest.mark.django_db
class TestPublishJourney:
    CONFIRM = reverse("schedules:weekly_plan_publish_confirm")
    PUBLISH = reverse("schedules:weekly_plan_publish") + f"?week={WEEK}"

    def test_confirm_shows_the_changes_then_publish_tells_everybody(
        self, clerk: User, director: User, leader: User, leader2: User, engage: Engage
    ) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        client = client_for(clerk)
        first = client.get(self.CONFIRM, {"week": WEEK})
        assert "首次发布本周安排" in first.text
        assert "确认发布第 1 版" in first.text
        assert 'name="base" value="0"' in first.text
        assert "已发布第 1 版周工作安排，已通知 3 人" in client.post(self.PUBLISH, {"base": 0}, follow=True).text
        engage(leader2, at(2026, 11, 25, 15), at(2026, 11, 25, 16), title="调研座谈")
        page = client.get(self.CONFIRM, {"week": WEEK})
        assert "与第 1 版相比，共 1 处变更" in page.text
        assert "领导2" in page.text
        assert "11月25日 星期三 下午" in page.text
        assert "15:00 调研座谈" in page.text
        assert 'name="base" value="1"' in page.text
        assert "确认发布第 2 版" in page.text
        response = client.post(self.PUBLISH, {"base": 1}, follow=True)
        assert "已发布第 2 版周工作安排，已通知 3 人" in response.text

    def test_a_stale_confirmation_publishes_nothing(
        self, clerk: User, director: User, leader: User, engage: Engage
    ) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        client_for(director).post(self.PUBLISH, {"base": 0})
        response = client_for(clerk).post(self.PUBLISH, {"base": 0}, follow=True)
        assert "本周安排刚由 黄主任" in response.text
        assert "发布为第 1 版" in response.text
        assert WeeklyPlanVersion.objects.count() == 1

    def test_nothing_to_publish_shows_no_button(self, clerk: User, leader: User) -> None:
        client = client_for(clerk)
        client.post(self.PUBLISH, {"base": 0})
        page = client.get(self.CONFIRM, {"week": WEEK})
        assert "没有变化" in page.text
        assert "确认发布" not in page.text

    def test_bad_base_changes_nothing(self, clerk: User, leader: User) -> None:
        response = client_for(clerk).post(self.PUBLISH, {"base": "x"}, follow=True)
        assert "请求无效" in response.text
        assert not WeeklyPlanVersion.objects.exists()

    def test_confirm_page_is_for_editors(self, leader: User, outsider: User) -> None:
        assert client_for(leader).get(self.CONFIRM).status_code == 403
        assert client_for(outsider).get(self.CONFIRM).status_code == 403

    def test_opening_the_plan_reads_the_notice(self, clerk: User, leader: User, engage: Engage) -> None:
        engage(leader, at(2026, 11, 24, 9), at(2026, 11, 24, 10), title="常委会")
        version = services.weekly_plan_publish(week_start=dt.date(2026, 11, 23), actor=clerk)
        item = InboxItem.objects.get(recipient=leader)
        assert item.done_at is None
        client_for(leader).get(item.url)
        item.refresh_from_db()
        assert item.done_at is not None
        assert item.key.endswith(f":{version.pk}:publish")

    def test_the_phone_reads_the_week_by_day(self, clerk: User, leader: User, leader2: User, engage: Engage) -> None:
        engage([leader, leader2], at(2026, 11, 23, 9), at(2026, 11, 23, 11), title="常委会")
        text = client_for(clerk).get(PLAN, {"week": WEEK}).text
        by_day = text.split('class="d-md-none plan-by-day"')[1].split("周工作安排表")[0]
        monday = by_day.split('id="day-2026-11-23"')[1].split("</section>")[0]
        assert monday.count("09:00 常委会") == 1  # one meeting, its leaders named once
        assert "<strong>领导1</strong>、<strong>领导2</strong>" in monday
        tuesday = by_day.split('id="day-2026-11-24"')[1].split("</section>")[0]
        assert "无安排" in tuesday


@pytest.mark.django_db
class TestSharedEngagementPages:
    def test_one_entry_for_two_leaders(self, clerk: User, leader: User, leader2: User) -> None:
        client = client_for(clerk)
        response = post_engagement(client, leader, leaders=[leader.pk, leader2.pk], kind="meeting", title="常委会")
        assert response.status_code == 302
        engagement = Engagement.objects.get()
        assert engagement.leader == leader
        assert list(engagement.others.all()) == [leader2]
        page = client.get(reverse("schedules:leader", args=[leader2.pk]))
        assert "常委会" in page.text
        assert "与 领导1 共同参加" in page.text
        edit = client.get(reverse("schedules:engagement_edit", args=[engagement.pk]))
        assert edit.text.count("checked") == 2

    def test_the_second_leaders_feed_has_it(self, clerk: User, leader: User, leader2: User, engage: Engage) -> None:
        engage([leader, leader2], timezone.now() + dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1, hours=1))
        token = services.feed_token_create(leader=leader2, actor=leader2)
        feed = Client().get(reverse("schedules:feed", args=[token]))
        assert [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")] == ["会议：会议"]

    def test_overlap_uses_the_core_confirmation(self, clerk: User, leader: User, leader2: User, engage: Engage) -> None:
        engage(leader2, at(2026, 11, 25, 9), at(2026, 11, 25, 10), title="调研")
        response = post_engagement(client_for(clerk), leader, leaders=[leader.pk, leader2.pk])
        assert "与所选领导已有的日程时间重叠" in response.text
        assert "领导2：会议：调研" in response.text
        assert "确认无误，请勾选下方“确认时间重叠，仍然保存”" in response.text
        assert Engagement.objects.count() == 1

    def test_required_fields_are_marked(self, clerk: User) -> None:
        text = client_for(clerk).get(reverse("schedules:engagement_new")).text
        assert '事项 <span class="text-danger" aria-hidden="true">*</span>' in text
        assert '地点 <span class="text-danger"' not in text


@pytest.mark.django_db
class TestKeyWorkJourneys:
    def make(self, clerk: User, **extra: Any) -> KeyWork:
        fields: dict[str, Any] = dict(
            title="经济工作会议", owner=clerk, start=soon(days=3), checklist=["讲话稿", "会场"], actor=clerk
        )
        return services.key_work_create(**(fields | extra))

    def edit_data(self, clerk: User, item: KeyWork, **extra: object) -> dict[str, object]:
        data: dict[str, object] = {
            "title": item.title,
            "owner": clerk.pk,
            "start": local(timezone.localtime(item.start)),
            "remind_minutes": 4320,
            "version": item.version,
        }
        return data | extra

    def test_edit(self, clerk: User, leader: User) -> None:
        item = self.make(clerk)
        url = reverse("schedules:key_work_edit", args=[item.pk])
        client = client_for(clerk)
        page = client.get(url)
        assert 'name="version" value="1"' in page.text
        assert 'value="经济工作会议"' in page.text
        later = soon(days=4)
        data = self.edit_data(clerk, item, title="全县经济工作会议", start=local(later), checklist="座签")
        response = client.post(url, data, follow=True)
        assert "已保存对「全县经济工作会议」的修改" in response.text
        assert "提前 3 天提醒责任人" in response.text
        item.refresh_from_db()
        assert item.start == later
        assert item.version == 2
        assert item.checklist.count() == 3
        stale = client.post(url, dict(data, title="第三次"))
        assert "已被他人修改" in stale.text
        assert KeyWork.objects.get(pk=item.pk).title == "全县经济工作会议"

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            ({"start": "2020-01-01T09:00"}, "时间不能早于现在。"),
            ({"title": ""}, "请填写事项"),
            ({"remind_minutes": 4321}, "请从列表中选择提醒时间"),
            ({"start": "下周一"}, "时间格式不正确"),
            ({"owner": 999999}, "责任人不存在"),
            ({"version": ""}, "页面已过期"),
        ],
    )
    def test_bad_edit_changes_nothing(self, clerk: User, extra: dict[str, object], message: str) -> None:
        item = self.make(clerk)
        url = reverse("schedules:key_work_edit", args=[item.pk])
        response = client_for(clerk).post(url, self.edit_data(clerk, item, **extra))
        assert response.status_code == 200
        assert message in response.text
        assert KeyWork.objects.get(pk=item.pk).version == 1

    def test_a_past_start_is_refused_on_create(self, clerk: User) -> None:
        response = client_for(clerk).post(
            reverse("schedules:key_work_new"),
            {"title": "迎检", "owner": clerk.pk, "start": local(soon(hours=-1)), "remind_minutes": 60},
        )
        assert "时间不能早于现在。" in response.text
        assert not KeyWork.objects.exists()

    def test_only_the_owner_or_an_editor_edits(self, clerk: User, leader: User, request: pytest.FixtureRequest) -> None:
        supervisor = make_user("supervisor", [Role.SUPERVISOR], full_name="督查员")
        item = self.make(clerk, leader=leader)
        url = reverse("schedules:key_work_edit", args=[item.pk])
        assert client_for(leader).get(url).status_code == 404
        assert client_for(supervisor).get(url).status_code == 404
        assert client_for(request.getfixturevalue("director")).get(url).status_code == 200

    def test_complete_warns_of_open_steps(self, clerk: User) -> None:
        item = self.make(clerk)
        url = reverse("schedules:key_work_complete", args=[item.pk])
        client = client_for(clerk)
        assert client.get(url).status_code == 405
        page = client.post(url)
        assert page.status_code == 200
        assert "还有 2 项准备事项未完成" in page.text
        assert "讲话稿" in page.text
        assert "会场" in page.text
        assert 'type="checkbox" name="confirm"' in page.text
        assert not KeyWork.objects.get(pk=item.pk).done
        response = client.post(url, {"confirm": "on"}, follow=True)
        assert "「经济工作会议」已标记完成" in response.text
        assert KeyWork.objects.get(pk=item.pk).done
        again = client.post(url, {"confirm": "on"}, follow=True)
        assert "已由 王文书 于" in again.text

    def test_ticks_carry_the_state_meant(self, clerk: User, director: User) -> None:
        step = self.make(clerk).checklist.first()
        assert step is not None
        url = reverse("schedules:check_item_set", args=[step.pk])
        htmx = {"HX-Request": "true"}
        client_for(director).post(url, {"done": "1"}, headers=htmx)
        partial = client_for(clerk).post(url, {"done": "1"}, headers=htmx)
        assert "该事项已由 黄主任 于" in partial.text
        assert 'name="done" value="0"' in partial.text
        assert CheckItem.objects.get(pk=step.pk).done_by == director
        bad = client_for(clerk).post(url, {"done": "maybe"}, follow=True)
        assert "请求无效" in bad.text
        assert CheckItem.objects.get(pk=step.pk).done_by == director

    def test_list_tabs(
        self, clerk: User, director: User, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        running = self.make(clerk, title="进行中的事")
        finished = self.make(clerk, title="已完成的事", checklist=[])
        services.key_work_complete(item=finished, actor=clerk)
        past = self.make(clerk, title="过期的事")
        KeyWork.objects.filter(pk=past.pk).update(start=soon(days=-2))
        client = client_for(clerk)
        url = reverse("schedules:key_work_list")
        tabs = {tab: client.get(url, {"tab": tab}).text for tab in ("open", "done", "past")}
        assert "进行中的事" in tabs["open"]
        assert "已完成的事" not in tabs["open"]
        assert "过期的事" not in tabs["open"]
        assert "已完成的事" in tabs["done"]
        assert "进行中的事" not in tabs["done"]
        assert "过期的事" in tabs["past"]
        assert "已过期，未标记完成" in tabs["past"]
        assert "准备事项 0/2 项已完成" in tabs["open"]
        assert running.pk
        for n in range(5):
            self.make(clerk, title=f"更多{n}")
        with django_assert_max_num_queries(10):
            client.get(url)


@pytest.mark.django_db
def test_todays_page_for_staff_says_what_it_shows_and_shows_the_leaders_day(
    clerk: User, leader: User, leader2: User
) -> None:
    from shuniu.core.testing import client_for
    from shuniu.schedules.models import Engagement

    now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    Engagement.objects.create(
        leader=leader,
        kind="meeting",
        title="全县经济工作会",
        start=now,
        end=now + dt.timedelta(hours=2),
        created_by=clerk,
    )
    Engagement.objects.create(
        leader=leader2,
        kind="visit",
        title="不宜公开的走访",
        start=now,
        end=now + dt.timedelta(hours=1),
        confidential=True,
        created_by=clerk,
    )
    text = client_for(clerk).get(reverse("schedules:day"), {"date": now.date().isoformat()}).text
    assert "县领导活动" in text
    assert "全县经济工作会" in text
    assert "领导1" in text
    assert "保密事项只显示“忙碌”" in text
    supervisor = make_user("dc", [Role.SUPERVISOR], full_name="督查员")
    seen = client_for(supervisor).get(reverse("schedules:day"), {"date": now.date().isoformat()}).text
    assert "全县经济工作会" in seen
    assert "不宜公开的走访" not in seen
    assert "忙碌" in seen


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("schedules:day", {"date": "0001-01-01"}),
        ("schedules:weekly_plan", {"week": "9999-12-31"}),
        ("schedules:weekly_plan", {"week": "0001-01-01"}),
    ],
)
def test_dates_at_the_edge_of_the_calendar_fall_back_to_today(clerk: User, url: str, query: dict[str, str]) -> None:
    response = client_for(clerk).get(reverse(url), query)
    assert response.status_code == 200


@pytest.mark.django_db
def test_an_engagement_in_year_one_is_refused_in_chinese(clerk: User, leader: User) -> None:
    response = client_for(clerk).post(
        reverse("schedules:engagement_new"),
        {
            "leaders": [leader.pk],
            "kind": "meeting",
            "title": "会",
            "start": "0001-01-01T09:00",
            "end": "0001-01-01T10:00",
        },
    )
    assert response.status_code == 200
    assert "日期应在 2000 年至 2100 年之间" in response.text
    assert not Engagement.objects.exists()
