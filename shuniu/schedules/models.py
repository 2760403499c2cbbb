"""Leader engagements, the published weekly plan, key work with reminders, calendar feed tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q

if TYPE_CHECKING:
    from shuniu.core.models import User


class EngagementKind(models.TextChoices):
    """What a leader's engagement is: a meeting, a field visit, a trip or leave."""

    MEETING = "meeting", "会议"
    FIELD_VISIT = "field_visit", "下乡调研"
    TRIP = "trip", "外出"
    LEAVE = "leave", "请假"


class Engagement(models.Model):
    """Something that takes leaders away from reading documents: a meeting, a visit, a trip, leave.

    One engagement may take several leaders (a 常委会 is one meeting, not twelve): `leader` is the first
    of them in protocol order, `others` the rest (through `Attendance`). The services keep the two
    disjoint; every read of "a leader's engagements" asks both (`selectors.engagements_between`).
    """

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="engagements", verbose_name="领导"
    )
    others: models.ManyToManyField[User, Attendance] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Attendance",
        related_name="shared_engagements",
        blank=True,
        verbose_name="其他参加领导",
    )
    kind = models.CharField("类型", max_length=20, choices=EngagementKind.choices)
    title = models.CharField("事项", max_length=200)
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    place = models.CharField("地点", max_length=200, blank=True)
    notes = models.TextField("备注", blank=True)
    confidential = models.BooleanField("保密", default=False, help_text="他人只看到“忙碌”。")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "领导日程"
        verbose_name_plural = "领导日程"
        ordering = ["start", "pk"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")), name="engagement_end_after_start")]
        indexes = [models.Index(fields=["leader", "start", "end"], name="engagement_leader_span_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class Attendance(models.Model):
    """A further leader at an engagement (beyond its first, `Engagement.leader`)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="attendances")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances", verbose_name="领导"
    )

    class Meta:
        verbose_name = "参加领导"
        verbose_name_plural = "参加领导"
        constraints = [models.UniqueConstraint(fields=["engagement", "leader"], name="attendance_unique_leader")]
        indexes = [models.Index(fields=["leader", "engagement"], name="attendance_leader_idx")]

    def __str__(self) -> str:
        return f"{self.leader} @ {self.engagement_id}"


class WeeklyPlanVersion(models.Model):
    """A published (frozen) weekly plan: what the staff see until the next publication."""

    week_start = models.DateField("周一日期", db_index=True)
    number = models.PositiveIntegerField("版次")
    grid = models.JSONField("内容")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发布人"
    )
    notified = models.PositiveIntegerField("通知人数", default=0)

    class Meta:
        verbose_name = "周工作安排（已发布）"
        verbose_name_plural = "周工作安排（已发布）"
        ordering = ["-week_start", "-number"]
        constraints = [models.UniqueConstraint(fields=["week_start", "number"], name="weeklyplan_unique_version")]

    def __str__(self) -> str:
        return f"{self.week_start:%Y年%m月%d日}起 第{self.number}版"


class RemindBefore(models.IntegerChoices):
    """How long ahead key work is reminded (the model keeps minutes; people choose and read these)."""

    MIN_30 = 30, "提前 30 分钟"
    HOUR_1 = 60, "提前 1 小时"
    HOUR_2 = 120, "提前 2 小时"
    HALF_DAY = 240, "提前半天"
    DAY_1 = 1440, "提前 1 天"
    DAY_2 = 2880, "提前 2 天"
    DAY_3 = 4320, "提前 3 天"
    WEEK_1 = 10080, "提前 1 周"


def remind_label(minutes: int) -> str:
    """Label a lead time in minutes: "提前 3 天" for 4320; one no form offers (older data) in days, hours, minutes."""
    if minutes in RemindBefore.values:
        return str(RemindBefore(minutes).label)
    if minutes == 0:
        return "开始时提醒"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "", f"{mins} 分钟" if mins else ""]
    return "提前 " + " ".join(p for p in parts if p)


class KeyWork(models.Model):
    """An upcoming piece of key work (重点工作) that needs preparing and reminding ahead of time."""

    title = models.CharField("事项", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="key_work", verbose_name="责任人"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="key_work_concerned",
        null=True,
        blank=True,
        verbose_name="相关领导",
    )
    start = models.DateTimeField("时间")
    end = models.DateTimeField("结束", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    notes = models.TextField("说明", blank=True)
    remind_minutes = models.PositiveIntegerField("提前提醒（分钟）", default=RemindBefore.DAY_1)
    done = models.BooleanField("已完成", default=False)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="完成人",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "重点工作"
        verbose_name_plural = "重点工作"
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="keywork_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remind_label(self) -> str:
        """How long ahead the reminder goes out, in words."""
        return remind_label(self.remind_minutes)

    @property
    def checklist_progress(self) -> tuple[int, int]:
        """(steps done, steps), from the prefetched checklist."""
        steps = list(self.checklist.all())
        return sum(1 for step in steps if step.done_at is not None), len(steps)


class CheckItem(models.Model):
    """One preparation step of a key work item (材料、会场、通知……)."""

    key_work = models.ForeignKey(KeyWork, on_delete=models.CASCADE, related_name="checklist", verbose_name="重点工作")
    text = models.CharField("准备事项", max_length=200)
    position = models.PositiveIntegerField("顺序", default=0)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = "准备事项"
        verbose_name_plural = "准备事项"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class FeedToken(models.Model):
    """A private, revocable token for a leader's iCalendar feed; only its SHA-256 is stored."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens", verbose_name="领导"
    )
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "日历订阅令牌"
        verbose_name_plural = "日历订阅令牌"

    def __str__(self) -> str:
        return f"{self.leader} 订阅令牌"
