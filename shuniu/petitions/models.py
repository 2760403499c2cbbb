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
    REVIEW = "review", "复查中"  # art. 35
    REVIEWED = "reviewed", "已复查"
    REREVIEW = "rereview", "复核中"  # art. 36
    FINAL = "final", "复核终结"  # the same facts and reasons are not accepted again


# A written answer has been given: the unit's reply, and whatever review followed it.
ANSWERED = (Status.REPLIED, Status.CLOSED, Status.REVIEW, Status.REVIEWED, Status.REREVIEW, Status.FINAL)


class Stage(models.TextChoices):
    """Whose written opinion a reply is: the handling unit's, the review body's, the re-review body's."""

    HANDLING = "handling", "处理意见"
    REVIEW = "review", "复查意见"
    REREVIEW = "rereview", "复核意见"


class Satisfaction(models.TextChoices):
    """The petitioner's rating of the result (art. 21)."""

    SATISFIED = "satisfied", "满意"
    PARTLY = "partly", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHED = "unreached", "未能联系到信访人"


UNKNOWN_NAME = "（姓名不详）"


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
        return self.name or UNKNOWN_NAME

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
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="包案领导",
    )
    needs_supervision = models.BooleanField("待转督办", default=False)  # a leader's instruction asks for action
    # Art. 21: the petitioner asks how the matter stands, and rates the result, with the number and this code
    # (printed on the notice). Sealed like personal data; found by its blind index, never by plaintext.
    enquiry_code = SealedField("查询码", blank=True)
    enquiry_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    attachments = GenericRelation(Attachment)  # the letter, the materials brought to the desk

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
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices, default=Stage.HANDLING)
    attachments = GenericRelation(Attachment)

    class Meta:
        verbose_name = "答复意见"
        verbose_name_plural = "答复意见"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.petition} {self.unit}"


class Review(models.Model):
    """A request for review (复查, art. 35) or re-review (复核, art. 36) of the written opinion before it.

    Asked within 30 days of the petitioner receiving that opinion; the body named answers within 30 days
    of receiving the request (a re-review's hearing not counted). Its answer is a `Reply` of the same stage.
    """

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="reviews", verbose_name="信访事项")
    stage = models.CharField("阶段", max_length=10, choices=[(Stage.REVIEW, "复查"), (Stage.REREVIEW, "复核")])
    requested_at = models.DateTimeField("请求时间")
    delivered_on = models.DateField("收到原书面意见日期")
    reason = models.TextField("请求理由")
    body = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="复查（复核）机关")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "复查复核请求"
        verbose_name_plural = "复查复核请求"
        ordering = ["requested_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["petition", "stage"], name="petition_review_once")]

    def __str__(self) -> str:
        return f"{self.petition} {self.get_stage_display()}"


class Instruction(models.Model):
    """A significant petition put to a leader for instruction (呈领导批示), and what the leader wrote."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="instructions", verbose_name="信访事项"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="领导"
    )
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField("呈报时间", default=timezone.now)
    request = models.TextField("呈报意见")
    text = models.TextField("批示", blank=True)
    instructed_at = models.DateTimeField("批示时间", null=True, blank=True)
    supervise = models.BooleanField("转督查室督办", default=False)
    matter = models.CharField("督办事项", max_length=30, blank=True)  # its 督 number once registered

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.petition} {self.leader}"


class Conduct(models.TextChoices):
    """The conduct art. 26 forbids in petitioning."""

    GATHERING = "gathering", "非法聚集、围堵冲击机关、拦截公务车辆、堵塞交通"
    DANGEROUS = "dangerous", "携带危险物品、管制器具"
    VIOLENCE = "violence", "侮辱殴打威胁工作人员、限制人身自由、毁坏财物"
    LOITERING = "loitering", "在接待场所滞留滋事、弃留生活不能自理的人"
    INCITING = "inciting", "煽动串联胁迫他人信访、借信访敛财"
    OTHER = "other", "其他扰乱公共秩序、妨害国家和公共安全的行为"


class OrderFlag(models.Model):
    """Conduct art. 26 names, recorded with a note and by whom. It never hides the matter or stops its reply."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="flags", verbose_name="信访事项")
    conduct = models.CharField("行为", max_length=12, choices=Conduct.choices)
    note = models.TextField("情况记录")
    at = models.DateTimeField("发生时间")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "信访秩序记录"
        verbose_name_plural = "信访秩序记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.petition} {self.get_conduct_display()}"


class Counterpart(models.TextChoices):
    """Whom the office kept in touch with about a petition (联系对接)."""

    BUREAU = "bureau", "县信访局"
    TOWNSHIP = "township", "乡镇"
    UNIT = "unit", "其他单位"


class Contact(models.Model):
    """A contact with the county petition bureau, a township or another unit about a petition."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="contacts", verbose_name="信访事项")
    counterpart = models.CharField("联系对象", max_length=10, choices=Counterpart.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="单位"
    )
    person = models.CharField("对方人员", max_length=50, blank=True)
    at = models.DateTimeField("联系时间")
    note = models.TextField("联系内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "联系记录"
        verbose_name_plural = "联系记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.petition} {self.get_counterpart_display()}"


class Recusal(models.Model):
    """A member of staff with a direct interest steps aside from a petition (art. 28)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="recusals", verbose_name="信访事项")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="回避人员"
    )
    reason = models.CharField("回避理由", max_length=200)
    at = models.DateTimeField("回避时间", default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "回避记录"
        verbose_name_plural = "回避记录"
        constraints = [models.UniqueConstraint(fields=["petition", "user"], name="recusal_once")]

    def __str__(self) -> str:
        return f"{self.petition} {self.user}"
