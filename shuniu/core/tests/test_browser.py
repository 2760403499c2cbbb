"""The auditor's phone was replaced: she sets the authenticator app up again on the phone, then logs in with it."""

from pathlib import Path

import pyotp
import pytest
from django.conf import settings
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from shuniu.core import services
from shuniu.core.models import SecondFactor, User
from shuniu.core.testing import PageOptions, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.VAR_DIR) / "shots"
SHOTS.mkdir(parents=True, exist_ok=True)
PHONE: PageOptions = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "locale": "zh-CN",
}


def test_second_factor_set_up_on_a_phone_then_asked_at_login(
    browser: Browser, live_server: LiveServer, county: None
) -> None:
    auditor = User.objects.get(username="qianli")
    services.second_factor_reset(actor=User.objects.get(username="fenghui"), user=auditor)

    phone = browser.new_page(**PHONE)
    log_in_password_only = f"{live_server.url}/accounts/login/"
    phone.goto(log_in_password_only)
    phone.get_by_label("用户名").fill("qianli")
    phone.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_text("请先用手机上的验证器 App 完成设置").wait_for()
    assert phone.url.endswith("/accounts/second-factor/")
    assert_accessible(phone, "两步验证（未启用）")
    phone.get_by_role("button", name="开始设置").click()
    phone.get_by_role("img", name="两步验证二维码").wait_for()
    phone.screenshot(path=str(SHOTS / "second-factor-setup-phone.png"), full_page=True)
    assert_accessible(phone, "两步验证（扫码）")
    secret = SecondFactor.objects.get(user=auditor).secret
    phone.get_by_label("验证码").fill("123")
    phone.get_by_role("button", name="确认启用").click()
    phone.get_by_text("验证码不正确").wait_for()
    assert_accessible(phone, "两步验证（验证码错误）")
    phone.get_by_label("验证码").fill(pyotp.TOTP(secret).now())
    phone.get_by_role("button", name="确认启用").click()
    phone.get_by_text("恢复码（只显示这一次）").wait_for()
    phone.screenshot(path=str(SHOTS / "second-factor-recovery-codes-phone.png"), full_page=True)
    assert_accessible(phone, "两步验证（恢复码）")
    phone.goto(f"{live_server.url}/audit/")
    assert phone.url.endswith("/audit/")

    desk = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    desk.goto(log_in_password_only)
    desk.get_by_label("用户名").fill("qianli")
    desk.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    desk.get_by_role("button", name="登录").click()
    desk.get_by_role("heading", name="两步验证").wait_for()
    desk.screenshot(path=str(SHOTS / "login-code-desktop.png"), full_page=True)
    assert_accessible(desk, "登录（验证码）")
    desk.close()

    again = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    log_in(again, live_server.url, "qianli")  # password, then the code from the app
    assert again.url.endswith("/workbench/")
    assert_accessible(again, "审计员工作台")
