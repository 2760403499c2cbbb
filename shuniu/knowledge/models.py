"""The county's facts (县情, SPEC §6): each a history of values, as Wikibase keeps statements.

A value has the date it holds for (as of), a source and a rank. A new value for a new date is added,
never written over the old; the current value is the preferred one if any, else the latest; a value
found wrong is marked superseded (deprecated), never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class FactGroup(models.Model):
    """A group of facts (人口, 行政区划, 经济…) and the person who keeps it up to date."""

    name = models.CharField("分组", max_length=50, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="维护人",
    )

    class Meta:
        verbose_name = "县情分组"
        verbose_name_plural = "县情分组"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Fact(models.Model):
    """One fact of the county (户籍人口, 行政村数…): its unit of measure and how often it is renewed."""

    group = models.ForeignKey(FactGroup, on_delete=models.PROTECT, related_name="facts", verbose_name="分组")
    name = models.CharField("名称", max_length=100)
    measure = models.CharField("计量单位", max_length=20, blank=True)  # 万人, 个, 亿元, 平方公里
    numeric = models.BooleanField("数值", default=True)
    refresh_days = models.PositiveIntegerField("更新周期（天）", default=365)  # e.g. after the statistics bulletin
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "县情"
        verbose_name_plural = "县情"
        ordering = ["group", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="fact_unique_in_group")]

    def __str__(self) -> str:
        return self.name


class Rank(models.TextChoices):
    """A value's standing (Wikibase's ranks)."""

    PREFERRED = "preferred", "首选"
    NORMAL = "normal", "一般"
    DEPRECATED = "deprecated", "已作废"


class Statement(models.Model):
    """One value of a fact, as of a date, from a source."""

    fact = models.ForeignKey(Fact, on_delete=models.CASCADE, related_name="statements", verbose_name="县情")
    value = models.CharField("数值", max_length=200)
    number = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)  # when the fact is numeric
    as_of = models.DateField("截至日期")
    source = models.CharField("来源", max_length=200)
    rank = models.CharField("状态", max_length=12, choices=Rank.choices, default=Rank.NORMAL)
    note = models.CharField("说明", max_length=300, blank=True)  # why it was superseded
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "县情数值"
        verbose_name_plural = "县情数值"
        ordering = ["-as_of", "-pk"]
        indexes = [models.Index(fields=["fact", "as_of"], name="statement_fact_asof_idx")]

    def __str__(self) -> str:
        return f"{self.fact} {self.value}（{self.as_of}）"

    def audit_label(self) -> str:
        """The fact and the date its value holds for."""
        return f"{self.fact.name}（{self.as_of:%Y-%m-%d}）"


class Sector(models.TextChoices):
    """A key project's field."""

    INDUSTRY = "industry", "工业"
    AGRICULTURE = "agriculture", "农业农村"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    SERVICES = "services", "现代服务业"
    SOCIAL = "social", "社会民生"
    ECOLOGY = "ecology", "生态环保"


class Project(models.Model):
    """A key project (重点项目) of a year: its investment plan, the leader and unit in charge, its milestones."""

    name = models.CharField("项目名称", max_length=100)
    year = models.PositiveIntegerField("年度")
    sector = models.CharField("所属领域", max_length=20, choices=Sector.choices)
    content = models.TextField("建设内容", blank=True)
    total_planned = models.DecimalField("计划总投资（万元）", max_digits=14, decimal_places=2)
    year_planned = models.DecimalField("年度计划投资（万元）", max_digits=14, decimal_places=2)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="责任领导",
    )
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="责任单位")
    matters = models.ManyToManyField(
        "supervision.Matter", blank=True, related_name="projects", verbose_name="关联督办事项"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"
        ordering = ["-year", "sector", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="project_unique_in_year"),
            models.CheckConstraint(
                condition=models.Q(total_planned__gt=0, year_planned__gt=0), name="project_plan_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> str:
        """The project by year and name."""
        return f"{self.year}年 {self.name}"


class Milestone(models.Model):
    """A step of a project with the date it is planned for and the date it was reached."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones", verbose_name="项目")
    name = models.CharField("节点", max_length=100)
    planned_on = models.DateField("计划完成")
    done_on = models.DateField("实际完成", null=True, blank=True)

    class Meta:
        verbose_name = "项目节点"
        verbose_name_plural = "项目节点"
        ordering = ["planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name", "planned_on"], name="milestone_unique_in_project")
        ]

    def __str__(self) -> str:
        return self.name


class Progress(models.Model):
    """A project's progress as of a date (the unit's monthly report): investment done and how far the works are."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress", verbose_name="项目")
    as_of = models.DateField("截至日期")
    year_done = models.DecimalField("本年完成投资（万元）", max_digits=14, decimal_places=2)
    total_done = models.DecimalField("累计完成投资（万元）", max_digits=14, decimal_places=2)
    works = models.PositiveSmallIntegerField("形象进度（%）")
    note = models.TextField("进展情况")
    problems = models.TextField("存在问题", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("填报时间", default=timezone.now)

    class Meta:
        verbose_name = "项目进展"
        verbose_name_plural = "项目进展"
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "as_of"], name="progress_once_a_day"),
            models.CheckConstraint(condition=models.Q(works__lte=100), name="progress_works_at_most_100"),
            models.CheckConstraint(
                condition=models.Q(year_done__gte=0, total_done__gte=models.F("year_done")),
                name="progress_amounts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.as_of}"
