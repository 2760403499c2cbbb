"""Every page, for every role, passes axe-core's WCAG 2 A/AA rules (desktop and phone).

Each demo login opens the workbench, every entry of its menu and its password page, and from
there every page it can reach by a link (one page per URL pattern; downloads are left out), each
checked at a desktop's width and at a phone's.
"""

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from shuniu.core.models import User
from shuniu.core.navigation import nav_for
from shuniu.core.testing import PageOptions, assert_accessible, axe_violations, format_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    "zhangjianguo",  # leader
    "huangxiaodong",  # director
    "wangfang",  # clerk
    "zhaoqiang",  # supervisor
    "sunmei",  # petition officer
    "zhouping",  # liaison
    "qianli",  # auditor
    "fenghui",  # admin
]
# Files, not pages: exports, printouts, calendar feeds, attachments; and the way out.
NOT_PAGES = re.compile(r"/export|\.(pdf|xlsx|csv|ics|txt)$|format=(xlsx|pdf)|/attachments/|/logout/")
DESKTOP: PageOptions = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
PHONE: PageOptions = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "locale": "zh-CN",
}


def pattern(path: str) -> str:
    """One visit per kind of page: /documents/12/ and /documents/13/ are the same template."""
    return re.sub(r"\d+", "N", path)


def test_login_page_is_accessible(browser: Browser, live_server: LiveServer, county: None) -> None:
    for options in (DESKTOP, PHONE):
        page = browser.new_page(**options)
        page.goto(f"{live_server.url}/accounts/login/")
        assert_accessible(page, "登录")
        page.get_by_label("用户名").fill("wangfang")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
        page.get_by_role("alert").first.wait_for()
        assert_accessible(page, "登录失败")
        page.close()


def test_error_pages_are_accessible(browser: Browser, live_server: LiveServer, county: None) -> None:
    page = browser.new_page(**DESKTOP)
    log_in(page, live_server.url, "zhouping")  # a liaison: no audit log for them
    response = page.goto(f"{live_server.url}/audit/")
    assert response is not None
    assert response.status == 403
    assert_accessible(page, "403 无权访问")
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response is not None
    assert response.status == 404
    assert_accessible(page, "404 未找到")
    page.close()


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_a_role_is_accessible(
    browser: Browser, live_server: LiveServer, county: None, username: str
) -> None:
    base = live_server.url
    user = User.objects.get(username=username)
    page = browser.new_page(**DESKTOP)
    log_in(page, base, username)
    menu = page.eval_on_selector_all("#main-nav a.nav-link[href]", "links => links.map(a => a.pathname)")
    assert {item.url for item in nav_for(user)} <= set(menu)

    found: list[str] = []
    seen: set[str] = set()
    start = [f"{base}/workbench/", *(f"{base}{path}" for path in menu if path != "#")]
    start += [f"{base}/accounts/password/"]
    queue = list(start)
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if pattern(path) in seen or NOT_PAGES.search(path):
            continue
        seen.add(pattern(path))
        response = page.goto(url)
        assert response is not None, f"{username}: {url} → no response"
        assert response.ok, f"{username}: {url} → {response.status}"
        for size, viewport in (("桌面", DESKTOP["viewport"]), ("手机", PHONE["viewport"])):
            page.set_viewport_size(viewport)
            violations = axe_violations(page)
            if violations:
                found.append(format_violations(f"{page.title()}（{size}）", path, violations))
        page.set_viewport_size(DESKTOP["viewport"])
        links = page.eval_on_selector_all("main a[href], #content a[href]", "links => links.map(a => a.href)")
        queue += [urldefrag(link).url for link in links if link.startswith(base)]
    if found:
        pytest.fail(f"{username}（{len(seen)} 个页面）：\n" + "\n".join(found), pytrace=False)

    # On a phone: the workbench and the opened menu.
    phone = browser.new_page(**PHONE)
    log_in(phone, base, username)
    assert_accessible(phone, f"{username} 手机工作台")
    phone.get_by_label("展开导航").click()
    phone.locator("#main-nav.show").wait_for()
    assert_accessible(phone, f"{username} 手机导航")
    page.close()
    phone.close()
