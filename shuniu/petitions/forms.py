"""The intake form (信访登记) and its petitioners' rows; every message in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from shuniu.core.confirm import ConfirmField
from shuniu.core.forms import LocalDateField, LocalDateTimeField, MultiFileField, StyledForm
from shuniu.core.models import Role, Unit, UnitKind, User, Village
from shuniu.petitions.models import Category, Channel, Conduct, Counterpart, Satisfaction, Topic


class PetitionForm(StyledForm):
    channel = forms.ChoiceField(label="信访形式", choices=Channel.choices, initial=Channel.VISIT)
    received_at = LocalDateTimeField(label="接待时间")
    category = forms.ChoiceField(label="信访类别", choices=Category.choices, initial=Category.REQUEST)
    topic = forms.ChoiceField(label="内容分类", choices=Topic.choices)
    summary = forms.CharField(
        label="反映问题", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "请填写反映的问题。"}
    )
    appeal = forms.CharField(
        label="诉求", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写诉求。"}
    )
    people_count = forms.IntegerField(
        label="来访人数", min_value=1, max_value=9999, initial=1, help_text="多人走访请登记推选的代表（不超过 5 名）。"
    )
    uploads = MultiFileField(label="来信、证明材料等附件（PDF、OFD、PNG、JPEG）", required=False)
    kept = forms.CharField(required=False, widget=forms.HiddenInput)  # files chosen before the form came back
    draft = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the draft being finished
    call = forms.IntegerField(required=False, widget=forms.HiddenInput)  # the incoming call it comes from
    repeat_of = forms.IntegerField(required=False, widget=forms.HiddenInput)  # chosen among the earlier matters
    confirm = ConfirmField("已核对，属新的信访事项")


class PersonForm(StyledForm):
    """One petitioner at the desk."""

    name = forms.CharField(label="姓名", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号码", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    township = forms.ModelChoiceField(
        label="乡镇",
        queryset=Unit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True),
        required=False,
        empty_label="（选择乡镇）",
    )
    village = forms.ModelChoiceField(
        label="村（社区）", queryset=Village.objects.select_related("township"), required=False
    )
    address = forms.CharField(label="详细地址", max_length=200, required=False)
    representative = forms.BooleanField(label="代表", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("id_number", "phone"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["id_number"].widget.attrs["inputmode"] = "text"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        grouped: dict[str, list[tuple[int, str]]] = {}
        for village in Village.objects.select_related("township").order_by("township__sort_order", "name"):
            grouped.setdefault(village.township.name, []).append((village.pk, village.name))
        self.fields["village"].widget.choices = [("", "（选择村或社区）"), *grouped.items()]

    def has_person(self) -> bool:
        data = self.cleaned_data
        return any(data.get(k) for k in ("name", "id_number", "phone", "address", "village", "township"))


PersonFormSet = forms.formset_factory(PersonForm, extra=3, max_num=30)


def person_formset_for(rows: int) -> Any:
    """The petitioners' rows for a draft taken up again: its rows, and enough empty ones to make three."""
    return forms.formset_factory(PersonForm, extra=max(1, 3 - rows), max_num=30)


class RevealForm(StyledForm):
    reason = forms.CharField(
        label="查看理由", max_length=200, error_messages={"required": "请填写查看完整个人信息的理由。"}
    )


def _units() -> Any:
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SECTION).order_by("kind", "sort_order", "name")


class DecideForm(StyledForm):
    """Art. 23's answer: accept, forward, or decline — with what the notice says."""

    decision = forms.ChoiceField(
        label="告知信访人",
        choices=[("accept", "受理（由本机关办理）"), ("forward", "转送有权处理的机关"), ("decline", "不予受理")],
    )
    unit = forms.ModelChoiceField(label="转送至", queryset=_units(), required=False, empty_label="（转送时选择）")
    note = forms.CharField(
        label="告知内容（转送、不予受理须写明理由）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    not_accused = forms.BooleanField(label="已核实转送单位不是被检举控告对象", required=False)

    def __init__(self, *args: Any, accusation: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not accusation:  # asked only of an accusation (art. 30)
            del self.fields["not_accused"]


class AssignForm(StyledForm):
    unit = forms.ModelChoiceField(label="交办单位", queryset=_units(), error_messages={"required": "请选择交办单位。"})
    days = forms.IntegerField(label="办理期限（天）", min_value=1, max_value=90)
    not_accused = forms.BooleanField(label="已核实交办单位不是被检举控告对象", required=False)

    def __init__(self, *args: Any, accusation: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not accusation:  # asked only of an accusation (art. 30)
            del self.fields["not_accused"]


class ReplyForm(StyledForm):
    text = forms.CharField(
        label="答复意见", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "请填写答复意见。"}
    )
    uploads = MultiFileField(label="答复意见书等附件（PDF、OFD、PNG、JPEG）", required=False)


class CloseForm(StyledForm):
    satisfaction = forms.ChoiceField(label="信访人评价", choices=Satisfaction.choices)


class ObjectForm(StyledForm):
    reason = forms.CharField(
        label="不属于本单位职责的理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请详细说明理由。"},
    )


class ExtendForm(StyledForm):
    days = forms.IntegerField(label="延长天数（不超过 30 日，只能延长一次）", min_value=1, max_value=30)
    reason = forms.CharField(
        label="延期理由（将告知信访人）", max_length=300, error_messages={"required": "请填写延期理由。"}
    )


class CompleteForm(StyledForm):
    """A missing name or address, supplied later; art. 23's clock then runs again."""

    petitioner = forms.TypedChoiceField(label="信访人", coerce=int)
    name = forms.CharField(label="姓名", max_length=50, required=False)
    village = forms.ModelChoiceField(
        label="村（社区）", queryset=Village.objects.select_related("township"), required=False
    )
    address = forms.CharField(label="详细地址", max_length=200, required=False)

    def __init__(self, *args: Any, people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["petitioner"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [(p.pk, str(p)) for p in people]


class ReviewRequestForm(StyledForm):
    """The petitioner asks for review (复查) or re-review (复核) of the written opinion (art. 35, 36)."""

    body = forms.ModelChoiceField(
        label="复查（复核）机关", queryset=_units(), error_messages={"required": "请选择复查（复核）机关。"}
    )
    delivered_on = LocalDateField(label="信访人收到书面意见的日期")
    requested_at = LocalDateTimeField(label="提出请求的时间")
    reason = forms.CharField(
        label="请求理由", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写请求理由。"}
    )


class HearingForm(StyledForm):
    note = forms.CharField(label="听证安排或结果", max_length=300, required=False)


class LeadForm(StyledForm):
    leader = forms.ModelChoiceField(
        label="包案领导", queryset=User.objects.none(), error_messages={"required": "请选择县领导。"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leader"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = User.objects.filter(is_active=True, leader_profile__isnull=False).order_by(
            "leader_profile__rank"
        )


class AskLeaderForm(LeadForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].label = "呈报领导"

    request = forms.CharField(
        label="呈报意见（事项概况和拟办意见）",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写呈报意见。"},
    )


class InstructForm(StyledForm):
    text = forms.CharField(
        label="批示意见", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写批示意见。"}
    )
    supervise = forms.BooleanField(label="转督查室立项督办", required=False)


class FlagForm(StyledForm):
    conduct = forms.ChoiceField(label="行为（《信访工作条例》第二十六条）", choices=Conduct.choices)
    at = LocalDateTimeField(label="发生时间")
    note = forms.CharField(
        label="情况记录", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请如实记录情况。"}
    )


class ContactForm(StyledForm):
    counterpart = forms.ChoiceField(label="联系对象", choices=Counterpart.choices)
    unit = forms.ModelChoiceField(
        label="乡镇或单位", queryset=_units(), required=False, empty_label="（县信访局不必选择）"
    )
    person = forms.CharField(label="对方人员", max_length=50, required=False)
    at = LocalDateTimeField(label="联系时间")
    note = forms.CharField(
        label="联系内容", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写联系内容。"}
    )


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A person named with their unit (or as a county leader)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}（{obj.unit.name if obj.unit else '县领导'}）"


class RecuseForm(StyledForm):
    user = PersonChoiceField(
        label="回避人员", queryset=User.objects.none(), error_messages={"required": "请选择回避人员。"}
    )
    reason = forms.CharField(
        label="回避理由（利害关系）", max_length=200, error_messages={"required": "请填写回避理由。"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = (
            User.objects.filter(
                is_active=True,
                role_grants__role__in=[
                    Role.PETITION_OFFICER,
                    Role.DIRECTOR,
                    Role.LEADER,
                    Role.SUPERVISOR,
                    Role.LIAISON,
                ],
            )
            .distinct()
            .select_related("unit")
            .order_by("unit__sort_order", "pk")
        )


class EnquiryForm(StyledForm):
    """The petitioner's enquiry (art. 21): the number and the code on their notice."""

    number = forms.CharField(
        label="信访编号",
        max_length=30,
        help_text="告知书上的编号，如 信〔2026〕12号 或 2026-12",
        error_messages={"required": "请填写信访编号。"},
    )
    code = forms.CharField(
        label="查询码", max_length=20, help_text="告知书上的 8 位查询码", error_messages={"required": "请填写查询码。"}
    )


class SelfRateForm(EnquiryForm):
    satisfaction = forms.ChoiceField(
        label="您对办理结果的评价",
        choices=[c for c in Satisfaction.choices if c[0] != Satisfaction.UNREACHED],
        widget=forms.RadioSelect,
    )
