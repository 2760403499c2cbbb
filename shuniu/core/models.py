"""Units and their directory, users with roles and clearance, leader profiles, calendar overrides."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shuniu.core.personal import SealedField


class Role(models.TextChoices):
    """The roles a user may hold; `role_combination_errors` says which may go together."""

    LEADER = "leader", "领导"
    DIRECTOR = "director", "主任"
    CLERK = "clerk", "文书"
    SUPERVISOR = "supervisor", "督查"
    PETITION_OFFICER = "petition_officer", "信访接待员"
    LIAISON = "liaison", "联络员"
    AUDITOR = "auditor", "审计员"
    ADMIN = "admin", "系统管理员"


BUSINESS_ROLES = frozenset(
    {
        Role.LEADER,
        Role.DIRECTOR,
        Role.CLERK,
        Role.SUPERVISOR,
        Role.PETITION_OFFICER,
        Role.LIAISON,
    }
)
# Roles that work inside the county office (as opposed to a liaison in a department or township).
OFFICE_ROLES = frozenset(BUSINESS_ROLES - {Role.LIAISON})


def role_combination_errors(roles: Iterable[str], *, has_unit: bool) -> list[str]:
    """Why this set of roles may not be held by one user (三权分立), or [] when it may."""
    chosen = set(roles)
    errors: list[str] = []
    unknown = chosen - set(Role.values)
    if unknown:
        errors.append(f"未知角色：{'、'.join(sorted(unknown))}。")
    for exclusive in (Role.ADMIN, Role.AUDITOR):
        if exclusive in chosen and len(chosen) > 1:
            errors.append(f"{exclusive.label}不能兼任其他角色（三权分立：系统管理员、审计员与业务角色互斥）。")
            break
    if Role.LIAISON in chosen and not has_unit:
        errors.append("联络员必须属于一个单位。")
    return errors


class Clearance(models.IntegerChoices):
    """Secrecy clearance; a user may see documents up to and including this level."""

    NONE = 0, "无"
    SECRET = 1, "秘密"
    CONFIDENTIAL = 2, "机密"
    TOP_SECRET = 3, "绝密"


class UnitKind(models.TextChoices):
    """What kind of unit: a section of the office, a county department or a township."""

    SECTION = "section", "办公室内设科室"
    DEPARTMENT = "department", "县直部门"
    TOWNSHIP = "township", "乡镇"


class Unit(models.Model):
    """An office section (室/股), a county department (局/委/办) or a township (乡镇)."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices)
    phone = models.CharField("办公电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["kind", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """A village or residents' committee (村/社区) of a township: where a petitioner lives."""

    township = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="villages", verbose_name="乡镇")
    name = models.CharField("村（社区）", max_length=50)

    class Meta:
        verbose_name = "村（社区）"
        verbose_name_plural = "村（社区）"
        ordering = ["township", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="village_unique_in_township")]

    def __str__(self) -> str:
        return f"{self.township.name}{self.name}"


class Contact(models.Model):
    """One person in a unit's directory entry (通讯录)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contacts", verbose_name="单位")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    office_phone = models.CharField("办公电话", max_length=40, blank=True)
    mobile = models.CharField("手机", max_length=20, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "联系人"
        verbose_name_plural = "联系人"
        ordering = ["unit", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="contact_unique_name_in_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.name}"


class User(AbstractUser):
    """A person who logs in: office staff, a county leader, a unit's liaison, the auditor or admin."""

    full_name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name="所属单位"
    )
    clearance = models.IntegerField("涉密等级", choices=Clearance.choices, default=Clearance.NONE)
    mobile = models.CharField("手机", max_length=20, blank=True)
    failed_logins = models.PositiveIntegerField("连续登录失败次数", default=0)
    must_change_password = models.BooleanField(
        "须修改密码", default=False, help_text="管理员设置或重置的密码，本人首次登录时须改为自己的密码。"
    )
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    # 免打扰: e-mail and SMS wait until the end (urgent ones excepted); the app shows everything at once.
    quiet_start = models.TimeField("免打扰开始", null=True, blank=True)
    quiet_end = models.TimeField("免打扰结束", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's roles, read once per request (prefetch `role_grants` to read none)."""
        if not self.pk:
            return frozenset()
        return frozenset(grant.role for grant in self.role_grants.all())

    @property
    def second_factor_required(self) -> bool:
        """Whether this user's roles require a second factor at login (settings.SECOND_FACTOR_ROLES)."""
        from django.conf import settings

        return self.has_role(*settings.SECOND_FACTOR_ROLES)

    def has_role(self, *roles: str) -> bool:
        """Whether this active user holds any of `roles`."""
        return self.is_active and bool(self.roles.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        """The Chinese names of the user's roles, in the order of `Role`."""
        return [Role(role).label for role in Role.values if role in self.roles]

    @property
    def is_office_staff(self) -> bool:
        """Whether the user works in the county office itself (any of `OFFICE_ROLES`)."""
        return self.has_role(*OFFICE_ROLES)


class RoleGrant(models.Model):
    """One role held by one user; the allowed combinations are checked by `role_combination_errors`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants", verbose_name="用户")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="rolegrant_known_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def clean(self) -> None:
        """Refuse a grant that, with the user's other roles, would break 三权分立."""
        others = RoleGrant.objects.filter(user_id=self.user_id).exclude(pk=self.pk).values_list("role", flat=True)
        errors = role_combination_errors({*others, self.role}, has_unit=self.user.unit_id is not None)
        if errors:
            raise ValidationError({"role": errors})


class LeaderProfile(models.Model):
    """A county leader's protocol rank (排序), post, responsibilities (分管领域) and office."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="leader_profile", verbose_name="领导")
    rank = models.PositiveIntegerField("排序", unique=True)
    post = models.CharField("职务", max_length=100)
    responsibilities = models.TextField("分管领域", blank=True)
    office_location = models.CharField("办公室位置", max_length=100, blank=True)

    class Meta:
        verbose_name = "领导信息"
        verbose_name_plural = "领导信息"
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.user} {self.post}"

    def clean(self) -> None:
        """Refuse a leader profile for a user who does not hold the leader role."""
        if self.user_id and not self.user.has_role(Role.LEADER):
            raise ValidationError({"user": "只有具有“领导”角色的用户才能设置领导信息。"})


class OverrideKind(models.TextChoices):
    """Whether a local calendar override makes a day off or a working day."""

    OFF = "off", "休息日（放假）"
    WORK = "work", "工作日（补班）"


class CalendarOverride(models.Model):
    """A local change to the national working calendar: an extra day off or an extra working day."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=OverrideKind.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y年%m月%d日} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose whole holiday schedule the office has entered as overrides itself.

    For such a year, days without an override follow the plain week (Monday–Friday work); for any
    other year the national schedule of `chinesecalendar` is required. A year in neither raises a
    clear error instead of a silent guess.
    """

    year = models.PositiveIntegerField("年份", unique=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "本地录入年度"
        verbose_name_plural = "本地录入年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class Notification(models.Model):
    """A message to one user, shown in the app (and sent on by the configured senders)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    key = models.CharField("事项键", max_length=120, blank=True, db_index=True)  # the inbox item it announces
    kind = models.CharField("类别", max_length=30, default="other")  # core.delivery.KINDS: how it is sent on
    confidential = models.BooleanField("涉密", default=False)  # e-mail and SMS say only that something waits
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    """Where a notification goes besides the app."""

    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"


class NotificationChoice(models.Model):
    """A person's choice for one kind of event: also by e-mail, also by SMS (core.delivery.KINDS)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_choices")
    kind = models.CharField("类别", max_length=30)
    email = models.BooleanField("电子邮件", default=False)
    sms = models.BooleanField("短信", default=False)

    class Meta:
        verbose_name = "通知方式"
        verbose_name_plural = "通知方式"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_choice_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"


class DeliveryState(models.TextChoices):
    """Where a delivery stands: waiting (maybe to be tried again), being sent, sent, given up."""

    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    CANCELLED = "cancelled", "已读，未发"  # read in the app before it went


class Delivery(models.Model):
    """One notification on its way by one channel, written with the notification and sent by the worker."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("方式", max_length=10, choices=Channel.choices)
    state = models.CharField("状态", max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    due_at = models.DateTimeField("发送时间")
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)  # a worker is sending it until then
    sent_at = models.DateTimeField("发出时间", null=True, blank=True)
    last_error = models.CharField("失败原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "消息发送"
        verbose_name_plural = "消息发送"
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [  # the worker's queue: only what is still to send
            models.Index(
                fields=["state", "due_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="delivery_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.notification.recipient}"


# ---------------------------------------------------------------------------------------------
# The mechanisms every module shares (workflow, numbering, inbox, attachments, reminders, clocks).
# Each belongs to its own module in core (workflow.py, numbering.py, inbox.py, files.py,
# reminders.py, deadlines.py); the models live here so that one migration history covers them.


class HeldByObject(models.Model):
    """A row that belongs to any object (a status change, an attachment, a clock): its type and id."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()

    class Meta:
        abstract = True

    @staticmethod
    def of(obj: models.Model) -> dict[str, Any]:
        """The filter (and create) arguments for the rows held by `obj`."""
        return {"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk}


class StatusHistory(HeldByObject):
    """One status change of any object with a workflow: old → new, by which action, who, when, why."""

    action = models.CharField("操作", max_length=40)
    old = models.CharField("原状态", max_length=30)
    new = models.CharField("新状态", max_length=30)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.CharField("理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "状态记录"
        verbose_name_plural = "状态记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="statushistory_object_idx")]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.old} → {self.new}"


class Counter(models.Model):
    """The last number used in a series and year (收 2026 → 15); locked by whoever takes the next."""

    series = models.CharField("系列", max_length=30)
    year = models.PositiveIntegerField("年度")
    last = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = "编号"
        verbose_name_plural = "编号"
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="counter_unique_series_year")]

    def __str__(self) -> str:
        return f"{self.series}〔{self.year}〕{self.last}"


class InboxKind(models.TextChoices):
    """An inbox item is work to do (待办) or something to read (待阅)."""

    TODO = "todo", "待办"
    TOREAD = "toread", "待阅"


class InboxItem(models.Model):
    """Work handed to one person (待办) or something for them to read (待阅); done items stay findable.

    `key` names the step (e.g. ``documents.document:12:approve``): putting the same key again reopens
    the item instead of adding a second one, and finishing a key closes it for everyone who had it.
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inbox_items", verbose_name="接收人")
    kind = models.CharField("类别", max_length=10, choices=InboxKind.choices)
    category = models.CharField("事项", max_length=20)
    key = models.CharField("键", max_length=120)
    title = models.CharField("标题", max_length=300)
    note = models.CharField("说明", max_length=300, blank=True)
    url = models.CharField("链接", max_length=300)
    secrecy = models.IntegerField("密级", choices=Clearance.choices, default=Clearance.NONE)
    created_at = models.DateTimeField("时间", default=timezone.now)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    done_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="办理人"
    )

    class Meta:
        verbose_name = "待办事项"
        verbose_name_plural = "待办事项"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="inbox_unique_key")]
        indexes = [
            models.Index(fields=["recipient", "kind"], condition=Q(done_at__isnull=True), name="inbox_open_idx"),
            models.Index(fields=["recipient", "kind", "-done_at"], name="inbox_done_idx"),
            models.Index(fields=["key"], name="inbox_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.category}：{self.title}"


class Attachment(HeldByObject):
    """A file held by any object, stored once under var/ by its SHA-256 (see core/files.py)."""

    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField("大小")
    mime = models.CharField("类型", max_length=60)
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_object_idx")]

    def __str__(self) -> str:
        return self.name


class PasswordHistory(models.Model):
    """A password a user had (its hash only): the last ones may not be chosen again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history", verbose_name="用户")
    password = models.CharField("密码摘要", max_length=128)
    set_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-set_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.set_at:%Y-%m-%d}"


class SecondFactor(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): the shared secret, and the last time step used.

    Unconfirmed until the user has typed one code from the app; only a confirmed one is asked for at
    login. `last_step` refuses a code seen before (a code read over someone's shoulder cannot be replayed).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="second_factor", verbose_name="用户")
    secret = models.CharField("密钥", max_length=64)
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    last_step = models.BigIntegerField("最近一次验证码的时间步", default=0)

    class Meta:
        verbose_name = "两步验证"
        verbose_name_plural = "两步验证"

    def __str__(self) -> str:
        return f"{self.user_id} {'已启用' if self.confirmed_at else '待确认'}"


class RecoveryCode(models.Model):
    """A one-time code for when the phone is lost; only its SHA-256 digest is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name="用户")
    digest = models.CharField("摘要", max_length=64)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"

    def __str__(self) -> str:
        return f"{self.user_id} {'已用' if self.used_at else '未用'}"


class LoginThrottle(models.Model):
    """Failed logins of one user name from one source address, and the lock they earned.

    The lock holds for that address only: five wrong passwords from one machine cannot shut the
    account's owner out from another. Kept for unknown user names too, so that an attacker learns
    nothing from the messages about which names exist.
    """

    username = models.CharField("用户名", max_length=150)
    address = models.CharField("来源地址", max_length=45)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    refused = models.PositiveIntegerField("锁定期间被拒次数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "登录限制"
        verbose_name_plural = "登录限制"
        constraints = [models.UniqueConstraint(fields=["username", "address"], name="loginthrottle_unique")]
        indexes = [models.Index(fields=["address", "updated_at"], name="loginthrottle_address_idx")]

    def __str__(self) -> str:
        return f"{self.username}@{self.address}"


class TokenScope(models.TextChoices):
    """What a token may do: read through the API, read and write, or open the wall display only."""

    READ = "read", "只读"
    WRITE = "write", "读写"
    WALL = "wall", "大屏显示"


class AccessToken(models.Model):
    """A person's revocable token for another system (the REST API) or the office's wall screen.

    Only the SHA-256 of the secret is stored; the secret is shown once, when issued. It acts as its
    person, with their roles, unit and clearance, and never more: a read token cannot write, a wall
    token opens the wall display and nothing else.
    """

    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="access_tokens", verbose_name="使用人")
    name = models.CharField("用途", max_length=50)
    scope = models.CharField("权限", max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    prefix = models.CharField("前缀", max_length=12)  # the secret's first characters, to tell tokens apart
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey("User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "访问令牌"
        verbose_name_plural = "访问令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class SentReminder(models.Model):
    """That one reminder (a key naming what and when) went to one person: the key is sent once, ever."""

    key = models.CharField("键", max_length=160)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name="接收人")
    sent_at = models.DateTimeField("发送时间", default=timezone.now)

    class Meta:
        verbose_name = "已发提醒"
        verbose_name_plural = "已发提醒"
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="sentreminder_once")]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient_id}"


class ClockUnit(models.TextChoices):
    """The unit a deadline clock counts in: calendar days, working days or office minutes."""

    CALENDAR_DAYS = "calendar_days", "自然日"
    WORKDAYS = "workdays", "工作日"
    OFFICE_MINUTES = "office_minutes", "工作时间（分钟）"


class Clock(HeldByObject):
    """A deadline running for an object (答复期限, 办理时限): extended, paused and stopped with history."""

    name = models.CharField("名称", max_length=40)
    unit = models.CharField("计算方式", max_length=20, choices=ClockUnit.choices)
    amount = models.PositiveIntegerField("期限")
    warn_within = models.PositiveIntegerField("提前预警", default=3)
    roll_holidays = models.BooleanField("末日遇节假日顺延", default=False)
    started_at = models.DateTimeField("起算时间")
    due_at = models.DateTimeField("到期时间")
    paused_at = models.DateTimeField("暂停于", null=True, blank=True)
    stopped_at = models.DateTimeField("停止于", null=True, blank=True)
    # Calendar days paused so far (not counted): a calendar-day period ends `amount + waited_days` after its
    # start, and only then is a last day off rolled on — never a rolled end moved again.
    waited_days = models.PositiveIntegerField("暂停天数", default=0)

    class Meta:
        verbose_name = "期限"
        verbose_name_plural = "期限"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "name"], name="clock_unique_name"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(stopped_at__isnull=True), name="clock_running_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}：{self.due_at:%Y-%m-%d}"


class ClockEvent(models.Model):
    """One change of a clock: started, extended, paused, resumed, stopped — with who and why."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=10)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField("理由", max_length=300, blank=True)
    old_due = models.DateTimeField("原到期时间", null=True, blank=True)
    new_due = models.DateTimeField("新到期时间", null=True, blank=True)

    class Meta:
        verbose_name = "期限记录"
        verbose_name_plural = "期限记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.kind}"


class Draft(models.Model):
    """A form saved half-filled (草稿) by its owner, to finish later: the visitor at the desk stepped out.

    The fields are kept as the browser sent them, sealed (a draft may hold an ID number), and only its
    owner sees it; drafts older than `core.drafts.KEEP_DAYS` are removed.
    """

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name="保存人")
    form = models.CharField("表单", max_length=40)  # e.g. "petitions.new"
    label = models.CharField("说明", max_length=100)
    data = SealedField("内容")
    saved_at = models.DateTimeField("保存时间", default=timezone.now)

    class Meta:
        verbose_name = "草稿"
        verbose_name_plural = "草稿"
        ordering = ["-saved_at", "-pk"]
        indexes = [models.Index(fields=["owner", "form", "saved_at"], name="draft_owner_form_idx")]

    def __str__(self) -> str:
        return self.label
