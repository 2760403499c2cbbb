"""Looked at: the supervision staff's list and an overdue matter; the liaison signs and reports on a phone."""

import datetime as dt
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


def test_the_journey_from_a_leaders_instruction_to_the_leaders_comment_on_the_feedback(
    browser: Browser, live_server: LiveServer, county: None
) -> None:
    """The issue's journey: instruction → 待转督办 → registered → signed and reported on a phone → overdue,
    red, chased → extension asked and approved → completion → closed → the leader reads and comments."""
    from django.utils import timezone

    from shuniu.documents.models import Document
    from shuniu.supervision.models import Comment, Extension

    base = live_server.url
    document = Document.objects.get(needs_supervision=True)
    staff = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    log_in(staff, base, "zhaoqiang")
    staff.goto(f"{base}/documents/{document.pk}/")
    staff.get_by_role("link", name="交办登记").click()
    staff.get_by_role("heading", name="交办登记").wait_for()
    assert staff.get_by_label("领导批示原文").input_value().startswith("王志强：")
    staff.get_by_label("主办单位").select_option(label="县财政局")
    staff.screenshot(path=str(SHOTS / "journey-1-register.png"), full_page=True)
    assert_accessible(staff, "交办登记（来自文件）")
    staff.get_by_role("button", name="登记并交办").click()
    staff.get_by_text("已登记").wait_for()
    matter = Matter.objects.get(document=document)
    assert matter.instructing_leader is not None
    assert matter.instructing_leader.username == "wangzhiqiang"
    detail = f"{base}/supervision/{matter.pk}/"
    # The co-unit from the proposal (县自然资源局) took the notice by phone: staff record it.
    co = staff.locator("li.list-group-item", has_text="县自然资源局")
    co.get_by_label("签收人").fill("自然资源局 李股长")
    co.get_by_role("button", name="登记签收").click()
    staff.get_by_text("县自然资源局已签收").wait_for()

    phone = browser.new_page(**PHONE)
    log_in(phone, base, "zhouping")
    phone.get_by_role("button", name="展开导航").click()  # the liaison opens 我的事项 from the menu
    phone.get_by_role("link", name="我的事项").click()
    phone.get_by_text("待签收督办").first.wait_for()
    phone.screenshot(path=str(SHOTS / "journey-2-liaison-inbox.png"), full_page=True)
    phone.get_by_text(matter.title).first.click()
    phone.get_by_role("button", name="签收").click()
    phone.get_by_text("县财政局已签收").wait_for()
    phone.get_by_label("进展情况").fill("已部署全县森林防火检查，完成 40%。")
    phone.get_by_label("完成进度（%）").fill("40")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("进展已报告").wait_for()
    phone.screenshot(path=str(SHOTS / "journey-2-liaison-phone.png"), full_page=True)
    assert_accessible(phone, "督办事项（联络员报告进展，手机）")

    # The deadline passes.
    past = timezone.now() - dt.timedelta(days=1)
    Matter.objects.filter(pk=matter.pk).update(deadline=past, measured_deadline=past)
    staff.goto(detail)
    staff.get_by_text("红灯 已逾期").wait_for()
    staff.get_by_label("联系对象").fill("财政局 王科长")
    staff.get_by_label("催办结果").fill("承诺两日内报送")
    staff.get_by_role("button", name="登记", exact=True).click()
    staff.get_by_text("催办已登记").wait_for()
    assert_accessible(staff, "督办事项（逾期、已催办）")

    phone.goto(detail)
    phone.get_by_text("不能按期办结？").click()
    later = timezone.localtime() + dt.timedelta(days=7)
    phone.get_by_label("预计办结时间").fill(later.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_label("延期理由").fill("山区防火通道改造需等待材料到货")
    phone.get_by_label("目前进展").fill("已完成 40%")
    phone.get_by_role("button", name="提交延期申请").click()
    phone.get_by_text("延期申请已提交").wait_for()

    staff.goto(detail)
    staff.get_by_role("button", name="同意延期").click()
    staff.get_by_text("已同意延期").wait_for()
    assert Extension.objects.get(matter=matter).status == "approved"
    staff.screenshot(path=str(SHOTS / "journey-3-extension.png"), full_page=True)
    assert_accessible(staff, "督办事项（已同意延期）")

    phone.goto(detail)
    phone.get_by_label("进展情况").fill("防火检查和通道改造全部完成。")
    phone.get_by_label("这是办结报告（主办单位）").check()
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("办结报告已提交").wait_for()

    staff.goto(detail)
    staff.get_by_role("button", name="办结").click()
    staff.get_by_text("事项已办结").wait_for()

    leader = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(leader, base, "wangzhiqiang")
    leader.get_by_role("link", name="我的事项").click()
    leader.get_by_text("督办反馈待阅示").first.wait_for()
    leader.get_by_text(matter.title).first.click()
    leader.get_by_role("heading", name="反馈报告与领导阅示").wait_for()
    assert leader.get_by_role("link", name="查看反馈报告（PDF）").count() == 1
    leader.get_by_label("阅示意见").fill("很好。入冬后要再组织一次防火演练，演练情况报我。")
    leader.get_by_label("需继续办理（开启新一轮督办）").check()
    leader.screenshot(path=str(SHOTS / "journey-4-leader-comment.png"), full_page=True)
    assert_accessible(leader, "督办事项（领导阅示反馈报告）")
    leader.get_by_role("button", name="阅示").click()
    leader.get_by_text("事项重新交办承办单位继续办理").wait_for()
    matter.refresh_from_db()
    assert (matter.status, matter.round) == ("acting", 2)
    assert Comment.objects.get(matter=matter).more
