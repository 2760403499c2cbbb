"""Supervision of assigned matters (SPEC §4): the matter, the units it is assigned to, reports and chases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from shuniu.core.models import Clearance, Unit
from shuniu.core.numbering import official_number

SERIES = "督"  # 督〔2026〕8号


class Source(models.TextChoices):
    """Where an assignment comes from."""

    INSTRUCTION = "instruction", "领导批示"
    MEETING = "meeting", "会议决定"
    SUPERIOR = "superior", "上级交办"
    ORAL = "oral", "领导口头交办"
    CALL_LETTER = "call_letter", "来电来信"


class Urgency(models.TextChoices):
    """How pressing a matter is; it sets the default deadline of a leader's instruction."""

    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    HARD = "hard", "疑难复杂"


class Cycle(models.TextChoices):
    """A reporting cycle, for a matter that reports regularly rather than (or as well as) by a deadline."""

    NONE = "", "不定期"
    WEEKLY = "weekly", "每周报告"
    MONTHLY = "monthly", "每月报告"


class Status(models.TextChoices):
    """Where a matter stands (its transitions: supervision.services.MATTER_FLOW)."""

    ASSIGNED = "assigned", "已交办待签收"
    ACTING = "acting", "办理中"
    REPORTED = "reported", "已报办结待复核"
    CLOSED = "closed", "已办结"


class Matter(models.Model):
    """An assigned matter (督办事项), numbered 督〔year〕seq号, followed until it is closed."""

    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    title = models.CharField("事项", max_length=200)
    content = models.TextField("交办内容")
    instruction = models.TextField("领导批示", blank=True)
    instructing_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructed_matters",
        verbose_name="交办领导",
    )
    leader_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matters_in_charge",
        verbose_name="分管领导",
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matters",
        verbose_name="来源文件",
    )
    secrecy = models.IntegerField("密级", choices=Clearance.choices, default=Clearance.NONE)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    cycle = models.CharField("报告周期", max_length=10, choices=Cycle.choices, default=Cycle.NONE, blank=True)
    deadline = models.DateTimeField("办理时限", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    registered_at = models.DateTimeField("登记时间", default=timezone.now)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="matter_unique_number")]
        indexes = [models.Index(fields=["status", "deadline"], name="matter_status_deadline_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """督〔2026〕8号."""
        return official_number(SERIES, self.year, self.seq)

    def audit_label(self) -> str:
        """A classified matter is named by number only in the audit log."""
        return self.number if self.secrecy else str(self)


class Part(models.TextChoices):
    """A unit's part in a matter."""

    LEAD = "lead", "主办"
    CO = "co", "协办"


class Receipt(models.TextChoices):
    """Whether a unit has signed for its part, objected, or been replaced."""

    TO_SIGN = "to_sign", "待签收"
    SIGNED = "signed", "已签收"
    OBJECTED = "objected", "提出不属于本单位职责"
    WITHDRAWN = "withdrawn", "已改派"


class Channel(models.TextChoices):
    """How a unit signed for a matter: its liaison on screen, or staff recording a hand-over."""

    SCREEN = "screen", "系统签收"
    PAPER = "paper", "纸质签收（代录）"
    PHONE = "phone", "电话签收（代录）"


class Assignment(models.Model):
    """A matter assigned to one unit, as lead (主办) or co-unit (协办), and that unit's receipt."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="assignments", verbose_name="事项")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name="单位")
    part = models.CharField("承办方式", max_length=4, choices=Part.choices)
    handler = models.CharField("经办人", max_length=50, blank=True)
    receipt = models.CharField("签收", max_length=10, choices=Receipt.choices, default=Receipt.TO_SIGN)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by_name = models.CharField("签收人", max_length=50, blank=True)
    channel = models.CharField("签收方式", max_length=10, choices=Channel.choices, blank=True)
    objection = models.CharField("异议理由", max_length=300, blank=True)
    objected_at = models.DateTimeField("提出异议时间", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="改派为"
    )

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["matter", "-part", "pk"]  # the lead unit first
        indexes = [models.Index(fields=["unit", "receipt"], name="assignment_unit_receipt_idx")]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.unit} {self.get_part_display()}"


class Report(models.Model):
    """A unit's dated progress report (or its completion report, 办结报告)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="reports", verbose_name="事项")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports", verbose_name="单位")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("报告时间", default=timezone.now)
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度（%）", default=0)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下一步打算", blank=True)
    completion = models.BooleanField("办结报告", default=False)

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.at:%Y-%m-%d} {self.percent}%"


class Method(models.TextChoices):
    """How a chase (催办) was made."""

    PHONE = "phone", "电话催办"
    NOTICE = "notice", "书面通知"
    VISIT = "visit", "实地督办"
    MEETING = "meeting", "会议督办"


class Chase(models.Model):
    """A chase (催办) by supervision staff: how, whom they reached, and what came of it."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="chases", verbose_name="事项")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("催办时间", default=timezone.now)
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    reached = models.CharField("联系对象", max_length=50)
    outcome = models.CharField("结果", max_length=300)

    class Meta:
        verbose_name = "催办记录"
        verbose_name_plural = "催办记录"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.get_method_display()} {self.at:%Y-%m-%d}"
