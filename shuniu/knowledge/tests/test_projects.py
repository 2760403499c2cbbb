"""Key projects: the light from investment against the year gone, reports kept as history, milestones,
linked supervision matters shown only to who may see them, and bad input refused in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shuniu.audit.models import AuditEntry
from shuniu.core.models import Notification, Role, User
from shuniu.core.numbering import parse_number
from shuniu.core.reminders import reminders_run
from shuniu.core.testing import at_once, client_for, make_unit, make_user
from shuniu.core.workcal import WorkingCalendar
from shuniu.knowledge import selectors, services
from shuniu.knowledge.models import Progress, Project, Sector
from shuniu.supervision import services as supervision
from shuniu.supervision.models import Source

YEAR = timezone.localdate().year


@pytest.fixture
def water(clerk: User, leader: User) -> Project:
    return services.project_create(
        actor=clerk,
        name="城乡供水一体化工程",
        year=YEAR,
        sector=Sector.INFRASTRUCTURE,
        total_planned=Decimal("42000"),
        year_planned=Decimal("10000"),
        unit=make_unit("县财政局"),
        leader=leader,
    )


def report(project: Project, user: User, as_of: dt.date, year_done: str, **more: object) -> Progress:
    return services.progress_report(
        project=project,
        actor=user,
        as_of=as_of,
        year_done=Decimal(year_done),
        total_done=Decimal(str(more.pop("total_done", "30000"))),
        works=int(str(more.pop("works", 50))),
        note=str(more.pop("note", "管网铺设中。")),
    )


@pytest.mark.parametrize(
    ("year_done", "colour"),
    [("4000", "green"), ("3900", "yellow"), ("2000", "yellow"), ("1800", "red"), ("9000", "green")],
)
def test_light_by_points_behind_the_year(water: Project, year_done: str, colour: str) -> None:
    """As of 1 July of a 365-day year 49.9 % of it is gone: 10–30 points behind yellow, more red (9.9 green, 31.9 red)."""
    Project.objects.filter(pk=water.pk).update(year=2025)
    water.refresh_from_db()
    progress = Progress(project=water, as_of=dt.date(2025, 7, 1), year_done=Decimal(year_done))
    light = selectors.project_light(water, progress, today=dt.date(2025, 7, 1))
    assert light is not None
    assert light.elapsed == Decimal("49.9")
    assert light.colour == colour
    assert selectors.project_light(water, None) is None
    later = selectors.project_light(water, progress, today=dt.date(2025, 12, 1))  # no report since: it turns
    assert later is not None
    assert later.colour == ("red" if Decimal(year_done) < 6000 else "yellow" if Decimal(year_done) < 8200 else "green")
    past = selectors.project_light(water, progress, today=dt.date(2027, 3, 1))  # a past year at its end
    assert past is not None
    assert past.elapsed == Decimal(100)


def test_reports_are_a_history_and_the_latest_sets_the_light(water: Project, clerk: User, liaison: User) -> None:
    today = timezone.localdate()
    report(water, liaison, dt.date(YEAR, 1, 1), "1", total_done="20001")
    assert selectors.project_lines(YEAR)[0].light is not None
    if today.timetuple().tm_yday > 40:  # a report late in the year, short of the plan: behind the year
        report(water, clerk, today, "100", total_done="20100", works=90)
        line = selectors.project_lines(YEAR)[0]
        assert line.latest is not None
        assert line.latest.as_of == today
        assert line.light is not None
        assert line.light.colour == "red"
        report(water, clerk, today - dt.timedelta(days=1), "50", total_done="20050")  # filled in late, between
        with pytest.raises(ValidationError, match="不能多于此后"):
            report(water, clerk, today - dt.timedelta(days=2), "60", total_done="20200")
    assert Progress.objects.filter(project=water).count() == (3 if today.timetuple().tm_yday > 40 else 1)
    assert AuditEntry.objects.filter(action="project.progress").count() == Progress.objects.count()


def test_bad_reports_are_refused_and_change_nothing(water: Project, liaison: User, outsider: User) -> None:
    today = timezone.localdate()
    cases: list[tuple[User, dt.date, str, dict[str, object], str]] = [
        (liaison, today + dt.timedelta(days=1), "100", {}, "不能晚于今天"),
        (liaison, dt.date(YEAR - 1, 12, 31), "100", {}, f"应在 {YEAR} 年内"),
        (liaison, today, "40000", {"total_done": "30000"}, "不能大于累计完成投资"),
        (liaison, today, "100", {"works": 120}, "0 到 100"),
        (liaison, today, "100", {"note": "  "}, "请填写进展情况"),
        (liaison, today, "-1", {}, "不小于 0"),
        (outsider, today, "100", {}, "责任单位的联络员"),
    ]
    for user, as_of, year_done, more, message in cases:
        with pytest.raises(ValidationError, match=message):
            report(water, user, as_of, year_done, **more)
    assert not Progress.objects.exists()
    report(water, liaison, today, "100")
    with pytest.raises(ValidationError, match="已经填报过了"):
        report(water, liaison, today, "200")
    assert Progress.objects.count() == 1


def test_two_reports_for_one_day_at_once_make_one(transactional_db: None) -> None:
    clerk = make_user("clerk2", [Role.CLERK])
    project = services.project_create(
        actor=clerk,
        name="凤凰山景区提升",
        year=YEAR,
        sector=Sector.SERVICES,
        total_planned=Decimal("100"),
        year_planned=Decimal("50"),
        unit=make_unit("县文化和旅游局"),
    )
    results = at_once(*[lambda: report(project, clerk, timezone.localdate(), "10", total_done="10")] * 2)
    assert sum(isinstance(r, Progress) for r in results) == 1
    assert Progress.objects.filter(project=project).count() == 1


def test_bad_projects_are_refused(clerk: User, liaison: User) -> None:
    unit = make_unit("县财政局")
    base: dict[str, object] = {
        "actor": clerk,
        "name": "新材料产业园",
        "year": YEAR,
        "sector": Sector.INDUSTRY,
        "total_planned": Decimal("100"),
        "year_planned": Decimal("50"),
        "unit": unit,
    }
    for change, message in (
        ({"actor": liaison}, "只有办公室工作人员"),
        ({"name": " "}, "请填写项目名称"),
        ({"year_planned": Decimal("200")}, "不能大于计划总投资"),
        ({"total_planned": Decimal("0")}, "应大于 0"),
        ({"sector": "space"}, "所属领域"),
        ({"leader": clerk}, "不是县领导"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.project_create(**{**base, **change})  # type: ignore[arg-type]
    services.project_create(**base)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="已有重点项目"):
        services.project_create(**base)  # type: ignore[arg-type]
    assert Project.objects.count() == 1
    form = {
        "name": "新材料产业园",
        "year": YEAR,
        "sector": Sector.INDUSTRY,
        "total_planned": "100",
        "year_planned": "50",
    }
    response = client_for(clerk).post(reverse("knowledge:project_new"), {**form, "unit": unit.pk})
    assert response.status_code == 400
    assert "已有重点项目" in response.text


def test_milestones(water: Project, clerk: User, liaison: User, outsider: User) -> None:
    step = services.milestone_add(project=water, actor=clerk, name="通水试运行", planned_on=dt.date(YEAR, 12, 20))
    with pytest.raises(ValidationError, match="已经设置过了"):
        services.milestone_add(project=water, actor=clerk, name="通水试运行", planned_on=dt.date(YEAR, 12, 20))
    with pytest.raises(ValidationError, match="只有办公室工作人员"):
        services.milestone_add(project=water, actor=liaison, name="管网", planned_on=dt.date(YEAR, 10, 1))
    with pytest.raises(ValidationError, match="责任单位的联络员"):
        services.milestone_reach(milestone=step, actor=outsider, done_on=timezone.localdate())
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.milestone_reach(milestone=step, actor=liaison, done_on=timezone.localdate() + dt.timedelta(days=1))
    services.milestone_reach(milestone=step, actor=liaison, done_on=timezone.localdate())
    with pytest.raises(ValidationError, match="已记录完成"):
        services.milestone_reach(milestone=step, actor=clerk, done_on=timezone.localdate())


def test_linked_matters_show_only_to_who_may_see_them(
    water: Project, clerk: User, director: User, leader: User, liaison: User
) -> None:
    supervisor = make_user("supervisor", [Role.SUPERVISOR])
    matter = supervision.matter_register(
        actor=supervisor,
        source=Source.INSTRUCTION,
        title="加快城乡供水管网建设",
        content="确保年底通水。",
        lead_unit=make_unit("县水务局"),
        instructing_leader=leader,
        deadline=timezone.now() + dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError, match="没有找到督办事项"):  # the clerk is not supervision staff
        services.project_link_matter(project=water, actor=clerk, number=matter.number)
    services.project_link_matter(project=water, actor=director, number=f"督[{matter.year}]{matter.seq}号")
    with pytest.raises(ValidationError, match="已关联"):
        services.project_link_matter(project=water, actor=director, number=matter.number)
    with pytest.raises(ValidationError, match="请填写督办编号"):
        services.project_link_matter(project=water, actor=director, number="收文十五号")
    assert selectors.project_page(director, water).matters == [matter]
    assert selectors.project_page(leader, water).matters == [matter]  # they instructed it
    assert selectors.project_page(liaison, water).matters == []  # not their unit's matter
    page = client_for(liaison).get(reverse("knowledge:project", args=[water.pk]))
    assert page.status_code == 200
    assert matter.title not in page.text
    assert "填报进展" in page.text  # the unit in charge reports
    unlink = reverse("knowledge:project_unlink", args=[water.pk, matter.pk])
    assert client_for(clerk).post(unlink).status_code == 404  # a link the clerk cannot see is none to them
    assert client_for(director).get(unlink).status_code == 405
    assert client_for(director).post(unlink).status_code == 302
    assert selectors.project_page(director, water).matters == []
    with pytest.raises(ValidationError, match="未关联"):  # a second click
        services.project_unlink_matter(project=water, actor=director, matter=matter)


def test_parse_number() -> None:
    assert parse_number("督〔2026〕8号", "督") == (2026, 8)
    assert parse_number("督[2026]8号", "督") == (2026, 8)
    assert parse_number("2026-8", "督") == (2026, 8)
    assert parse_number("收〔2026〕8号", "督") is None
    assert parse_number("八号", "督") is None


def test_pages(water: Project, clerk: User, liaison: User) -> None:
    report(water, liaison, timezone.localdate(), "100")
    for user in (clerk, liaison):
        listing = client_for(user).get(reverse("knowledge:projects"))
        assert listing.status_code == 200
        assert "城乡供水一体化工程" in listing.text
    assert "登记项目" in client_for(clerk).get(reverse("knowledge:projects")).text
    assert "登记项目" not in client_for(liaison).get(reverse("knowledge:projects")).text
    assert client_for(liaison).get(reverse("knowledge:project_new")).status_code == 403
    response = client_for(liaison).post(
        reverse("knowledge:progress", args=[water.pk]),
        {"as_of": "不是日期", "year_done": "一百", "total_done": "1", "works": "1", "note": "x"},
    )
    assert response.status_code == 302
    assert Progress.objects.count() == 1
    assert "日期" in client_for(liaison).get(response["Location"]).text  # the form's refusal, in Chinese
    assert client_for(clerk).get(reverse("knowledge:project", args=[99999])).status_code == 404
    step = reverse("knowledge:milestone_add", args=[water.pk])
    assert client_for(liaison).post(step, {"name": "通水", "planned_on": "2026-12-01"}).status_code == 403
    assert client_for(clerk).get(step).status_code == 405
    answer = client_for(clerk).post(step, {"name": "", "planned_on": "明天"}, follow=True)
    assert "请填写节点名称" in answer.text
    assert not water.milestones.exists()
    link = reverse("knowledge:project_link", args=[water.pk])
    assert client_for(liaison).post(link, {"number": "督〔2026〕1号"}).status_code == 403
    answer = client_for(clerk).post(link, {"number": "不是编号"}, follow=True)
    assert "请填写督办编号" in answer.text


def test_a_project_silent_for_a_month_reminds_its_units_liaisons(water: Project, liaison: User, outsider: User) -> None:
    calendar = WorkingCalendar.load()
    day = timezone.localdate()
    while not calendar.is_workday(day):  # a working morning of this year (or early next: then none is due)
        day += dt.timedelta(days=1)
    morning = dt.datetime.combine(day, dt.time(9), timezone.get_current_timezone())
    source = ["shuniu.knowledge.reminders.projects_due"]
    Project.objects.filter(pk=water.pk).update(created_at=morning - dt.timedelta(days=40))
    expected = 1 if day.year == YEAR else 0
    assert reminders_run(now=morning, sources=source) == expected
    assert Notification.objects.filter(recipient=liaison, title__contains="城乡供水").count() == expected
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert reminders_run(now=morning, sources=source) == 0  # once
    if day.year == YEAR and day <= timezone.localdate():
        report(water, liaison, day, "100")
        assert reminders_run(now=morning + dt.timedelta(days=1), sources=source) == 0
