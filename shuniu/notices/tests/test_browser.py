"""Looked at: a notice to every township called by two staff side by side, a time read back wrong and put
right, a liaison confirming on a phone, the time changed and the reached units back to 'call again', the
follow-up sheet printed."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page
from pytest_django.live_server_helper import LiveServer

from shuniu.core.testing import PageOptions, assert_accessible, log_in
from shuniu.notices.models import Notice, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.VAR_DIR) / "shots"
SHOTS.mkdir(parents=True, exist_ok=True)
DESK: PageOptions = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
PHONE: PageOptions = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "locale": "zh-CN",
}


def fact(page: Page, label: str) -> Locator:
    return page.locator("div.border", has=page.locator("strong", has_text=label))


def test_a_notice_called_read_back_confirmed_changed_and_printed(
    browser: Browser, live_server: LiveServer, county: None
) -> None:
    base = live_server.url
    starts = timezone.localtime() + dt.timedelta(days=3)
    wang = browser.new_page(**DESK)
    log_in(wang, base, "wangfang")
    wang.goto(f"{base}/notices/new/")
    wang.get_by_label("事由").fill("召开全县安全生产工作会议")
    wang.get_by_label("会议（活动）时间").fill(starts.strftime("%Y-%m-%dT09:00"))
    wang.get_by_label("会议（活动）地点").fill("县委大楼三楼第二会议室")
    wang.locator("#id_attendees").fill("各乡镇安全生产分管领导")
    wang.get_by_label("全部乡镇").check()
    assert_accessible(wang, "拟发电话通知")
    wang.get_by_role("button", name="拟发并开始通知").click()
    wang.get_by_text("共 15 个单位待通知").wait_for()
    notice = Notice.objects.get(subject="召开全县安全生产工作会议")
    sheet = f"{base}/notices/{notice.pk}/"

    li = browser.new_page(**DESK)  # a second clerk on the same sheet
    log_in(li, base, "lina")
    li.goto(sheet)
    wang.get_by_role("button", name="拨打东山镇").click()
    wang.get_by_role("heading", name="拨打 东山镇").wait_for()
    li.get_by_role("button", name="拨打东山镇").click()
    li.get_by_text("王芳正在拨打东山镇").wait_for()  # held by its caller: not called twice
    wang.get_by_label("接听人").fill("党政办刘秘书")
    wang.get_by_label("已接通").check()
    time_fact = fact(wang, "时间")
    time_fact.get_by_label("复述有误", exact=True).check()
    time_fact.get_by_label("时间：对方说成").fill("下午 9 点")
    time_fact.get_by_label("已更正，再次复述正确").check()
    for label in ("地点", "参加人员"):
        fact(wang, label).get_by_label("复述正确", exact=True).check()
    wang.screenshot(path=str(SHOTS / "notice-1-read-back.png"), full_page=True)
    assert_accessible(wang, "拨打单位（复述核对）")
    wang.get_by_role("button", name="登记").click()
    wang.get_by_text("东山镇：已确认，复述无误").wait_for()

    li.get_by_role("button", name="拨打西河镇").click()
    li.get_by_label("接听人").fill("值班员")
    li.get_by_label("已接通").check()
    for label in ("时间", "地点", "参加人员"):
        fact(li, label).get_by_label("复述正确", exact=True).check()
    li.get_by_role("button", name="登记").click()
    li.get_by_text("西河镇：已确认").wait_for()

    phone = browser.new_page(**PHONE)
    log_in(phone, base, "wuxia")  # 城关镇's liaison
    phone.goto(sheet)
    assert "东山镇" not in phone.content()  # their own unit only
    for label in ("时间", "地点", "参加人员"):
        phone.get_by_label(label, exact=False).first.check()
    phone.get_by_role("button", name="确认收到").click()
    phone.get_by_text("已确认收到通知").wait_for()
    phone.screenshot(path=str(SHOTS / "notice-2-liaison-phone.png"), full_page=True)
    assert_accessible(phone, "电话通知（联络员确认，手机）")

    wang.goto(sheet)
    wang.get_by_text("变更时间或地点", exact=False).click()
    wang.get_by_label("新的时间").fill(starts.strftime("%Y-%m-%dT14:30"))
    wang.get_by_role("button", name="变更").click()
    wang.get_by_text("第 2 版变更").wait_for()
    states = dict(notice.recipients.values_list("unit__name", "state"))
    assert states["东山镇"] == states["西河镇"] == states["城关镇"] == State.RECALL
    assert states["石门乡"] == State.PENDING
    wang.screenshot(path=str(SHOTS / "notice-3-changed.png"), full_page=True)
    assert_accessible(wang, "电话通知（变更后）")
    pdf = wang.request.get(f"{sheet}sheet.pdf")
    assert pdf.body().startswith(b"%PDF")
