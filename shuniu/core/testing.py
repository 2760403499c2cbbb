"""Test personas, from one place: `def test_x(clerk, leader, outsider): ...`.

Loaded as a pytest plugin by the root conftest. Every persona is made through the services, so
the role rules hold for them as for real users.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import pyotp
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from shuniu.core import services
from shuniu.core.models import Clearance, LeaderProfile, Role, Unit, UnitKind, User

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

PASSWORD = "Test-pass-2026"  # noqa: S105 - test personas only


def pytest_configure(config: pytest.Config) -> None:
    # Transactional tests empty the test database after each test; the audit log's triggers are lifted for it.
    settings.AUDIT_FLUSH_ALLOWED = True


def make_unit(name: str = "县财政局", kind: str = UnitKind.DEPARTMENT) -> Unit:
    unit, _ = Unit.objects.get_or_create(name=name, defaults={"kind": kind})
    return unit


def make_user(
    username: str,
    roles: Collection[str],
    *,
    full_name: str = "",
    unit: Unit | None = None,
    clearance: int = Clearance.NONE,
) -> User:
    """A persona made through the services; one whose role requires it has an authenticator app set up."""
    user = services.user_create(
        username=username,
        full_name=full_name or username,
        roles=list(roles),
        unit=unit,
        clearance=clearance,
        password=PASSWORD,
        actor=None,
        must_change=False,
    )
    if set(roles) & set(settings.SECOND_FACTOR_ROLES):  # not user.second_factor_required: it caches the roles
        enrol_second_factor(user)
    return user


def enrol_second_factor(user: User) -> None:
    """Set up the user's authenticator app as they would: begin, then confirm with the app's code."""
    factor = services.second_factor_begin(user=user, actor=user)
    services.second_factor_confirm(user=user, actor=user, code=pyotp.TOTP(factor.secret).now())


def second_factor_code(username: str) -> str:
    """The code the user's app shows now — accepted again even if one was used this half-minute."""
    from shuniu.core.models import SecondFactor

    factor = SecondFactor.objects.get(user__username=username)
    SecondFactor.objects.filter(pk=factor.pk).update(last_step=0)
    return pyotp.TOTP(factor.secret).now()


def make_leader(username: str, rank: int, *, clearance: int = Clearance.CONFIDENTIAL) -> User:
    user = make_user(username, [Role.LEADER], full_name=f"领导{rank}", clearance=clearance)
    LeaderProfile.objects.create(user=user, rank=rank, post="县委常委")
    return user


def client_for(user: User) -> Client:
    """A client logged in as `user`, as the login page leaves it (with the second step, if they have one)."""
    from shuniu.core.middleware import SECOND_FACTOR_KEY
    from shuniu.core.selectors import second_factor_enabled

    client = Client()
    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR_KEY] = second_factor_enabled(user)
    session.save()
    return client


@pytest.fixture(autouse=True)
def _huey_immediate() -> Iterator[None]:
    """Background tasks run at once, in memory: nothing is queued into var/ by a test."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture
def clerk(db: None) -> User:
    return make_user("clerk", [Role.CLERK], full_name="王文书", unit=make_unit("秘书室", UnitKind.SECTION))


@pytest.fixture
def director(db: None) -> User:
    return make_user("director", [Role.DIRECTOR], full_name="黄主任", clearance=Clearance.CONFIDENTIAL)


@pytest.fixture
def leader(db: None) -> User:
    return make_leader("leader", 1)


@pytest.fixture
def leader2(db: None) -> User:
    return make_leader("leader2", 2, clearance=Clearance.SECRET)


@pytest.fixture
def liaison(db: None) -> User:
    return make_user("liaison", [Role.LIAISON], full_name="周联络", unit=make_unit("县财政局"))


@pytest.fixture
def outsider(db: None) -> User:
    """A liaison of another unit: entitled to nothing of the office's business."""
    return make_user("outsider", [Role.LIAISON], full_name="外单位", unit=make_unit("石门乡", UnitKind.TOWNSHIP))


@pytest.fixture
def auditor(db: None) -> User:
    return make_user("auditor", [Role.AUDITOR], full_name="钱审计")


@pytest.fixture
def sysadmin(db: None) -> User:
    return make_user("sysadmin", [Role.ADMIN], full_name="冯管理")


# Browser tests: Debian's Chromium driven by Playwright (no browser download).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class PageOptions(TypedDict, total=False):
    """The keyword arguments of `Browser.new_page` the browser tests pass."""

    viewport: ViewportSize
    device_scale_factor: float
    is_mobile: bool
    locale: str


def screenshots_dir() -> Path:
    path = Path(settings.VAR_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} 不存在：请运行 make test（它会安装 Debian 的 chromium）。")
    # Playwright's sync API runs an event loop in this thread; the ORM must still work here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def county(transactional_db: None) -> None:
    """The demo county 示例县, as `make demo` loads it."""
    call_command("demo_load", stdout=io.StringIO())


# Accessibility: axe-core (vendored by the axe-playwright-python package; nothing fetched at run
# time) checks each page a browser test visits against WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_axe_runs = 0


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG A/AA violations axe-core finds on the page as it is now."""
    global _axe_runs
    from axe_playwright_python.sync_playwright import Axe

    _axe_runs += 1
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def format_violations(name: str, url: str, violations: list[dict[str, Any]], *, per_rule: int = 8) -> str:
    """One readable block per rule: id, impact, what it asks, and the elements that break it."""
    count = sum(len(violation["nodes"]) for violation in violations)
    lines = [f"{name} ({url}): {count} element(s) break {len(violations)} axe rule(s)"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({len(violation['nodes'])})")
        for node in violation["nodes"][:per_rule]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    - {target}: {summary[:300]}")
        if len(violation["nodes"]) > per_rule:
            lines.append(f"    … and {len(violation['nodes']) - per_rule} more")
    return "\n".join(lines)


def assert_accessible(page: Page, name: str = "") -> None:
    """Fail with a readable list of the WCAG 2 A/AA violations axe-core finds on `page`.

    Call it after every navigation or change of state a browser test makes, on desktop and phone.
    """
    violations = axe_violations(page)
    if violations:
        pytest.fail(format_violations(name or page.url, page.url, violations), pytrace=False)


@pytest.fixture(autouse=True)
def _browser_tests_check_accessibility(request: pytest.FixtureRequest) -> Iterator[None]:
    """A browser test that never runs `assert_accessible` fails: every page it visits must be checked."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    before, failed = _axe_runs, request.session.testsfailed
    yield
    if _axe_runs == before and request.session.testsfailed == failed:
        pytest.fail("浏览器测试必须对所访问的每个页面调用 assert_accessible(page, name)。", pytrace=False)


def log_in(page: Page, base: str, username: str, password: str | None = None) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: url.endswith(("/workbench/", "/accounts/login/code/")))
    if page.url.endswith("/accounts/login/code/"):
        page.get_by_label("验证码").fill(second_factor_code(username))
        page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url(f"{base}/workbench/")


def at_once(*calls: Callable[[], object]) -> list[Any]:
    """Run each callable in its own thread, released together; returns each result or the exception raised.

    For tests of "two people act at once" (use with ``django_db(transaction=True)``).
    """
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = calls[index]()
        except BaseException as exc:  # handed back to the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def xlsx_sheet(data: bytes) -> Worksheet:
    """The sheet an .xlsx file opens on (its active sheet), to read cells from in a test."""
    sheet = load_workbook(io.BytesIO(data)).active
    if not isinstance(sheet, Worksheet):
        pytest.fail("该 Excel 文件打开的不是工作表。")
    return sheet
