"""Incoming documents, their proposal (拟办), copies, readings (传阅/批示) and delegations (委托)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q

from shuniu.core.models import Attachment, Clearance, StatusHistory, Unit
from shuniu.core.numbering import official_number

SERIES = "收"  # 收〔2026〕15号


class Urgency(models.TextChoices):
    """How urgent an incoming document is (特急, 加急, 平件)."""

    FLASH = "flash", "特急"
    URGENT = "urgent", "加急"
    NORMAL = "normal", "平件"


URGENCY_RANK = {Urgency.FLASH: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}


class Kind(models.TextChoices):
    """Whether a document is for reading (阅知件) or asks for action (批办件)."""

    READ = "read", "阅知件"
    ACT = "act", "批办件"


class Status(models.TextChoices):
    """Where a document is in its life; `documents.flow` holds the allowed transitions."""

    REGISTERED = "registered", "已登记"
    RETURNED = "returned", "初审退回"
    SENT_BACK = "sent_back", "退回拟办"
    PROPOSED = "proposed", "拟办待审批"
    CIRCULATING = "circulating", "传阅中"
    READ = "read", "传阅完毕"
    CLOSED = "closed", "已办结"
    ARCHIVED = "archived", "已归档"


READ_ONLY = {Status.CLOSED, Status.ARCHIVED}


class Document(models.Model):
    """An incoming document (收文), registered once and followed until it is archived."""

    reg_year = models.PositiveIntegerField("登记年度")
    reg_seq = models.PositiveIntegerField("登记序号")
    received_at = models.DateTimeField("收文时间")
    source_org = models.CharField("来文单位", max_length=100)
    source_number = models.CharField("发文字号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=300)
    secrecy = models.IntegerField("密级", choices=Clearance.choices, default=Clearance.NONE)
    secrecy_term = models.CharField("保密期限", max_length=30, blank=True)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    kind = models.CharField("文件类型", max_length=10, choices=Kind.choices, default=Kind.READ)
    copies_received = models.PositiveIntegerField("份数", default=1)
    pages = models.PositiveIntegerField("页数", default=1)
    deadline = models.DateTimeField("办理时限", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REGISTERED)
    return_reason = models.CharField("退回理由", max_length=300, blank=True)
    needs_supervision = models.BooleanField("待转督办", default=False)
    result = models.TextField("办理结果", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    retention = models.CharField("保管期限", max_length=20, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    read_at = models.DateTimeField("传阅完毕时间", null=True, blank=True)
    predicted_done = models.DateTimeField("预计传阅完毕", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # The core's mechanisms, held by this document (status history, files).
    history = GenericRelation(StatusHistory)
    attachments = GenericRelation(Attachment)

    class Meta:
        verbose_name = "收文"
        verbose_name_plural = "收文"
        ordering = ["-reg_year", "-reg_seq"]
        constraints = [
            models.UniqueConstraint(fields=["reg_year", "reg_seq"], name="document_unique_reg_number"),
            models.CheckConstraint(
                condition=~Q(urgency__in=[Urgency.FLASH, Urgency.URGENT]) | Q(deadline__isnull=False),
                name="document_urgent_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="document_status_idx"),
            models.Index(fields=["source_org", "source_number"], name="document_source_idx"),
            models.Index(fields=["-received_at"], name="document_received_idx"),
            # The few waiting to become supervision matters, out of ten years, in the order the workbench lists them.
            models.Index(fields=["received_at"], condition=Q(needs_supervision=True), name="document_to_supervise_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reg_number} {self.title}"

    def audit_label(self) -> str:
        """The document as the audit log names it: a classified one by number only."""
        if self.secrecy > 0:
            return f"{self.reg_number}（{self.get_secrecy_display()}，标题不入日志）"
        return str(self)

    @property
    def reg_number(self) -> str:
        """The registration number as printed, e.g. 收〔2026〕12号."""
        return official_number(SERIES, self.reg_year, self.reg_seq)

    @property
    def is_read_only(self) -> bool:
        """Whether the document is in a status that no longer allows changes."""
        return self.status in READ_ONLY

    @property
    def urgency_rank(self) -> int:
        """The urgency as a sort key: 特急 first."""
        return URGENCY_RANK[Urgency(self.urgency)]


class Proposal(models.Model):
    """The clerk's proposal (拟办): readers, order, handling units, deadline; approved by the director."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="proposal")
    opinion = models.TextField("拟办意见", blank=True)
    copies_allowed = models.PositiveIntegerField("传阅份数", default=1)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_back_reason = models.CharField("退回理由", max_length=300, blank=True)
    # 平件 too: the clerk asks for the handling units' copies at approval (特急、加急 always get them).
    copy_to_units = models.BooleanField("同时送承办单位", default=False)
    approval_opinion = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "拟办"
        verbose_name_plural = "拟办"

    def __str__(self) -> str:
        return f"拟办：{self.document}"


class Reading(models.Model):
    """One leader's reading of one document: planned, on their desk, signed (已阅) with an instruction."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="readings")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="readings")
    position = models.PositiveIntegerField("顺序", default=0)
    copy = models.ForeignKey("Copy", on_delete=models.SET_NULL, null=True, blank=True, related_name="readings")
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    signed_at = models.DateTimeField("签阅时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    on_paper = models.BooleanField("纸质签阅", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    instruction = models.TextField("批示", blank=True)
    requires_action = models.BooleanField("需办理", default=False)
    pinned = models.BooleanField("置顶", default=False)

    class Meta:
        verbose_name = "签阅"
        verbose_name_plural = "签阅"
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["document", "leader"], name="reading_once_per_leader")]
        indexes = [
            models.Index(fields=["leader", "signed_at"], name="reading_desk_idx"),
            # The supervision staff's documents: those whose instructions ask for action, a few of millions.
            models.Index(fields=["document"], condition=Q(requires_action=True), name="reading_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} · {self.leader_id}"


class OrderConstraint(models.Model):
    """`first` must have signed before `then` may read (e.g. the secretary instructs first)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="order_constraints")
    first = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    then = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "阅文顺序"
        verbose_name_plural = "阅文顺序"
        constraints = [models.CheckConstraint(condition=~Q(first=F("then")), name="order_two_readers")]

    def __str__(self) -> str:
        return f"{self.first_id} → {self.then_id}"


class HandlingUnit(models.Model):
    """A unit that must act on the document (承办); one of them may lead (主办)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="handling_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField("主办", default=False)

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        constraints = [models.UniqueConstraint(fields=["document", "unit"], name="handling_unit_once")]

    def __str__(self) -> str:
        return f"{self.unit}{'（主办）' if self.lead else ''}"


class CopyState(models.TextChoices):
    """Where a paper copy is: in the office, on its way, on a leader's desk or back."""

    IN_OFFICE = "in_office", "在办公室"
    TO_DELIVER = "to_deliver", "待送"
    ON_DESK = "on_desk", "在领导处"
    TO_COLLECT = "to_collect", "待收回"
    RETURNED = "returned", "已收回"


class Copy(models.Model):
    """A paper copy in circulation; at every moment it has exactly one place."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="copies")
    number = models.PositiveIntegerField("份号")
    state = models.CharField(max_length=20, choices=CopyState.choices, default=CopyState.IN_OFFICE)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destination = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    since = models.DateTimeField("此处起始时间")
    route = models.JSONField("计划路线", default=list, blank=True)
    # On its way to a leader who then left: whom it was going to (the delivery list says "改送").
    redirected_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "传阅份"
        verbose_name_plural = "传阅份"
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="copy_unique_number")]
        indexes = [models.Index(fields=["state", "since"], name="copy_state_idx")]

    def __str__(self) -> str:
        return f"{self.document.reg_number} 第{self.number}份"


class UnitCopy(models.Model):
    """A handling unit's own copy (承办单位阅办件), made when the director approves circulation.

    The essay's first rule: units that must act get their copy at the same time as the leaders, so the
    work starts while the leaders read. On paper (the clerk carries it; a classified document always)
    or electronic (the unit's liaison opens the attachment). The unit signs for it (签收): its liaison on
    screen, or the clerk records who signed the paper book and when.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="unit_copies")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="承办单位")
    number = models.PositiveIntegerField("份号", null=True, blank=True)  # paper: numbered after the leaders' copies
    on_paper = models.BooleanField("纸质", default=True)
    sent_at = models.DateTimeField("送出时间")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="批准人"
    )
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiver_name = models.CharField("签收人", max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "承办单位阅办件"
        verbose_name_plural = "承办单位阅办件"
        ordering = ["document", "pk"]
        constraints = [models.UniqueConstraint(fields=["document", "unit"], name="unit_copy_once")]
        indexes = [
            models.Index(fields=["unit", "-sent_at"], name="unit_copy_unit_idx"),
            # The few not yet signed for, out of ten years: the delivery list and the chase read only these.
            models.Index(fields=["sent_at"], condition=Q(received_at__isnull=True), name="unit_copy_open_idx"),
        ]

    def __str__(self) -> str:
        label = f"第{self.number}份" if self.number else "电子件"
        return f"{self.document.reg_number} {self.unit.name}（{label}）"


class Delegation(models.Model):
    """A leader away lets someone else keep their desk (委托) for a span of time."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given")
    acting = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_taken")
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = "委托代阅"
        verbose_name_plural = "委托代阅"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="delegation_end_after_start"),
            models.CheckConstraint(condition=~Q(leader=F("acting")), name="delegation_to_someone_else"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} → {self.acting}"
