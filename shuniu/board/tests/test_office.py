"""The office board: its figures are the modules' own, its charts the tables' numbers, its reach the viewer's."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser
from pytest_django import DjangoAssertNumQueries
from pytest_django.live_server_helper import LiveServer

from shuniu.board.selectors import board_figures
from shuniu.core.models import User
from shuniu.core.testing import PageOptions, assert_accessible, client_for, log_in
from shuniu.core.workcal import WorkingCalendar
from shuniu.documents import selectors as documents
from shuniu.supervision.selectors import matter_light, matter_list

SHOTS = Path(settings.VAR_DIR) / "shots"
DESK: PageOptions = {"viewport": {"width": 1440, "height": 1000}, "locale": "zh-CN"}
WALL: PageOptions = {"viewport": {"width": 1920, "height": 1080}, "locale": "zh-CN"}
PHONE: PageOptions = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}


@pytest.mark.django_db(transaction=True)
def test_the_demo_countys_board_agrees_with_the_modules(county: None) -> None:
    director = User.objects.get(username="huangxiaodong")
    now = timezone.now()
    board = board_figures(director, now)
    figures, charts = board["figures"], board["charts"]
    assert figures["documents"]["circulating"] == documents.figures(director, now)["circulating"]
    assert figures["documents"]["circulating"] > 0
    open_matters = list(matter_list(director))
    assert figures["supervision"]["open"] == len(open_matters) > 0
    calendar = WorkingCalendar.load()
    lights = [matter_light(m, now, calendar) for m in open_matters]  # as the list shows them
    assert figures["supervision"]["red"] == lights.count("red")
    assert figures["supervision"]["yellow"] == lights.count("yellow")
    lit = len([light for light in lights if light])
    assert sum(row.red + row.yellow + row.green for row in figures["supervision"]["by_unit"]) == lit
    # The charts draw the tables' numbers.
    rows = figures["supervision"]["by_unit"][:12]
    assert charts["lights"] == {
        "units": [r.unit for r in rows],
        "green": [r.green for r in rows],
        "yellow": [r.yellow for r in rows],
        "red": [r.red for r in rows],
    }
    assert charts["circulation"]["mean"] == [row["mean"] for row in figures["documents"]["by_urgency"]]
    assert sum(charts["trend"]["documents"]) >= 1
    # The page carries the same JSON it shows in its tables.
    page = client_for(director).get(reverse("office:board"))
    found = re.search(r'<script id="board-charts" type="application/json">(.*?)</script>', page.text, re.S)
    assert found is not None
    assert json.loads(found.group(1))["lights"]["red"] == charts["lights"]["red"]


# A figure's link, and the number beside or inside it: `<a href="…">3</a>`, or a card's `board-number`.
FIGURE_LINK = re.compile(
    r'<a[^>]*href="([^"]+)"[^>]*>\s*(?:<span class="board-number[^"]*">)?(\d+)(?:</span>)?[^<]*(?:<span[^>]*>[^<]*</span>)?\s*</a>'
)
UNIT_ROW = re.compile(r'<a href="([^"]+\?unit=\d+)">[^<]+</a></th><td[^>]*>(\d+)</td><td>(\d+)</td><td>(\d+)</td>')


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["huangxiaodong", "wangfang", "wangzhiqiang", "zhaoqiang"])
def test_every_number_opens_the_list_that_counts_it(county: None, username: str) -> None:
    client = client_for(User.objects.get(username=username))
    board = client.get(reverse("office:board")).text.replace("&amp;", "&")
    followed = 0
    for href, number in FIGURE_LINK.findall(board):
        if not any(key in href for key in ("?late=", "?due=", "?only=", "?status=circulating", "/supervision/")):
            continue  # figures pages and lists shown whole (notices, key work): no rows to count against
        response = client.get(href)
        assert response.status_code == 200, href
        rows = response.context["page"]
        assert not rows.has_next, href  # the demo's lists fit on a page
        assert len(rows) == int(number), f"{href}: the board says {number}, the list shows {len(rows)}"
        followed += 1
    for href, red, yellow, green in UNIT_ROW.findall(board):  # a unit's lights: that unit's open matters, lit
        rows = client.get(href).context["rows"]
        assert [row.light for row in rows if row.light].count("red") == int(red), href
        assert len([1 for row in rows if row.light]) == int(red) + int(yellow) + int(green), href
        followed += 1
    assert followed >= 2  # a clerk: documents only


@pytest.mark.django_db
def test_who_sees_it(leader: User, director: User, clerk: User, liaison: User, auditor: User) -> None:
    for person in (leader, director, clerk):
        assert client_for(person).get(reverse("office:board")).status_code == 200
    for person in (liaison, auditor):
        assert client_for(person).get(reverse("office:board")).status_code == 403
        assert client_for(person).get(reverse("office:wall")).status_code == 403
    wall = client_for(director).get(reverse("office:wall"))
    assert 'data-refresh="60"' in wall.text  # board.js reads the figures again every minute
    assert 'class="navbar' not in wall.text  # no menu on the office's screen


@pytest.mark.django_db
def test_a_leader_sees_no_office_wide_stuck_count(leader: User, director: User) -> None:
    assert board_figures(leader)["figures"]["documents"]["stuck"] is None
    assert board_figures(director)["figures"]["documents"]["stuck"] == 0
    assert "份滞留" not in client_for(leader).get(reverse("office:board")).text


@pytest.mark.django_db
def test_a_page_reloading_itself_is_not_someone_working(director: User) -> None:
    from shuniu.core.middleware import SESSION_KEY

    client = client_for(director)
    client.get(reverse("office:wall"))
    session = client.session
    session[SESSION_KEY] = session[SESSION_KEY] - 600  # ten minutes ago
    session.save()
    before = client.session[SESSION_KEY]
    assert client.get(reverse("office:wall") + "?auto=1").status_code == 200
    assert client.session[SESSION_KEY] == before  # not moved by the wall's own reloads
    client.get(reverse("office:wall"))
    assert client.session[SESSION_KEY] > before  # moved by a person


@pytest.mark.django_db
def test_a_fixed_number_of_queries(director: User, django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    client = client_for(director)
    client.get(reverse("office:board"))
    with django_assert_max_num_queries(30):  # aggregates: the same whatever the data
        client.get(reverse("office:board"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_looked_at_on_a_desk_a_wall_and_a_phone(browser: Browser, live_server: LiveServer, county: None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, options, path in (
        ("board-desk", DESK, "/board/"),
        ("board-wall", WALL, "/board/wall/"),
        ("board-phone", PHONE, "/board/"),
    ):
        page = browser.new_page(**options)
        log_in(page, live_server.url, "huangxiaodong")
        page.goto(live_server.url + path)
        page.locator("#chart-lights svg").first.wait_for()  # ECharts drew, from our own static files
        assert page.locator("#chart-trend svg").count() == 1
        assert_accessible(page, name)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        page.close()


@pytest.mark.django_db
def test_circulation_hours_are_counted_by_the_database(director: User, clerk: User) -> None:
    from shuniu.documents.models import Document, Status

    start = timezone.localtime().replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    for seq, hours in ((1, 5), (2, 9)):
        Document.objects.create(
            reg_year=start.year, reg_seq=seq, received_at=start, source_org="市委办公室", title=f"文{seq}",
            status=Status.ARCHIVED, read_at=start + dt.timedelta(hours=hours), registered_by=clerk,
        )  # fmt: skip
    normal = next(r for r in board_figures(director)["figures"]["documents"]["by_urgency"] if r["urgency"] == "normal")
    assert (normal["count"], normal["mean"], normal["worst"]) == (2, 7.0, 9.0)
