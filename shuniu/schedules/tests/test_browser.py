"""A clerk enters a three-day trip; the weekly plan shows it; the leader reads it on a phone."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from shuniu.core.testing import assert_accessible, log_in, screenshots_dir
from shuniu.schedules.models import Engagement
from shuniu.schedules.selectors import monday_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = screenshots_dir()


def test_trip_from_entry_to_the_leaders_phone(browser, live_server, county):
    next_monday = monday_of(timezone.localdate()) + dt.timedelta(days=7)
    tuesday, thursday = next_monday + dt.timedelta(days=1), next_monday + dt.timedelta(days=3)

    clerk = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    log_in(clerk, live_server.url, "wangfang")
    clerk.goto(f"{live_server.url}/schedules/engagements/new/")
    clerk.get_by_label("领导").select_option(label="李明华（县委副书记、县长）")
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
    assert "CJK" in fonts and " yes " in fonts  # Chinese font embedded

    phone = browser.new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, locale="zh-CN"
    )
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
