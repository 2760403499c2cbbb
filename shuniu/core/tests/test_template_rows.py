"""The `row` tag: a row's partial rendered with only the row, the same HTML as rendering it each time, remembered."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from shuniu.core import template_rows
from shuniu.core.inbox import Counts
from shuniu.core.models import User
from shuniu.core.navigation import Menu, MenuEntry
from shuniu.documents.models import Status
from shuniu.documents.rows import DeskRow, RegisterRow
from shuniu.petitions.rows import PetitionRow
from shuniu.petitions.selectors import ListedPetitioner
from shuniu.supervision.rows import MatterRow
from shuniu.supervision.selectors import HandlingUnit

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


def rendered(
    name: str, lines: Sequence[object], site: Engine | None = None, *, outer: dict[str, str] | None = None
) -> str:
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
    hits, misses = template_rows.remembered.hits, template_rows.remembered.misses
    rendered("rows.html", [Line(line.pk, line.title, line.when, line.tags) for line in LINES], site)
    assert template_rows.remembered.hits - hits == len(LINES)
    assert template_rows.remembered.misses == misses


def test_the_time_zone_the_language_the_prefix_and_the_partial_are_part_of_the_key() -> None:
    site = engine()
    beijing = rendered("rows.html", LINES[:1], site)
    with timezone.override("UTC"):
        utc = rendered("rows.html", LINES[:1], site)
    assert "15:05" in beijing
    assert "07:05" in utc
    misses = template_rows.remembered.misses
    with translation.override("en"):
        rendered("rows.html", LINES[:1], site)
    assert template_rows.remembered.misses == misses + 1
    prefix = get_script_prefix()
    set_script_prefix("/office/")
    try:
        behind = rendered("rows.html", LINES[:1], site)
    finally:
        set_script_prefix(prefix)
    assert 'href="/office/documents/1/"' in behind
    changed = rendered("rows.html", LINES[:1], engine(LINE.replace("<li>", "<li class='x'>")))
    assert changed.startswith("<li class='x'>")  # a reloaded partial is a new key


@dataclass(frozen=True)
class Blind:
    pk: int
    title: str = field(compare=False)  # equal rows, different text: the key must not trust the row's equality


def test_the_key_is_the_values_with_their_types_not_the_rows_equality() -> None:
    site = engine("{{ line.pk }} {{ line.title }}")
    assert rendered("rows.html", [Blind(1, "甲")], site) == "1 甲"
    assert rendered("rows.html", [Blind(1, "乙")], site) == "1 乙"
    assert rendered("rows.html", [Line(1, "一", None)], site) == "1 一"
    assert rendered("rows.html", [Line(True, "一", None)], site) == "True 一"  # 1 == True, shown otherwise
    assert rendered("rows.html", [Line(1, "<b>一</b>", None)], site) == "1 &lt;b&gt;一&lt;/b&gt;"
    with pytest.raises(TypeError):  # equal to its text, shown unescaped: never one key with it
        rendered("rows.html", [Line(1, mark_safe("<b>一</b>"), None)], site)


def test_a_choice_is_shown_as_its_value() -> None:
    site = engine("{{ line.title }}")
    assert rendered("rows.html", [Line(1, Status.CLOSED, None)], site) == "closed"
    assert rendered("rows.html", [Line(1, "closed", None)], site) == "closed"


@dataclass(frozen=True)
class WithModel:
    pk: int
    person: User


@dataclass(frozen=True)
class WithList:
    pk: int
    names: list[str]


@dataclass(frozen=True)
class WithNumber:
    pk: int
    amount: Decimal


@pytest.mark.parametrize(
    "row",
    [WithModel(1, User(pk=1)), WithList(1, ["甲"]), WithNumber(1, Decimal("1.0")), User(pk=1), {"pk": 1}],
)
def test_refuses_values_that_are_not_plain(row: object) -> None:
    with pytest.raises(TypeError):
        rendered("rows.html", [row])


SAMPLES: dict[str, tuple[str, object]] = {  # each row partial: the name its list gives the row, a row
    "documents/_register_row.html": ("doc", RegisterRow(1, "收〔2026〕1号", MOMENT, "市委办", "市委发〔2026〕3号", "通知",
                                                MOMENT, "已登记", True, "flash", 1)),
    "documents/_desk_row.html": ("r", DeskRow(1, True, MOMENT, "领导甲", "通知", "收〔2026〕1号", "市委办", MOMENT, "urgent", 2)),
    "supervision/_matter_row.html": ("matter", MatterRow(1, "督〔2026〕1号", "事项", "red", "办理中",
                                              (HandlingUnit("县教育局", "主办", "to_sign"),), MOMENT, "领导甲")),
    "petitions/_petition_row.html": ("p", PetitionRow(1, "信〔2026〕1号", "求决", "其他", "受理", "来访", MOMENT, True, 2, True,
                                                (ListedPetitioner("张三", True, "城关镇"),), 6, "诉求", True)),
    "core/_menu.html": ("menu", Menu((MenuEntry("/inbox/", "bi-inbox", "我的事项", True, True),), Counts(1, 2, 3),
                                     "值班1号", "办公室文书", True)),
}  # fmt: skip


def test_every_row_partial_reads_only_its_row() -> None:
    used = re.compile(r"""{%\s*row\s+["']([^"']+)["']""")
    partials = {
        name
        for path in Path(__file__).resolve().parents[2].rglob("templates/**/*.html")
        for name in used.findall(path.read_text(encoding="utf-8"))
    }
    assert partials == set(SAMPLES)  # a new partial rendered by `row` gets a sample here
    site = Engine(app_dirs=True, builtins=BUILTINS, string_if_invalid="【无此变量：%s】")
    for partial, (name, sample) in SAMPLES.items():
        html = site.from_string(f'{{% row "{partial}" {name} %}}').render(Context({name: sample}))
        assert "无此变量" not in html, partial
        assert "1号" in html, partial


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
