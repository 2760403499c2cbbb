"""The `row` tag: a row's partial rendered with only the row, the same HTML as rendering it each time, remembered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone

from shuniu.core import template_rows
from shuniu.core.models import User

BUILTINS = ["shuniu.core.template_dates", "shuniu.core.template_urls", "shuniu.core.template_rows"]
LINE = (
    '<li><a href="{% url "documents:detail" line.pk %}">{{ line.title }}</a> {{ line.when|date:"n月j日 H:i" }}'
    "{% for tag in line.tags %}[{{ tag }}]{% endfor %}{{ user }}{{ request }}{{ csrf_token }}</li>"
)


def engine(line: str = LINE) -> Engine:
    return Engine(
        loaders=[  # cached, as the site's are
            (
                "django.template.loaders.cached.Loader",
                [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "line.html": line,
                            "rows.html": '{% for line in lines %}{% row "line.html" line %}{% endfor %}',
                            "each.html": '{% for line in lines %}{% include "line.html" with line=line only %}'
                            "{% endfor %}",
                        },
                    )
                ],
            )
        ],
        builtins=BUILTINS,
    )


@dataclass(frozen=True)
class Line:
    pk: int
    title: str
    when: dt.datetime | None
    tags: tuple[str, ...] = ()


MOMENT = timezone.make_aware(dt.datetime(2026, 3, 4, 7, 5), dt.UTC)  # 15:05 in Beijing
LINES = [
    Line(1, "关于<做好>冬季防火工作的通知", MOMENT, ("特急", "机密")),
    Line(22, "会议纪要 & 安排", None),
    Line(333, "", MOMENT + dt.timedelta(days=40), ("",)),
]


def rendered(name: str, lines: list[Line], site: Engine | None = None, *, outer: dict[str, str] | None = None) -> str:
    return (site or engine()).get_template(name).render(Context({"lines": lines, **(outer or {})}))


def test_same_html_as_rendering_each_row() -> None:
    outer = {"user": "不该出现的人", "request": "不该出现的请求", "csrf_token": "秘密"}
    html = rendered("rows.html", LINES, outer=outer)
    assert html == rendered("each.html", LINES)
    assert "&lt;做好&gt;" in html
    assert "会议纪要 &amp; 安排" in html
    assert "3月4日 15:05" in html
    assert "/documents/333/" in html
    assert "不该出现" not in html
    assert "秘密" not in html


def test_a_changed_value_is_shown_at_once() -> None:
    first = rendered("rows.html", [Line(7, "旧标题", MOMENT)])
    again = rendered("rows.html", [Line(7, "新标题", MOMENT)])  # the same primary key, another value
    assert "旧标题" in first
    assert "新标题" in again
    assert "旧标题" not in again


def test_remembered_for_equal_values() -> None:
    site = engine()
    rendered("rows.html", LINES, site)
    before = template_rows.html.cache_info()
    rendered("rows.html", [Line(line.pk, line.title, line.when, line.tags) for line in LINES], site)
    after = template_rows.html.cache_info()
    assert after.hits - before.hits == len(LINES)
    assert after.misses == before.misses


def test_the_time_zone_and_the_partial_are_part_of_the_key() -> None:
    site = engine()
    beijing = rendered("rows.html", LINES[:1], site)
    with timezone.override("UTC"):
        utc = rendered("rows.html", LINES[:1], site)
    assert "15:05" in beijing
    assert "07:05" in utc
    changed = rendered("rows.html", LINES[:1], engine(LINE.replace("<li>", "<li class='x'>")))
    assert changed.startswith("<li class='x'>")  # a reloaded partial is a new key


@dataclass
class Unfrozen:
    pk: int


@dataclass(frozen=True)
class WithModel:
    pk: int
    person: User


@dataclass(frozen=True)
class WithList:
    pk: int
    names: list[str]


@pytest.mark.parametrize("row", [Unfrozen(1), WithModel(1, User(pk=1)), WithList(1, ["甲"]), User(pk=1), {"pk": 1}])
def test_refuses_rows_whose_html_could_change_under_an_equal_value(row: object) -> None:
    with pytest.raises(TypeError):
        rendered("rows.html", [row])  # type: ignore[list-item]


@pytest.mark.parametrize(
    "text",
    [
        "{% row line %}",
        '{% row "line.html" %}',
        '{% row "line.html" line.pk %}',
        "{% row line.html line %}",
        '{% row "line.html" line extra %}',
    ],
)
def test_bad_usage_is_a_syntax_error(text: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        Engine(builtins=BUILTINS).from_string(text)
