"""An urgent document from registration to closure, as the office lives it, in headless Chromium."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from shuniu.core.testing import assert_accessible, log_in, screenshots_dir
from shuniu.documents.models import Document, Reading, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = screenshots_dir()
TITLE = "关于做好寒潮天气防范应对工作的紧急通知"


def flash(page: Page, text: str) -> None:
    """Wait for the message the page shows after an action."""
    page.get_by_role("alert").filter(has_text=text).first.wait_for()
    assert_accessible(page, text)


def test_urgent_document_journey(browser: Browser, live_server: LiveServer, county: None) -> None:
    base = live_server.url
    deadline = timezone.localtime() + dt.timedelta(hours=6)

    clerk = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    log_in(clerk, base, "wangfang")
    clerk.goto(f"{base}/documents/new/")
    clerk.get_by_label("来文单位").fill("示例市应急管理局")
    clerk.get_by_label("发文字号").fill("示应急明电〔2026〕19号")
    clerk.get_by_label("标题").fill(TITLE)
    clerk.get_by_label("紧急程度").select_option(label="特急")
    clerk.get_by_label("文件类型").select_option(label="批办件")
    clerk.get_by_label("办理时限").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    clerk.screenshot(path=str(SHOTS / "document-register.png"), full_page=True)
    assert_accessible(clerk, "收文登记")
    clerk.get_by_role("button", name="登记").click()
    flash(clerk, "已登记")
    document = Document.objects.get(title=TITLE)

    clerk.get_by_role("link", name="拟办").click()
    clerk.get_by_label("李明华（县委副书记、县长）").check()
    clerk.get_by_label("王志强（县委副书记）").check()
    clerk.get_by_label("传阅份数").fill("2")
    clerk.get_by_label("拟办意见").fill("建议呈李县长、王副书记阅示。")
    clerk.screenshot(path=str(SHOTS / "document-proposal.png"), full_page=True)
    assert_accessible(clerk, "拟办")
    clerk.get_by_role("button", name="提交主任审批").click()
    flash(clerk, "拟办已提交")

    # The director hears of it: a count in the menu, the item in 我的事项 (待办).
    director = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    log_in(director, base, "huangxiaodong")
    assert director.locator(".navbar").get_by_text(re.compile(r"待办 \d+")).is_visible()
    director.get_by_role("link", name="我的事项").click()
    director.screenshot(path=str(SHOTS / "inbox-director.png"), full_page=True)
    assert_accessible(director, "主任的待办")
    director.get_by_role("link", name=TITLE).click()
    director.get_by_label("退回拟办的理由").fill("请增加分管应急的副县长")
    director.get_by_role("button", name="退回拟办").click()
    flash(director, "已退回拟办")

    # The clerk sees 已退回 with the reason, and proposes again from a form that kept the readers.
    clerk.goto(f"{base}/accounts/inbox/")
    assert clerk.locator(".navbar").get_by_text(re.compile(r"待办 \d+")).is_visible()
    assert clerk.get_by_text("请增加分管应急的副县长").is_visible()
    clerk.screenshot(path=str(SHOTS / "inbox-clerk-sent-back.png"), full_page=True)
    assert_accessible(clerk, "文书的待办（已退回）")
    clerk.get_by_role("link", name=TITLE).click()
    assert clerk.get_by_text("主任退回拟办：请增加分管应急的副县长").is_visible()
    clerk.get_by_role("link", name="拟办", exact=True).click()
    assert clerk.get_by_label("李明华（县委副书记、县长）").is_checked()
    clerk.get_by_role("button", name="提交主任审批").click()
    flash(clerk, "拟办已提交")

    director.goto(f"{base}/documents/{document.pk}/")
    assert_accessible(director, "主任审批")
    director.get_by_label("审批意见").fill("同意，请抓紧传阅。")
    director.get_by_role("button", name="批准传阅").click()
    flash(director, "已批准传阅")
    document.refresh_from_db()
    assert document.status == Status.CIRCULATING
    assert document.copies.count() == 2

    clerk.goto(f"{base}/documents/deliveries/")
    clerk.screenshot(path=str(SHOTS / "document-deliveries.png"), full_page=True)
    assert_accessible(clerk, "送文清单")
    for _ in range(2):
        clerk.locator("tr", has_text=TITLE).get_by_role("button", name="确认送达").first.click()
        flash(clerk, "已送达")

    phone = browser.new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, locale="zh-CN"
    )
    log_in(phone, base, "liminghua")
    phone.goto(f"{base}/accounts/inbox/?tab=toread")
    assert phone.get_by_text("新送达").first.is_visible()
    phone.screenshot(path=str(SHOTS / "inbox-leader-phone.png"), full_page=True)
    assert_accessible(phone, "领导的待阅（手机）")
    phone.goto(f"{base}/documents/desk/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=str(SHOTS / "document-desk-phone.png"), full_page=True)
    assert_accessible(phone, "待阅文件（手机）")
    phone.get_by_text(TITLE).click()
    phone.get_by_label("批示", exact=True).fill("请县应急管理局牵头，立即部署，今晚报告落实情况。")
    phone.get_by_label("批示要求办理（转督办）").check()
    phone.screenshot(path=str(SHOTS / "document-sign-phone.png"), full_page=True)
    assert_accessible(phone, "签阅（手机）")
    phone.get_by_role("button", name="已阅").click()
    flash(phone, "已签阅")

    desk = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    log_in(desk, base, "wangzhiqiang")
    desk.goto(f"{base}/documents/desk/")
    assert_accessible(desk, "待阅文件")
    desk.get_by_text(TITLE).click()
    assert desk.get_by_text("请县应急管理局牵头").is_visible()  # later readers see earlier instructions
    assert_accessible(desk, "签阅（已有批示）")
    desk.get_by_role("button", name="已阅").click()
    flash(desk, "已签阅")

    document.refresh_from_db()
    assert document.status == Status.READ
    assert document.needs_supervision

    # Supervision staff are told: 待转督办 in their inbox.
    supervisor = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    log_in(supervisor, base, "zhaoqiang")
    supervisor.goto(f"{base}/accounts/inbox/")
    assert supervisor.get_by_text("待转督办").first.is_visible()
    assert supervisor.get_by_text("请县应急管理局牵头").is_visible()
    supervisor.screenshot(path=str(SHOTS / "inbox-supervisor.png"), full_page=True)
    assert_accessible(supervisor, "督查的待转督办")
    supervisor.close()
    assert Reading.objects.filter(document=document, signed_at__isnull=False).count() == 2

    director.goto(f"{base}/documents/{document.pk}/")
    assert_accessible(director, "待办结的文件")
    director.get_by_label("办理结果").fill("已按批示部署，县应急管理局当晚报告落实情况。")
    director.get_by_role("button", name="办结").click()
    flash(director, "已办结")
    director.screenshot(path=str(SHOTS / "document-closed.png"), full_page=True)
    document.refresh_from_db()
    assert document.status == Status.CLOSED
    for page in (clerk, director, phone, desk):
        page.close()


def test_the_new_pages_of_the_office_morning(
    browser: Browser, live_server: LiveServer, county: None, tmp_path: Path
) -> None:
    """待我审批 from the workbench with the forecast; the unit picker; a kept attachment; 委托代阅;
    我的批示; the audit log in words; the phone menu's badge — each looked at and checked with axe."""
    base = live_server.url
    director = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    log_in(director, base, "huangxiaodong")
    panel = director.locator(".card").filter(has_text="待我审批")
    director.screenshot(path=str(SHOTS / "workbench-director.png"), full_page=True)
    assert_accessible(director, "主任工作台")
    panel.get_by_role("link", name=re.compile("城镇燃气安全专项整治")).click()
    director.get_by_text(re.compile("预计 .* 传阅完毕")).first.wait_for()
    director.screenshot(path=str(SHOTS / "document-approve-forecast.png"), full_page=True)
    assert_accessible(director, "审批前的预测")

    clerk = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    log_in(clerk, base, "wangfang")
    clerk.locator(".card").filter(has_text="已退回，待修改拟办").get_by_role("link").first.click()
    clerk.get_by_label("筛选选项").fill("应急")
    clerk.get_by_label("县应急管理局").check()
    assert not clerk.get_by_label("县财政局").is_visible()  # narrowed by the filter
    clerk.get_by_text("已选 1 个：县应急管理局").wait_for()
    clerk.screenshot(path=str(SHOTS / "proposal-unit-picker.png"), full_page=True)
    assert_accessible(clerk, "承办单位选择")

    pdf = tmp_path / "正文.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    clerk.goto(f"{base}/documents/new/")
    clerk.get_by_label("来文单位").fill("示例市教育局")
    clerk.get_by_label("附件（PDF、OFD、PNG、JPEG；涉密文件不得上传）").set_input_files(str(pdf))
    clerk.get_by_role("button", name="登记").click()  # no title: the form comes back
    clerk.get_by_text("已选附件已保留，无需重新选择：正文.pdf").wait_for()
    assert_accessible(clerk, "登记表单出错后保留附件")
    clerk.get_by_label("标题").fill("关于做好寒假安全教育的通知")
    clerk.get_by_role("button", name="登记").click()
    flash(clerk, "已登记")
    assert Document.objects.get(title="关于做好寒假安全教育的通知").attachments.count() == 1
    clerk.get_by_role("link", name="更正登记信息").click()
    clerk.get_by_label("标题").fill("关于做好寒假期间安全教育的通知")
    clerk.get_by_role("button", name="保存更正").click()  # no reason: the form says so
    clerk.get_by_text("请填写更正说明").wait_for()
    assert_accessible(clerk, "更正登记")
    clerk.get_by_label("更正说明").fill("标题漏字")
    clerk.get_by_role("button", name="保存更正").click()
    flash(clerk, "已更正")
    clerk.get_by_text("状态记录", exact=True).click()
    clerk.get_by_text("更正标题：标题漏字").wait_for()

    leader = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    log_in(leader, base, "fengtao")
    badge = leader.locator(".navbar-toggler .toggler-badge")
    assert badge.is_visible()
    assert int(badge.inner_text()) >= 1
    leader.screenshot(path=str(SHOTS / "phone-menu-badge.png"))
    assert_accessible(leader, "手机菜单角标")
    leader.goto(f"{base}/documents/desk/")
    leader.get_by_text("您的文件正由").wait_for()
    leader.screenshot(path=str(SHOTS / "desk-delegated-phone.png"), full_page=True)
    assert_accessible(leader, "待阅文件（已委托）")
    leader.goto(f"{base}/documents/delegate/")
    leader.get_by_text("正在代阅").wait_for()
    leader.screenshot(path=str(SHOTS / "delegation-phone.png"), full_page=True)
    assert_accessible(leader, "委托代阅")
    leader.get_by_role("button", name="撤销").first.click()
    flash(leader, "已撤销")

    mayor = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    log_in(mayor, base, "liminghua")
    mayor.goto(f"{base}/documents/instructions/")
    mayor.get_by_text("同意，请按要求抓好落实。").first.wait_for()
    mayor.screenshot(path=str(SHOTS / "my-instructions.png"), full_page=True)
    assert_accessible(mayor, "我的批示")

    auditor = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    log_in(auditor, base, "qianli")
    auditor.goto(f"{base}/audit/")
    auditor.get_by_label("操作", exact=True).select_option(label="委托代阅")
    auditor.get_by_role("button", name="筛选").click()
    auditor.get_by_role("cell", name=re.compile("领导：冯涛")).first.wait_for()
    auditor.screenshot(path=str(SHOTS / "audit-in-words.png"), full_page=True)
    assert_accessible(auditor, "审计日志")
