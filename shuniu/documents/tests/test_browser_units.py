"""Units' copies and a sudden trip, in headless Chromium (issue 16's journey).

An urgent document with two handling units is approved; the delivery list shows the leaders' copies
and the units'; one unit's liaison signs on a phone, the clerk records the other's paper receipt; a
leader's trip is entered and the delivery list shows the copy's new destination at once.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize
from pytest_django.live_server_helper import LiveServer

from shuniu.core.models import Unit, User
from shuniu.core.testing import assert_accessible, log_in, screenshots_dir
from shuniu.documents import services
from shuniu.documents.models import Copy, CopyState, Document, UnitCopy, Urgency
from shuniu.documents.tests.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = screenshots_dir()
TITLE = "关于做好强降雪天气防范应对工作的紧急通知"
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def flash(page: Page, text: str) -> None:
    page.get_by_role("alert").filter(has_text=text).first.wait_for()
    assert_accessible(page, text)


def proposed() -> Document:
    clerk, *readers = (
        User.objects.get(username=name) for name in ("wangfang", "liminghua", "wangzhiqiang", "zhangjianguo")
    )
    finance, land = Unit.objects.get(name="县财政局"), Unit.objects.get(name="县自然资源局")
    now = timezone.now()
    document = services.document_register(
        actor=clerk,
        received_at=now - dt.timedelta(minutes=20),
        source_org="示例市应急管理局",
        source_number="示应急明电〔2026〕23号",
        title=TITLE,
        urgency=Urgency.FLASH,
        deadline=now + dt.timedelta(hours=8),
        files=[services.Upload("正文.pdf", PDF)],
    )
    services.proposal_submit(
        document=document, readers=readers, units=[finance, land], lead_unit=finance, copies_allowed=2, actor=clerk
    )
    return document


def test_units_copies_and_a_sudden_trip(browser: Browser, live_server: LiveServer, county: None) -> None:
    base = live_server.url
    document = proposed()

    director = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    log_in(director, base, "huangxiaodong")
    director.goto(f"{base}/documents/{document.pk}/")
    assert director.get_by_text("批准后同时送承办单位各一份").is_visible()
    director.screenshot(path=str(SHOTS / "units-approve.png"), full_page=True)
    assert_accessible(director, "批准（承办单位）")
    director.get_by_role("button", name="批准传阅").click()
    flash(director, "同时送承办单位 2 份")

    clerk = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    log_in(clerk, base, "wangfang")
    clerk.goto(f"{base}/documents/deliveries/")
    going = list(Copy.objects.filter(document=document, state=CopyState.TO_DELIVER).select_related("destination"))
    assert len(going) == 2
    for copy in going:
        assert copy.destination is not None
        assert clerk.locator("tr", has_text=TITLE).filter(has_text=copy.destination.full_name).count() == 1
    to_units = clerk.get_by_role("region", name="送承办单位")
    ours = to_units.locator("tr", has_text=TITLE)
    assert ours.filter(has_text="县财政局").filter(has_text="电子件").count() == 1
    assert ours.filter(has_text="县自然资源局").filter(has_text="第 3 份").count() == 1
    clerk.screenshot(path=str(SHOTS / "units-deliveries.png"), full_page=True)
    assert_accessible(clerk, "送文清单（承办单位）")

    # 县财政局's liaison signs on a phone, from their menu.
    liaison = browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True, device_scale_factor=2)
    log_in(liaison, base, "zhouping")
    liaison.goto(f"{base}/documents/unit/")
    item = liaison.locator("li", has_text=TITLE)
    liaison.screenshot(path=str(SHOTS / "units-liaison-phone.png"), full_page=True)
    assert_accessible(liaison, "本单位来文")
    item.get_by_role("button", name="签收").click()
    flash(liaison, "已签收")
    assert liaison.locator("li", has_text=TITLE).get_by_text("周平 已签收").is_visible()
    liaison.get_by_role("link", name=TITLE).click()
    assert liaison.get_by_role("link", name="正文.pdf").is_visible()  # the electronic copy's text
    liaison.screenshot(path=str(SHOTS / "units-liaison-document-phone.png"), full_page=True)
    assert_accessible(liaison, "承办单位看文件")

    # The clerk records the other unit's paper receipt from the delivery list.
    clerk.goto(f"{base}/documents/deliveries/")
    row = clerk.get_by_role("region", name="送承办单位").locator("tr", has_text=TITLE).filter(has_text="县自然资源局")
    row.get_by_label("县自然资源局 签收人").fill("赵敏")
    row.get_by_role("button", name="登记签收").click()
    flash(clerk, "已签收")
    receipts = {
        c.unit.name: (c.receiver_name, c.recorded_by_id is not None)
        for c in UnitCopy.objects.filter(document=document).select_related("unit")
    }
    assert receipts["县财政局"] == ("周平", False)
    assert receipts["县自然资源局"] == ("赵敏", True)

    # A sudden trip for one of the leaders a copy is on its way to.
    away = going[0].destination
    assert away is not None
    start = timezone.localtime().replace(second=0, microsecond=0)
    clerk.goto(f"{base}/schedules/engagements/new/")
    clerk.get_by_label(f"{away.full_name}（{away.leader_profile.post}）").check()
    clerk.get_by_label("类型").select_option(label="外出")
    clerk.get_by_label("事项").fill("赴省城参加紧急会议")
    clerk.get_by_label("开始").fill(start.strftime("%Y-%m-%dT%H:%M"))
    clerk.get_by_label("结束").fill((start + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    clerk.get_by_role("button", name="保存").click()
    overlap = clerk.get_by_label("确认时间重叠，仍然保存")
    if overlap.count():
        overlap.check()
        clerk.get_by_role("button", name="保存").click()
    clerk.get_by_text("已保存").first.wait_for()

    clerk.goto(f"{base}/documents/deliveries/")
    moved = Copy.objects.select_related("destination").get(pk=going[0].pk)
    assert moved.redirected_from_id == away.pk
    assert moved.destination is not None
    assert moved.destination != away
    row = clerk.locator("tr", has_text=TITLE).filter(has_text="改送")
    assert row.get_by_text(f"原送 {away.full_name}").is_visible()
    assert row.get_by_text(moved.destination.full_name).first.is_visible()
    clerk.screenshot(path=str(SHOTS / "units-redirected.png"), full_page=True)
    assert_accessible(clerk, "送文清单（改送）")
