"""Journeys in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no download).

Screenshots go to var/screenshots/: open them and look.
"""

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from shuniu.core.testing import assert_accessible, log_in, screenshots_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = screenshots_dir()


def test_clerk_logs_in_and_sees_the_workbench(browser: Browser, live_server: LiveServer, county: None) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    log_in(page, live_server.url, "wangfang")
    assert page.get_by_role("heading", name="王芳，您好").is_visible()
    assert page.get_by_text("全县单位").is_visible()
    assert page.get_by_role("link", name="通讯录", exact=True).is_visible()
    # Styles and icons are served from our own static files.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    page.screenshot(path=str(SHOTS / "workbench-clerk.png"), full_page=True)
    assert_accessible(page, "文书的工作台")

    page.get_by_role("link", name="通讯录", exact=True).click()
    page.get_by_placeholder("单位、姓名或职务").fill("财政")
    expect(page.locator("#directory-list .card")).to_have_count(1)  # (no wait_for_function: the CSP forbids eval)
    assert page.locator("#directory-list").get_by_role("heading", name="县财政局").is_visible()
    page.screenshot(path=str(SHOTS / "directory-clerk.png"), full_page=True)
    assert_accessible(page, "通讯录（检索“财政”）")
    page.close()


def test_leader_reads_the_workbench_on_a_phone(browser: Browser, live_server: LiveServer, county: None) -> None:
    page = browser.new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, locale="zh-CN"
    )
    log_in(page, live_server.url, "zhangjianguo")
    assert page.get_by_text("我的信息").is_visible()
    assert page.get_by_text("县委书记").first.is_visible()
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SHOTS / "workbench-leader-phone.png"), full_page=True)
    assert_accessible(page, "领导的工作台（手机）")
    page.get_by_label("展开导航").click()
    page.locator("#main-nav.show").wait_for()
    assert page.get_by_role("link", name="通讯录", exact=True).is_visible()
    page.screenshot(path=str(SHOTS / "nav-leader-phone.png"))
    assert_accessible(page, "展开的导航（手机）")
    # Signing out from the user menu (its button submits the form that holds the page's CSRF token).
    page.get_by_role("button", name="张建国").click()
    page.get_by_role("button", name="退出").wait_for()
    page.screenshot(path=str(SHOTS / "user-menu-leader-phone.png"))
    assert_accessible(page, "用户菜单（手机）")
    page.get_by_role("button", name="退出").click()
    page.get_by_label("用户名").wait_for()
    assert "/accounts/login/" in page.url
    page.goto(f"{live_server.url}/workbench/")
    assert "/accounts/login/" in page.url  # the session is gone
    page.close()


def test_lockout_message_in_the_browser(browser: Browser, live_server: LiveServer, county: None) -> None:
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page, "登录")
    for _ in range(5):
        page.get_by_label("用户名").fill("wangfang")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
    assert page.get_by_text("账号已锁定 30 分钟").is_visible()
    page.screenshot(path=str(SHOTS / "login-locked.png"))
    assert_accessible(page, "登录（账号已锁定）")
    page.close()
