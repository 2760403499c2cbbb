"""A liaison's tokens page on a phone, and the interactive API documents tried with a token, in headless Chromium.

Screenshots go to var/screenshots/: open them and look.
"""

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from shuniu.core.testing import assert_accessible, log_in, screenshots_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = screenshots_dir()


def test_a_token_is_made_on_a_phone_and_tried_in_the_api_documents(
    browser: Browser, live_server: LiveServer, county: None
) -> None:
    page = browser.new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, locale="zh-CN"
    )
    log_in(page, live_server.url, "zhouping")
    page.goto(f"{live_server.url}/accounts/tokens/")
    page.get_by_label("用途").fill("乡镇督查台账对接")
    page.get_by_label("权限").select_option(label="只读")
    page.get_by_role("button", name="生成令牌").click()
    secret = page.get_by_label("令牌").input_value()
    assert secret.startswith("sn_")
    expect(page.get_by_role("cell", name="乡镇督查台账对接", exact=True)).to_be_visible()
    page.screenshot(path=str(SHOTS / "api-tokens-liaison-phone.png"), full_page=True)
    assert_accessible(page, "接口令牌（联络员，手机）")
    page.close()

    docs = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    docs.goto(f"{live_server.url}/api/docs")  # no login: an integrator's developer reads it with a token
    expect(docs.get_by_role("heading", name="枢纽接口")).to_be_visible()
    assert_accessible(docs, "接口文档")
    docs.get_by_role("button", name="Authorize").click()
    docs.locator(".auth-container input").fill(secret)
    dialog = docs.locator(".dialog-ux")
    dialog.locator("button.authorize").click()
    dialog.get_by_role("button", name="Close").click()
    operation = docs.locator(".opblock-get").filter(has_text="/api/matters").first
    operation.locator(".opblock-summary-control").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("督〔2026〕")
    docs.screenshot(path=str(SHOTS / "api-docs-tried.png"), full_page=False)
    assert_accessible(docs, "接口文档（试用后）")
    docs.close()
