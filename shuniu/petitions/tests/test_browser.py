"""Looked at: the petitions journey at the desk (tablet), the township's reply on a phone, the rating, and a
second visitor's request for review answered by the review body on a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from shuniu.core.idcard import check_digit
from shuniu.core.testing import PageOptions, assert_accessible, log_in
from shuniu.petitions.models import Petition, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.VAR_DIR) / "shots"
SHOTS.mkdir(parents=True, exist_ok=True)
TABLET: PageOptions = {"viewport": {"width": 820, "height": 1180}, "locale": "zh-CN"}
PHONE: PageOptions = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "locale": "zh-CN",
}
ZHANG = "99990119620315001" + check_digit("99990119620315001")  # the demo's returning petitioner


def test_a_returning_visitor_is_recognised_linked_assigned_answered_and_closed(
    browser: Browser, live_server: LiveServer, county: None
) -> None:
    base = live_server.url
    first = Petition.objects.filter(repeat_of__isnull=True, summary__contains="县道").get()
    desk = browser.new_page(**TABLET)
    log_in(desk, base, "sunmei")
    desk.goto(f"{base}/petitions/new/")
    desk.get_by_label("内容分类").select_option(label="土地征收")
    people = desk.locator("fieldset", has_text="第 1 人")
    people.get_by_label("姓名").fill("张建国")
    people.get_by_label("身份证号码").fill(ZHANG)
    desk.get_by_label("反映问题").fill("补偿款仍未领到，乡里说已拨付，本人未收到。")
    desk.get_by_label("诉求").fill("请求核实补偿款去向。")
    desk.get_by_role("button", name="登记").click()
    desk.get_by_text("此前来访过").wait_for()
    assert ZHANG not in desk.locator(".alert-warning").inner_text()  # the earlier record is masked
    desk.screenshot(path=str(SHOTS / "petition-1-repeat-shown.png"), full_page=True)
    assert_accessible(desk, "来访登记（重复访提示，平板）")
    desk.get_by_label(f"同一事项，作为重复访关联：{first.number}", exact=False).check()
    desk.get_by_role("button", name="登记").click()
    desk.get_by_text("的重复访关联").wait_for()
    visit = Petition.objects.exclude(pk=first.pk).filter(summary__startswith="补偿款仍未领到").get()
    assert visit.repeat_of == first

    desk.get_by_label("告知信访人").select_option(value="accept")
    desk.get_by_role("button", name="确定").click()
    desk.get_by_text("已作出告知决定").wait_for()
    notice = desk.request.get(f"{base}/petitions/{visit.pk}/notice.pdf")
    assert notice.body().startswith(b"%PDF")
    desk.get_by_label("交办单位").select_option(label="石门乡")
    desk.get_by_role("button", name="交办").click()
    desk.get_by_text("已交办石门乡").wait_for()
    assert_accessible(desk, "信访事项（已交办）")

    phone = browser.new_page(**PHONE)
    log_in(phone, base, "lixiang")
    phone.goto(f"{base}/petitions/{visit.pk}/")
    assert "张建国" not in phone.content()  # the unit sees the matter, not the person
    phone.get_by_role("textbox", name="答复意见").fill("经核实，补偿款已于本月打入信访人一卡通账户，已当面出示凭证。")
    phone.get_by_role("button", name="提交答复").click()
    phone.get_by_text("答复已提交").wait_for()
    phone.screenshot(path=str(SHOTS / "petition-2-township-reply-phone.png"), full_page=True)
    assert_accessible(phone, "信访事项（乡镇答复，手机）")

    desk.goto(f"{base}/petitions/{visit.pk}/")
    desk.get_by_label("信访人评价").select_option(label="基本满意")
    desk.get_by_role("button", name="记录评价并办结").click()
    desk.get_by_text("已记录评价并办结").wait_for()
    visit.refresh_from_db()
    assert (visit.status, visit.satisfaction) == (Status.CLOSED, "partly")
    desk.screenshot(path=str(SHOTS / "petition-3-closed.png"), full_page=True)
    assert_accessible(desk, "信访事项（已办结）")

    # A second visitor, not satisfied with the written opinion on her matter, asks for review (复查).
    rated = Petition.objects.get(status=Status.CLOSED, summary__contains="高龄津贴")
    desk.goto(f"{base}/petitions/{rated.pk}/")
    desk.get_by_text("请求复查", exact=False).first.click()  # opens the folded form
    desk.get_by_label("复查（复核）机关").select_option(label="县财政局")
    desk.get_by_label("请求理由").fill("津贴标准应按 80 周岁以上档次发放，请求复查。")
    desk.get_by_role("button", name="登记复查请求").click()
    desk.get_by_text("已登记复查请求").wait_for()
    rated.refresh_from_db()
    assert rated.status == Status.REVIEW
    assert "复查期限 剩余" in desk.content()
    desk.screenshot(path=str(SHOTS / "petition-4-review-asked.png"), full_page=True)
    assert_accessible(desk, "信访事项（复查中）")
    body = browser.new_page(**PHONE)
    log_in(body, base, "zhouping")
    body.goto(f"{base}/petitions/{rated.pk}/")
    assert "周玉兰" not in body.content()
    body.get_by_role("textbox", name="答复意见").fill("经复查，按 80 周岁以上标准补发差额 150 元。")
    body.get_by_role("button", name="提交复查意见").click()
    body.get_by_text("意见已提交").wait_for()
    rated.refresh_from_db()
    assert rated.status == Status.REVIEWED
    body.screenshot(path=str(SHOTS / "petition-5-review-answered-phone.png"), full_page=True)
    assert_accessible(body, "信访事项（复查意见，手机）")
