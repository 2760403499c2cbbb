"""A clerk enters a three-day trip; the weekly plan shows it; the leader reads it on a phone."""

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from shuniu.core.models import InboxItem, User
from shuniu.core.testing import PageOptions, assert_accessible, log_in
from shuniu.schedules.models import Engagement, KeyWork
from shuniu.schedules.selectors import monday_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.VAR_DIR) / "shots"
SHOTS.mkdir(parents=True, exist_ok=True)
PHONE: PageOptions = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "locale": "zh-CN",
}


def test_trip_from_entry_to_the_leaders_phone(browser: Browser, live_server: LiveServer, county: None) -> None:
    next_monday = monday_of(timezone.localdate()) + dt.timedelta(days=7)
    tuesday, thursday = next_monday + dt.timedelta(days=1), next_monday + dt.timedelta(days=3)

    clerk = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    log_in(clerk, live_server.url, "wangfang")
    clerk.goto(f"{live_server.url}/schedules/engagements/new/")
    clerk.get_by_label("李明华（县委副书记、县长）").check()
    clerk.get_by_label("类型").select_option(label="外出")
    clerk.get_by_label("事项").fill("赴省发改委汇报重点项目")
    clerk.get_by_label("开始").fill(f"{tuesday.isoformat()}T08:00")
    clerk.get_by_label("结束").fill(f"{thursday.isoformat()}T18:00")
    clerk.get_by_label("地点").fill("省城")
    clerk.screenshot(path=str(SHOTS / "engagement-form-clerk.png"), full_page=True)
    assert_accessible(clerk, "录入日程")
    clerk.get_by_role("button", name="保存").click()
    clerk.get_by_text("已保存").wait_for()
    assert_accessible(clerk, "日程已保存")
    trip = Engagement.objects.get(title="赴省发改委汇报重点项目")
    assert trip.end - trip.start == dt.timedelta(days=2, hours=10)

    clerk.goto(f"{live_server.url}/schedules/?week={next_monday.isoformat()}")
    row = clerk.locator("tr", has_text="李明华")
    assert row.locator("td", has_text="赴省发改委汇报重点项目").count() == 6  # three days × two halves
    clerk.screenshot(path=str(SHOTS / "weekly-plan-clerk.png"), full_page=True)
    assert_accessible(clerk, "周工作安排")
    clerk.get_by_role("button", name="发布").click()
    clerk.get_by_text("首次发布本周安排").wait_for()
    clerk.get_by_role("button", name="确认发布第 1 版").click()
    clerk.get_by_text("已发布第 1 版").wait_for()
    assert_accessible(clerk, "周工作安排（已发布）")

    with clerk.expect_download() as download_info:
        clerk.get_by_role("link", name="打印（PDF）").click()
    pdf = SHOTS / "weekly-plan.pdf"
    download_info.value.save_as(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(SHOTS / "weekly-plan-pdf")], check=True
    )
    assert (SHOTS / "weekly-plan-pdf-1.png").exists()
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    assert " yes " in fonts

    phone = browser.new_page(**PHONE)
    log_in(phone, live_server.url, "liminghua")
    assert_accessible(phone, "领导的工作台（手机）")
    phone.get_by_label("展开导航").click()
    phone.locator("#main-nav.show").wait_for()
    assert_accessible(phone, "展开的导航（手机）")
    phone.locator("#main-nav").get_by_role("link", name="我的日程").click()
    phone.get_by_text("赴省发改委汇报重点项目").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=str(SHOTS / "leader-schedule-phone.png"), full_page=True)
    assert_accessible(phone, "我的日程（手机）")
    phone.goto(f"{live_server.url}/schedules/?week={next_monday.isoformat()}")
    assert phone.get_by_text("赴省发改委汇报重点项目").first.is_visible()
    phone.screenshot(path=str(SHOTS / "weekly-plan-phone.png"), full_page=True)
    assert_accessible(phone, "周工作安排（手机）")
    clerk.close()
    phone.close()


def test_one_meeting_for_several_leaders_published_with_confirmation(
    browser: Browser, live_server: LiveServer, county: None
) -> None:
    """The clerk enters a 常委会 once for three leaders, reviews the changes, publishes; a leader reads it by day."""
    monday = monday_of(timezone.localdate()) + dt.timedelta(days=7)
    wednesday = monday + dt.timedelta(days=2)
    clerk = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    log_in(clerk, live_server.url, "wangfang")
    clerk.goto(f"{live_server.url}/schedules/engagements/new/")
    for name in ["张建国（县委书记）", "李明华（县委副书记、县长）", "王志强（县委副书记）"]:
        clerk.get_by_label(name).check()
    clerk.get_by_label("类型").select_option(label="会议")
    clerk.get_by_label("事项").fill("县委常委会会议（专题研究重点项目）")
    clerk.get_by_label("开始").fill(f"{wednesday.isoformat()}T09:00")
    clerk.get_by_label("结束").fill(f"{wednesday.isoformat()}T11:30")
    clerk.get_by_label("地点").fill("县委三楼常委会议室")
    clerk.screenshot(path=str(SHOTS / "engagement-form-three-leaders.png"), full_page=True)
    clerk.get_by_role("button", name="保存").click()
    clerk.get_by_text("已保存：张建国、李明华、王志强").wait_for()
    meeting = Engagement.objects.get(title="县委常委会会议（专题研究重点项目）")
    assert meeting.others.count() == 2

    clerk.goto(f"{live_server.url}/schedules/?week={monday.isoformat()}")
    grid = clerk.get_by_role("region", name="周工作安排表")
    assert grid.locator("td", has_text="09:00 县委常委会会议（专题研究重点项目）").count() == 3
    clerk.get_by_role("button", name="发布").click()
    clerk.get_by_text("首次发布本周安排").wait_for()
    clerk.screenshot(path=str(SHOTS / "publish-confirm-first.png"), full_page=True)
    assert_accessible(clerk, "发布确认（首次）")
    clerk.get_by_role("button", name="确认发布第 1 版").click()
    clerk.get_by_text("已发布第 1 版周工作安排，已通知").wait_for()

    # A change, then the confirmation lists it against version 1.
    clerk.goto(f"{live_server.url}/schedules/engagements/{meeting.pk}/edit/")
    clerk.get_by_label("王志强（县委副书记）").uncheck()
    clerk.get_by_label("结束").fill(f"{wednesday.isoformat()}T12:00")
    clerk.get_by_role("button", name="保存").click()
    clerk.get_by_text("已保存").first.wait_for()
    clerk.goto(f"{live_server.url}/schedules/?week={monday.isoformat()}")
    clerk.get_by_role("button", name="发布").click()
    clerk.get_by_text("与第 1 版相比，共 1 处变更").wait_for()
    assert clerk.locator("tbody tr", has_text="王志强").count() == 1
    clerk.screenshot(path=str(SHOTS / "publish-confirm-changes.png"), full_page=True)
    assert_accessible(clerk, "发布确认（变更）")
    clerk.get_by_role("button", name="确认发布第 2 版").click()
    clerk.get_by_text("已发布第 2 版周工作安排，已通知").wait_for()
    leader = User.objects.get(username="liminghua")
    assert InboxItem.objects.filter(recipient=leader, done_at__isnull=True, category="周工作安排").count() >= 1

    phone = browser.new_page(**PHONE)
    log_in(phone, live_server.url, "liminghua")
    phone.goto(f"{live_server.url}/schedules/?week={monday.isoformat()}")
    day = phone.get_by_role("region", name=f"{wednesday.month}月{wednesday.day}日 星期三")
    day.get_by_text("09:00 县委常委会会议（专题研究重点项目）").wait_for()  # once, for both leaders
    assert day.get_by_text("李明华").is_visible()
    assert day.get_by_text("张建国").is_visible()
    assert not phone.get_by_role("region", name="周工作安排表").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=str(SHOTS / "weekly-plan-by-day-phone.png"), full_page=True)
    assert_accessible(phone, "周工作安排按天（手机）")
    clerk.close()
    phone.close()


def test_key_work_edit_tick_and_complete_with_warning(browser: Browser, live_server: LiveServer, county: None) -> None:
    item = KeyWork.objects.get(title="迎接市委督查组")
    clerk = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(clerk, live_server.url, "wangfang")
    clerk.goto(f"{live_server.url}/schedules/keywork/")
    clerk.get_by_role("link", name="迎接市委督查组").click()
    clerk.get_by_text("提前 1 天提醒责任人").wait_for()
    clerk.get_by_role("link", name="修改").click()
    clerk.get_by_role("textbox", name="事项", exact=True).fill("迎接市委督查组（第二轮）")
    clerk.get_by_label("提醒").select_option(label="提前 3 天")
    clerk.get_by_label("追加准备事项（每行一项）").fill("座谈会名单")
    clerk.screenshot(path=str(SHOTS / "key-work-edit.png"), full_page=True)
    assert_accessible(clerk, "修改重点工作")
    clerk.get_by_role("button", name="保存").click()
    clerk.get_by_text("已保存对「迎接市委督查组（第二轮）」的修改").wait_for()
    clerk.get_by_text("提前 3 天提醒责任人").wait_for()

    clerk.get_by_role("button", name="标记完成：汇报材料").click()  # htmx swaps the row in place
    clerk.get_by_role("button", name="取消完成：汇报材料").wait_for()
    clerk.get_by_role("button", name="标记完成", exact=True).click()
    clerk.get_by_text("还有 2 项准备事项未完成").wait_for()
    assert clerk.get_by_role("alert").get_by_text("督查台账").is_visible()
    assert clerk.get_by_role("alert").get_by_text("座谈会名单").is_visible()
    clerk.screenshot(path=str(SHOTS / "key-work-complete-warning.png"), full_page=True)
    assert_accessible(clerk, "标记完成前的提醒")
    item.refresh_from_db()
    assert not item.done
    clerk.get_by_label("确认仍要标记完成").check()
    clerk.get_by_role("button", name="标记完成", exact=True).click()
    clerk.get_by_text("「迎接市委督查组（第二轮）」已标记完成").wait_for()
    clerk.get_by_role("link", name="已完成", exact=True).click()
    clerk.get_by_text("迎接市委督查组（第二轮）").wait_for()
    clerk.screenshot(path=str(SHOTS / "key-work-list-done.png"), full_page=True)
    assert_accessible(clerk, "重点工作：已完成")
    item.refresh_from_db()
    assert item.done
    assert item.version == 3

    phone = browser.new_page(**PHONE)
    log_in(phone, live_server.url, "huangxiaodong")
    phone.goto(f"{live_server.url}/schedules/keywork/")
    phone.get_by_text("全县经济工作会议").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=str(SHOTS / "key-work-list-phone.png"), full_page=True)
    phone.get_by_text("全县经济工作会议").click()
    phone.get_by_text("提前 3 天提醒责任人和相关领导").wait_for()
    phone.screenshot(path=str(SHOTS / "key-work-detail-phone.png"), full_page=True)
    assert_accessible(phone, "重点工作详情（手机）")
    clerk.close()
    phone.close()
