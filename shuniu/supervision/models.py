"""Supervision of assigned matters (SPEC §4): the matter, the units it is assigned to, reports and chases."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone

from shuniu.core.models import Attachment, Clearance, ClockUnit, Unit
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


class TimeLimit(models.Model):
    """The default deadline of a new matter by its source and urgency (督办时限标准), set by the administrator."""

    source = models.CharField("交办来源", max_length=20, choices=Source.choices, unique=True)
    unit = models.CharField(
        "计算方式",
        max_length=20,
        choices=[(ClockUnit.CALENDAR_DAYS, "自然日（末日遇节假日顺延）"), (ClockUnit.WORKDAYS, "工作日")],
        default=ClockUnit.CALENDAR_DAYS,
    )
    normal = models.PositiveSmallIntegerField("一般（天）")
    urgent = models.PositiveSmallIntegerField("紧急（天）")
    hard = models.PositiveSmallIntegerField("疑难复杂（天）")
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "督办时限标准"
        verbose_name_plural = "督办时限标准"
        ordering = ["source"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(normal__gte=1, urgent__gte=1, hard__gte=1), name="time_limit_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}：一般 {self.normal}、紧急 {self.urgent}、疑难 {self.hard}"


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
    original_deadline = models.DateTimeField("原定时限", null=True, blank=True)  # before any approved extension
    # The deadline "on time" is measured against: the original one, moved only by an extension approved
    # on a request made before the deadline (a late request may move `deadline`, never this).
    measured_deadline = models.DateTimeField("考核时限", null=True, blank=True)
    round = models.PositiveSmallIntegerField(
        "办理轮次", default=1
    )  # a leader's comment asking for more opens a new one
    last_report_at = models.DateTimeField("最近报告时间", null=True, blank=True)  # the lead unit's
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="主办单位"
    )  # kept with the lead assignment, so figures per unit read one table
    completed_at = models.DateTimeField("报告办结时间", null=True, blank=True)  # on time: completed by the deadline
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
        indexes = [
            models.Index(fields=["status", "deadline"], name="matter_status_deadline_idx"),
            models.Index(fields=["measured_deadline"], name="matter_measured_deadline_idx"),
            models.Index(fields=["registered_at"], name="matter_registered_idx"),
            models.Index(fields=["closed_at"], name="matter_closed_idx"),
            # a leader's open matters without reading all they ever instructed
            models.Index(fields=["instructing_leader", "status"], name="matter_instructing_status_idx"),
            models.Index(fields=["leader_in_charge", "status"], name="matter_in_charge_status_idx"),
            # a leader's matters of the last weeks (the board's trend) without reading all they ever instructed
            models.Index(fields=["instructing_leader", "registered_at"], name="matter_instructing_reg_idx"),
            models.Index(fields=["leader_in_charge", "registered_at"], name="matter_in_charge_reg_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """督〔2026〕8号."""
        return official_number(SERIES, self.year, self.seq)

    def label(self) -> str:
        """How the matter is named where it may travel (inbox, notices, e-mail): a classified one by number only."""
        return self.number if self.secrecy else str(self)

    def audit_label(self) -> str:
        """The audit log names it as the inbox does."""
        return self.label()


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
    assigned_at = models.DateTimeField("交办时间", default=timezone.now)  # the matter's registration, or a reassignment
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
        # With the matter: a unit's matters (a liaison's list, the API) read from the index alone.
        indexes = [models.Index(fields=["unit", "receipt", "matter"], name="assignment_unit_receipt_m_idx")]

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
    attachments = GenericRelation(Attachment)

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


class ExtensionStatus(models.TextChoices):
    """Where an extension request stands."""

    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "未同意"
    WITHDRAWN = "withdrawn", "已撤回"  # the matter was reported done while the request waited


class Extension(models.Model):
    """A lead unit's request to extend the deadline (申请延期), and the staff's answer.

    The old deadline stays here; the matter's deadline moves only when the request is approved.
    """

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="extensions", verbose_name="事项")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    reason = models.CharField("延期理由", max_length=300)
    expected = models.DateTimeField("预计办结时间")
    progress = models.CharField("目前进展", max_length=300)
    old_deadline = models.DateTimeField("原办理时限")
    late = models.BooleanField("逾期后申请", default=False)
    status = models.CharField("审批", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    new_deadline = models.DateTimeField("批准的办理时限", null=True, blank=True)
    answer = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["decided_at"], name="extension_decided_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"], condition=models.Q(status="pending"), name="extension_one_pending_per_matter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} 延期申请 {self.get_status_display()}"


class Level(models.TextChoices):
    """The escalation ladder: a notice for each step, and the report of a stalling unit to the leaders."""

    BLUE = "blue", "蓝色提示单"
    YELLOW = "yellow", "黄色督办单"
    RED = "red", "红色警示单"
    LEADERS = "leaders", "停滞情况报告领导"


class Escalation(models.Model):
    """A notice of the ladder issued to a unit (printable), or a stalling unit reported to the leaders."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="escalations", verbose_name="事项")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    level = models.CharField("等级", max_length=10, choices=Level.choices)
    text = models.CharField("督办要求", max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("发出时间", default=timezone.now)
    copied_to = models.CharField("抄送", max_length=200, blank=True)

    class Meta:
        verbose_name = "督办提示与报告"
        verbose_name_plural = "督办提示与报告"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.get_level_display()}"


class Comment(models.Model):
    """The instructing leader's comment on the feedback report (反馈报告); asking for more opens a new round."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="comments", verbose_name="事项")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("阅示时间", default=timezone.now)
    round = models.PositiveSmallIntegerField("轮次")
    text = models.CharField("阅示意见", max_length=500)
    more = models.BooleanField("需继续办理", default=False)

    class Meta:
        verbose_name = "领导阅示"
        verbose_name_plural = "领导阅示"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.matter.number} 第{self.round}轮 {self.leader}"
