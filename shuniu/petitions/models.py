"""Petitions received by the office (SPEC §5, 《信访工作条例》2022): petitioners and their petitions.

Personal data — ID numbers, phones, street addresses — is sealed (core.personal, SM4) and found only by
keyed blind indexes; the township and village are kept plain so "a similar name in the same village"
can be matched, and a name is kept plain as the office's register always has.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone

from shuniu.core.models import Attachment, Unit, Village
from shuniu.core.numbering import official_number
from shuniu.core.personal import SealedField, mask_id, mask_phone

SERIES = "信"  # 信〔2026〕12号


class Channel(models.TextChoices):
    """How the petition came in."""

    VISIT = "visit", "来访"
    LETTER = "letter", "来信"
    CALL = "call", "来电"
    ONLINE = "online", "网上"


class Category(models.TextChoices):
    """The three kinds of petition of art. 31 — they decide the procedure."""

    ADVICE = "advice", "建议意见"
    ACCUSATION = "accusation", "检举控告"
    REQUEST = "request", "申诉求决"


class Topic(models.TextChoices):
    """What it is about (内容分类), for the figures."""

    LAND = "land", "土地征收"
    LABOUR = "labour", "劳动和社会保障"
    URBAN = "urban", "城乡建设"
    LAW = "law", "涉法涉诉"
    AGRICULTURE = "agriculture", "农村农业"
    ENVIRONMENT = "environment", "生态环境"
    HEALTH = "health", "教育卫生"
    CIVIL = "civil", "民政事务"
    CONDUCT = "conduct", "干部作风"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    """Where a petition stands (its transitions: petitions.flow.PETITION_FLOW)."""

    REGISTERED = "registered", "已登记"
    ACCEPTED = "accepted", "已受理"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    FORWARDED = "forwarded", "已转送"
    ASSIGNED = "assigned", "已交办"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"


class Satisfaction(models.TextChoices):
    """The petitioner's rating of the result (art. 21)."""

    SATISFIED = "satisfied", "满意"
    PARTLY = "partly", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHED = "unreached", "未能联系到信访人"


class Petitioner(models.Model):
    """A person who has petitioned the office; one row per person, however often they come."""

    name = models.CharField("姓名", max_length=50, blank=True)
    id_number = SealedField("身份证号码", blank=True)
    id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_old_form = models.BooleanField("旧式15位", default=False)
    phone = SealedField("联系电话", blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    township = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="乡镇"
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="村（社区）"
    )
    address = SealedField("详细地址", blank=True)
    created_at = models.DateTimeField("首次登记", default=timezone.now)

    class Meta:
        verbose_name = "信访人"
        verbose_name_plural = "信访人"
        indexes = [models.Index(fields=["village", "name"], name="petitioner_village_name_idx")]

    def __str__(self) -> str:
        return self.name or "（姓名不详）"

    @property
    def masked_id(self) -> str:
        """110101********1234, what every screen shows."""
        return mask_id(self.id_number) + ("（旧式15位）" if self.id_old_form else "")

    @property
    def masked_phone(self) -> str:
        """138****5678."""
        return mask_phone(self.phone)

    @property
    def place(self) -> str:
        """Township and village (not the street address)."""
        township = self.township.name if self.township else ""
        return township + (self.village.name if self.village else "")


class Petition(models.Model):
    """A petition (信访事项), numbered 信〔year〕seq号; a repeat visit links to the earlier one of the same matter."""

    year = models.PositiveIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    channel = models.CharField("信访形式", max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField("接待时间")
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    topic = models.CharField("内容分类", max_length=12, choices=Topic.choices)
    summary = models.TextField("反映问题")
    appeal = models.TextField("诉求")
    people_count = models.PositiveIntegerField("人数", default=1)
    petitioners: models.ManyToManyField[Petitioner, Party] = models.ManyToManyField(
        Petitioner, through="Party", related_name="petitions"
    )
    repeat_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="repeats", verbose_name="重复访所涉事项"
    )
    status = models.CharField("状态", max_length=15, choices=Status.choices, default=Status.REGISTERED)
    # The decision at registration (受理 / 转送 / 不予受理), told to the petitioner in a 告知书.
    decided_at = models.DateTimeField("告知时间", null=True, blank=True)
    decision_note = models.TextField("告知内容", blank=True)
    handling_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="承办单位"
    )  # the unit a petition is forwarded (转送) or assigned (交办) to
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    objection = models.CharField("交办异议", max_length=300, blank=True)  # the unit's "not ours", last one
    satisfaction = models.CharField("满意度", max_length=15, choices=Satisfaction.choices, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    receptionist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="接待人"
    )
    registered_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "信访事项"
        verbose_name_plural = "信访事项"
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="petition_unique_number")]
        indexes = [
            models.Index(fields=["status", "received_at"], name="petition_status_received_idx"),
            models.Index(fields=["received_at"], name="petition_received_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """信〔2026〕12号."""
        return official_number(SERIES, self.year, self.seq)

    @property
    def group_visit(self) -> bool:
        """A group visit by the county's convention (settings.PETITION_GROUP_SIZE people or more)."""
        return self.people_count >= settings.PETITION_GROUP_SIZE

    @property
    def decision_label(self) -> str:
        """What the petitioner was told under art. 23 (once told)."""
        if self.decided_at is None:
            return ""
        return {Status.NOT_ACCEPTED: "不予受理", Status.FORWARDED: "转送"}.get(Status(self.status), "受理")

    def audit_label(self) -> str:
        """Named by number only: the log holds no petitioner's matter."""
        return self.number


class Party(models.Model):
    """A petitioner on a petition, and whether they are one of a joint visit's representatives (art. 20)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="parties")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="parties")
    representative = models.BooleanField("代表", default=False)

    class Meta:
        verbose_name = "信访人（事项）"
        verbose_name_plural = "信访人（事项）"
        ordering = ["-representative", "pk"]
        constraints = [models.UniqueConstraint(fields=["petition", "petitioner"], name="party_once")]

    def __str__(self) -> str:
        return f"{self.petition} {self.petitioner}"


class Reply(models.Model):
    """The handling unit's written answer (答复意见书 / 信访处理意见书), with its attachments."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="replies", verbose_name="信访事项")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="答复单位")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("答复时间", default=timezone.now)
    text = models.TextField("答复意见")
    attachments = GenericRelation(Attachment)

    class Meta:
        verbose_name = "答复意见"
        verbose_name_plural = "答复意见"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.petition} {self.unit}"
