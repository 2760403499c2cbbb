"""Looked at: the menu's search box on a desk and on a phone, results grouped by kind, a key project's page
from a result, and its unit's liaison reporting progress on a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from shuniu.core.models import Role, User
from shuniu.core.services import user_create
from shuniu.core.testing import PageOptions, assert_accessible, log_in
from shuniu.knowledge.models import Progress, Project

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


def test_search_from_the_menu_then_a_project_reported_on_a_phone(
    browser: Browser, live_server: LiveServer, county: None
) -> None:
    base = live_server.url
    director = browser.new_page(**DESK)
    log_in(director, base, "huangxiaodong")
    box = director.get_by_label("全局搜索")
    box.fill("供水")
    box.press("Enter")
    director.get_by_role("heading", name="重点项目").wait_for()
    assert_accessible(director, "全局搜索")
    director.screenshot(path=str(SHOTS / "search-desk.png"), full_page=True)
    director.get_by_role("link", name="城乡供水一体化工程").click()
    director.get_by_role("heading", name="城乡供水一体化工程").wait_for()
    assert (
        director.get_by_text("黄灯").count()
        + director.get_by_text("红灯").count()
        + director.get_by_text("绿灯").count()
        >= 1
    )
    assert_accessible(director, "重点项目")

    project = Project.objects.get(name="城乡供水一体化工程")
    liaison = browser.new_page(**PHONE)  # the water bureau's liaison
    user_create(
        username="shuiwu",
        full_name="水务联络员",
        roles=[Role.LIAISON],
        unit=project.unit,
        password="Shuniu@2026x",
        actor=None,
        must_change=False,
    )
    assert User.objects.filter(username="shuiwu").exists()
    log_in(liaison, base, "shuiwu", "Shuniu@2026x")
    liaison.goto(f"{base}/knowledge/projects/{project.pk}/")
    liaison.get_by_label("本年完成投资（万元）").fill("15000")
    liaison.get_by_label("累计完成投资（万元）").fill("28600")
    liaison.get_by_label("形象进度（%）").fill("80")
    liaison.get_by_label("进展情况").fill("管网铺设完成，两个乡镇通水试运行。")
    assert_accessible(liaison, "填报项目进展")
    liaison.get_by_role("button", name="填报", exact=True).click()
    liaison.get_by_text("已填报项目进展").wait_for()
    liaison.screenshot(path=str(SHOTS / "project-phone.png"), full_page=True)
    latest = Progress.objects.filter(project=project).order_by("-as_of").first()
    assert latest is not None
    assert latest.as_of == timezone.localdate()
    assert latest.recorded_by.username == "shuiwu"
