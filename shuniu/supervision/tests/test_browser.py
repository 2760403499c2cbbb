"""Looked at: the supervision staff's list and an overdue matter; the liaison signs and reports on a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from shuniu.core.testing import PageOptions, assert_accessible, log_in
from shuniu.supervision.models import Assignment, Matter, Receipt, Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.VAR_DIR) / "shots"
SHOTS.mkdir(parents=True, exist_ok=True)
PHONE: PageOptions = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "locale": "zh-CN",
}


def test_staff_see_the_overdue_matter_and_a_liaison_signs_and_reports_on_a_phone(
    browser: Browser, live_server: LiveServer, county: None
) -> None:
    desk = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    log_in(desk, live_server.url, "zhaoqiang")
    desk.get_by_role("link", name="督查督办").first.click()
    desk.get_by_text("冬季集中供暖资金保障").wait_for()
    assert desk.get_by_text("已逾期").count() >= 1
    desk.screenshot(path=str(SHOTS / "supervision-list-staff.png"), full_page=True)
    assert_accessible(desk, "督查督办（督查室）")
    desk.get_by_text("冬季集中供暖资金保障").click()
    desk.get_by_role("heading", name="催办记录").wait_for()
    desk.screenshot(path=str(SHOTS / "supervision-matter-overdue.png"), full_page=True)
    assert_accessible(desk, "督办事项（已逾期）")
    reported = Matter.objects.get(title="县城主干道冬季除雪预案")
    desk.goto(f"{live_server.url}/supervision/{reported.pk}/")
    desk.get_by_role("heading", name="复核办结报告").wait_for()
    desk.screenshot(path=str(SHOTS / "supervision-review.png"), full_page=True)
    assert_accessible(desk, "督办事项（待复核）")
    desk.get_by_role("button", name="办结").click()
    desk.get_by_text("事项已办结").wait_for()
    reported.refresh_from_db()
    assert reported.status == "closed"
    assert_accessible(desk, "督办事项（已办结）")

    roads = Matter.objects.get(title__startswith="县委常委会议定事项")
    phone = browser.new_page(**PHONE)
    log_in(phone, live_server.url, "zhouping")
    phone.goto(f"{live_server.url}/supervision/")
    phone.get_by_text("县委常委会议定事项：农村公路养护").wait_for()
    assert_accessible(phone, "督查督办（联络员，手机）")
    phone.get_by_text("县委常委会议定事项：农村公路养护").click()
    phone.get_by_role("button", name="签收").click()
    phone.get_by_text("县财政局已签收").wait_for()
    assert Assignment.objects.get(matter=roads, unit__name="县财政局").receipt == Receipt.SIGNED
    assert_accessible(phone, "督办事项（已签收）")
    overdue = Matter.objects.get(title="冬季集中供暖资金保障")
    phone.goto(f"{live_server.url}/supervision/{overdue.pk}/")
    phone.get_by_label("进展情况").fill("第二批资金 380 万元已拨付。")
    phone.get_by_label("完成进度（%）").fill("80")
    phone.screenshot(path=str(SHOTS / "supervision-report-phone.png"), full_page=True)
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("进展已报告").wait_for()
    assert Report.objects.filter(matter=overdue, percent=80).exists()
    assert_accessible(phone, "督办事项（已报告进展）")
