"""Phone notices (电话通知, SPEC §3): a notice to many units, called unit by unit with a read-back.

The essay's remedy: times and matters reach each unit accurately only when the other side writes them
down and reads them back (复述核对). A notice names its **key facts** (time, place, who attends, by when
to reply…), taken from its own fields; each unit's call records, fact by fact, whether it was read back
right, what was heard wrong and that it was corrected. A unit is confirmed only when every fact was
finally read back right.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from shuniu.core.models import Unit
from shuniu.core.numbering import official_number

SERIES = "通"  # 通〔2026〕5号


class Status(models.TextChoices):
    """Where a notice stands (its transitions: notices.flow.NOTICE_FLOW)."""

    CALLING = "calling", "通知中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


class Fact(models.TextChoices):
    """The facts a notice can ask to be read back, each taken from one of its fields."""

    TIME = "time", "时间"
    PLACE = "place", "地点"
    ATTENDEES = "attendees", "参加人员"
    BRING = "bring", "携带材料"
    REPLY_BY = "reply_by", "回复截止"


class Notice(models.Model):
    """A notice to be phoned to units (电话通知), numbered 通〔year〕seq号."""

    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    subject = models.CharField("事由", max_length=200)
    starts_at = models.DateTimeField("时间")
    place = models.CharField("地点", max_length=200)
    convener = models.CharField("召集人", max_length=100, blank=True)
    agenda = models.TextField("议题", blank=True)
    attendees = models.CharField("参加人员", max_length=300)
    bring = models.CharField("携带材料", max_length=300, blank=True)
    reply_by = models.DateTimeField("回复截止", null=True, blank=True)
    notes = models.TextField("其他要求", blank=True)
    facts = models.JSONField("复述要点", default=list)  # [Fact values], in the order they are read back
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.CALLING)
    version = models.PositiveIntegerField("版本", default=1)  # +1 when time or place changes after calls began
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("拟稿时间", default=timezone.now)

    class Meta:
        verbose_name = "电话通知"
        verbose_name_plural = "电话通知"
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="notice_unique_number")]
        indexes = [models.Index(fields=["status", "starts_at"], name="notice_status_starts_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        """通〔2026〕5号."""
        return official_number(SERIES, self.year, self.seq)

    def audit_label(self) -> str:
        """Named by number in the audit log."""
        return self.number


class State(models.TextChoices):
    """Where one unit stands on a notice."""

    PENDING = "pending", "待通知"
    NO_ANSWER = "no_answer", "未接通"
    NOTIFIED = "notified", "已通知未确认"
    CONFIRMED = "confirmed", "已确认"
    FAILED = "failed", "无法通知"
    RECALL = "recall", "需重新通知"  # reached before the time or place changed


UNREACHED = (State.PENDING, State.NO_ANSWER, State.RECALL, State.FAILED)


class Recipient(models.Model):
    """One unit on a notice: its state, its retries, and who holds it while calling (a few minutes)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients", verbose_name="通知")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.PENDING)
    tries = models.PositiveIntegerField("拨打次数", default=0)
    retry_at = models.DateTimeField("再次拨打时间", null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held_until = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField("最近通知时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "通知单位"
        verbose_name_plural = "通知单位"
        ordering = ["unit__kind", "unit__sort_order", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["notice", "unit"], name="recipient_once")]
        indexes = [models.Index(fields=["state", "retry_at"], name="recipient_state_retry_idx")]

    def __str__(self) -> str:
        return f"{self.notice.number} {self.unit.name}"

    def audit_label(self) -> str:
        """The notice's number and the unit."""
        return f"{self.notice.number} {self.unit.name}"


class Channel(models.TextChoices):
    """How a unit was reached."""

    PHONE = "phone", "电话"
    SCREEN = "screen", "联络员在线确认"


class Outcome(models.TextChoices):
    """What a call came to."""

    NO_ANSWER = "no_answer", "未接通"
    REACHED = "reached", "已接通"
    FAILED = "failed", "无法通知"


class Attempt(models.Model):
    """One call to a unit (or a liaison's confirmation on screen), with its read-back fact by fact."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="attempts")
    channel = models.CharField("方式", max_length=10, choices=Channel.choices, default=Channel.PHONE)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="通知人")
    number = models.CharField("拨打号码", max_length=40, blank=True)
    taken_by = models.CharField("接听人", max_length=50, blank=True)
    readback = models.JSONField("复述核对", default=dict)  # {fact: {"right": bool, "heard": str, "fixed": bool}}
    errors = models.PositiveIntegerField("复述错误", default=0)  # facts read back wrong (then corrected or not)
    note = models.CharField("备注", max_length=300, blank=True)
    version = models.PositiveIntegerField("通知版本", default=1)

    class Meta:
        verbose_name = "通知记录"
        verbose_name_plural = "通知记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.get_outcome_display()}"


class Change(models.Model):
    """A change of the time or place after calls began: the units reached before it are called again."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField("版本")
    at = models.DateTimeField("变更时间", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.TextField("变更内容")  # 时间 由 … 改为 …

    class Meta:
        verbose_name = "通知变更"
        verbose_name_plural = "通知变更"
        ordering = ["version"]

    def __str__(self) -> str:
        return f"{self.notice.number} 第 {self.version} 版"


class Scope(models.Model):
    """A saved set of units to notify (常用通知范围), shared by the office."""

    name = models.CharField("名称", max_length=50, unique=True)
    units = models.ManyToManyField(Unit, related_name="+", verbose_name="单位")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "常用通知范围"
        verbose_name_plural = "常用通知范围"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


CALL_SERIES = "电"  # 电〔2026〕8号


class CallTopic(models.TextChoices):
    """What an incoming call is about (for the monthly figures)."""

    WORK = "work", "工作联系"
    REPORT = "report", "反映情况"
    ENQUIRY = "enquiry", "咨询"
    MEETING = "meeting", "会议活动"
    URGENT = "urgent", "紧急事项"
    OTHER = "other", "其他"


class Call(models.Model):
    """An incoming call (来电登记).

    Who called from where, about what, what is proposed, what the leader said, what came of it; a callback
    when one is owed.
    """

    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    at = models.DateTimeField("来电时间")
    number = models.CharField("来电号码", max_length=40, blank=True)
    number_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)  # core.phones
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="来电单位"
    )
    caller = models.CharField("来电人", max_length=50, blank=True)
    topic = models.CharField("类别", max_length=10, choices=CallTopic.choices, default=CallTopic.WORK)
    content = models.TextField("来电内容")
    proposal = models.TextField("拟办意见", blank=True)
    instruction = models.TextField("领导批示", blank=True)
    instructed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="批示领导",
    )
    result = models.TextField("办理结果", blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="接听人"
    )
    callback_due = models.DateTimeField("应回电时间", null=True, blank=True)
    called_back_at = models.DateTimeField("回电时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    matter = models.ForeignKey(
        "supervision.Matter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name="督办事项",
    )
    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name="信访事项",
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)  # what an edit compares against

    class Meta:
        verbose_name = "来电登记"
        verbose_name_plural = "来电登记"
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="call_unique_number")]
        indexes = [models.Index(fields=["at"], name="call_at_idx")]

    def __str__(self) -> str:
        return self.number_label

    @property
    def number_label(self) -> str:
        """电〔2026〕8号."""
        return official_number(CALL_SERIES, self.year, self.seq)

    def audit_label(self) -> str:
        """Named by its number in the audit log."""
        return self.number_label
